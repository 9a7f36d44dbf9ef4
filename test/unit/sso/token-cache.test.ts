// The token cache against botocore itself: the cache key, a token file awsrole writes read by
// botocore's SSOTokenLoader, one botocore writes read by awsrole, byte-identical JSON, and every
// spelling of expiresAt that dateutil accepts.
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPython } from '../../support/cli.js';
import { parseSsoTimestamp, formatSsoTimestamp } from '../../../src/sso/time.js';
import {
  readRegistration, readToken, registrationCacheKey, serializeToken, ssoCacheDirectory, tokenCacheKey, tokenFilePath,
  writeRegistration, writeToken, type SsoToken,
} from '../../../src/sso/token-cache.js';

let home: string;
let dir: string;
beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), 'awsrole-sso-cache-'));
  dir = ssoCacheDirectory({ HOME: home });
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

/** Runs python with PAYLOAD (JSON) in the environment and returns its stdout parsed as JSON. */
async function python<T>(script: string, payload: unknown): Promise<T> {
  const result = await runPython(script, { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, PAYLOAD: JSON.stringify(payload) });
  if (result.code !== 0) throw new Error(`python failed (${result.code}):\n${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

const NAMES = [
  { startUrl: 'https://my-sso-portal.awsapps.com/start', sessionName: 'my-sso' },
  { startUrl: 'https://my-sso-portal.awsapps.com/start' },
  { startUrl: 'https://d-1234567890.awsapps.com/start#/', sessionName: 'dév team ✓' },
  { startUrl: 'https://d-1234567890.awsapps.com/start#/' },
];

describe(tokenCacheKey.name, () => {
  it('is what botocore SSOTokenLoader uses: sha1 of the sso-session name, else of the start URL', async () => {
    const expected = await python<string[]>(`
import json, os
from botocore.utils import SSOTokenLoader
loader = SSOTokenLoader()
print(json.dumps([loader._generate_cache_key(n['startUrl'], n.get('sessionName')) for n in json.loads(os.environ['PAYLOAD'])]))
`, NAMES);
    expect(NAMES.map((name) => tokenCacheKey(name))).toEqual(expected);
  });

  it('names the file ~/.aws/sso/cache/<key>.json', () => {
    expect(ssoCacheDirectory({ HOME: '/home/u' })).toBe('/home/u/.aws/sso/cache');
    expect(tokenFilePath('/d', { startUrl: 'u', sessionName: 's' })).toBe(`/d/${tokenCacheKey({ startUrl: 'u', sessionName: 's' })}.json`);
  });
});

describe('token files shared with botocore', () => {
  const token: SsoToken = {
    startUrl: 'https://my-sso-portal.awsapps.com/start',
    region: 'eu-west-1',
    accessToken: 'aoa-access-token',
    expiresAt: new Date('2031-02-03T04:05:06Z'),
    clientId: 'client-id',
    clientSecret: 'client-secret',
    registrationExpiresAt: new Date('2031-05-01T00:00:00Z'),
    refreshToken: 'aor-refresh-token',
  };

  it('writes a file botocore SSOTokenLoader reads, with the same bytes botocore would write (0600 in a 0700 directory)', async () => {
    const name = { startUrl: token.startUrl!, sessionName: 'written-by-awsrole' };
    const path = writeToken(dir, name, token);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const read = await python<{ token: Record<string, string>; expires: string; dumped: string }>(`
import json, os, datetime
from dateutil.parser import parse
from botocore.utils import SSOTokenLoader, JSONFileCache
from botocore.tokens import _sso_json_dumps
p = json.loads(os.environ['PAYLOAD'])
token = SSOTokenLoader(JSONFileCache(p['dir']))(p['startUrl'], session_name=p['sessionName'])
out = dict(token)
out['expiresAt'] = parse(token['expiresAt'])
out['registrationExpiresAt'] = parse(token['registrationExpiresAt'])
print(json.dumps({'token': token, 'expires': parse(token['expiresAt']).isoformat(), 'dumped': _sso_json_dumps(out)}))
`, { dir, ...name });
    expect(read.token).toEqual({
      startUrl: token.startUrl,
      region: 'eu-west-1',
      accessToken: 'aoa-access-token',
      expiresAt: '2031-02-03T04:05:06Z',
      clientId: 'client-id',
      clientSecret: 'client-secret',
      registrationExpiresAt: '2031-05-01T00:00:00Z',
      refreshToken: 'aor-refresh-token',
    });
    expect(read.expires).toBe('2031-02-03T04:05:06+00:00');
    // botocore's own dumps of the same token (datetimes as %Y-%m-%dT%H:%M:%SZ) is byte for byte our file.
    expect(readFileSync(path, 'utf8')).toBe(read.dumped);
  });

  it('reads a file botocore wrote (SSOTokenProvider after a refresh, and the legacy form)', async () => {
    const written = await python<string[]>(`
import json, os, datetime
from dateutil.tz import tzutc
from botocore.utils import SSOTokenLoader, JSONFileCache
from botocore.tokens import _sso_json_dumps
p = json.loads(os.environ['PAYLOAD'])
loader = SSOTokenLoader(JSONFileCache(p['dir'], dumps_func=_sso_json_dumps))
token = {'startUrl': p['startUrl'], 'region': 'us-east-2', 'accessToken': 'from-botocore',
         'expiresAt': datetime.datetime(2032, 1, 2, 3, 4, 5, tzinfo=tzutc()),
         'clientId': 'cid', 'clientSecret': 'csecret', 'registrationExpiresAt': '2032-06-01T00:00:00Z',
         'refreshToken': 'rtok'}
loader.save_token(p['startUrl'], token, session_name='written-by-botocore')
# The legacy form, as an older AWS CLI v2 wrote it: JSONFileCache's default dumps (%Z gives "UTC").
legacy = SSOTokenLoader(JSONFileCache(p['dir']))
legacy.save_token(p['startUrl'], {'startUrl': p['startUrl'], 'region': 'us-east-2', 'accessToken': 'legacy',
    'expiresAt': datetime.datetime(2032, 1, 2, 3, 4, 5, tzinfo=tzutc())})
print(json.dumps(sorted(os.listdir(p['dir']))))
`, { dir, startUrl: 'https://botocore.awsapps.com/start' });
    expect(written.length).toBeGreaterThan(1);
    const session = readToken(dir, { startUrl: 'https://botocore.awsapps.com/start', sessionName: 'written-by-botocore' });
    expect(session).toMatchObject({
      status: 'found',
      token: {
        accessToken: 'from-botocore',
        expiresAt: new Date('2032-01-02T03:04:05Z'),
        region: 'us-east-2',
        clientId: 'cid',
        clientSecret: 'csecret',
        registrationExpiresAt: new Date('2032-06-01T00:00:00Z'),
        refreshToken: 'rtok',
      },
    });
    const legacy = readToken(dir, { startUrl: 'https://botocore.awsapps.com/start' });
    expect(legacy).toMatchObject({ status: 'found', token: { accessToken: 'legacy', expiresAt: new Date('2032-01-02T03:04:05Z') } });
  });

  it('serializes like json.dumps: the CLI key order, ", " and ": ", non-ASCII escaped, absent keys left out', () => {
    expect(serializeToken({ accessToken: 'a"é', expiresAt: new Date('2030-01-01T00:00:00.999Z'), startUrl: 'u' })).toBe(
      '{"startUrl": "u", "accessToken": "a\\"\\u00e9", "expiresAt": "2030-01-01T00:00:00Z"}',
    );
  });
});

describe(readToken.name, () => {
  const name = { startUrl: 'https://reads.awsapps.com/start', sessionName: 'reads' };
  const put = (text: string) => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(tokenFilePath(dir, name), text);
  };

  it.each([
    ['not JSON', '{"accessToken": "x", ', 'it is not JSON'],
    ['an array', '[]', 'it is not a JSON object'],
    ['no accessToken', '{"expiresAt": "2030-01-01T00:00:00Z"}', 'it has no accessToken'],
    ['an empty accessToken', '{"accessToken": "", "expiresAt": "2030-01-01T00:00:00Z"}', 'it has no accessToken'],
    ['no expiresAt', '{"accessToken": "x"}', 'it has no expiresAt'],
    ['a bad expiresAt', '{"accessToken": "x", "expiresAt": "tomorrow"}', 'its expiresAt "tomorrow" is not a time'],
  ])('%s is unusable', (_case, text, reason) => {
    put(text);
    expect(readToken(dir, name)).toEqual({ status: 'unusable', path: tokenFilePath(dir, name), reason });
  });

  // The attacks awsrole's own cache withstands (test/unit/cache/store.test.ts): a token planted by
  // someone else would sign the user in to an account of the planter's choosing.
  describe('a token it cannot trust is unusable, saying why', () => {
    const good = '{"accessToken": "planted", "expiresAt": "2030-01-01T00:00:00Z"}';
    const plantedIn = (mode: number) => {
      put(good);
      chmodSync(tokenFilePath(dir, name), mode);
    };
    const reason = () => {
      const lookup = readToken(dir, name);
      return lookup.status === 'unusable' ? lookup.reason : `status ${lookup.status}`;
    };

    it('(control) a file of ours that others may read is found', () => {
      plantedIn(0o644);
      expect(readToken(dir, name).status).toBe('found');
    });

    it.each([0o666, 0o662, 0o620])('a file of mode %o', (mode) => {
      plantedIn(mode);
      expect(reason()).toBe(`it is writable by others (mode 0${mode.toString(8)}): it could have been planted`);
    });

    it('a file of another user', () => {
      plantedIn(0o600);
      chownSync(tokenFilePath(dir, name), 65534, 65534);
      expect(reason()).toMatch(/^it belongs to uid 65534, not to you \(uid \d+\): it could have been planted$/);
      rmSync(tokenFilePath(dir, name));
    });

    it('a directory others can write', () => {
      plantedIn(0o600);
      chmodSync(dir, 0o777);
      try {
        expect(reason()).toBe('the directory is writable by others (mode 0777): it could have been planted');
      } finally {
        chmodSync(dir, 0o755);
      }
    });

    it('a symlink, even to a good token', () => {
      const elsewhere = join(home, 'elsewhere.json');
      writeFileSync(elsewhere, good, { mode: 0o600 });
      rmSync(tokenFilePath(dir, name), { force: true });
      symlinkSync(elsewhere, tokenFilePath(dir, name));
      expect(reason()).toBe('it is a symlink');
      rmSync(tokenFilePath(dir, name));
    });

    it('a huge (sparse) file, without reading it into memory', () => {
      plantedIn(0o600);
      truncateSync(tokenFilePath(dir, name), 1.5 * 1024 ** 3);
      expect(reason()).toBe('it is larger than 1048576 bytes');
      rmSync(tokenFilePath(dir, name));
    });
  });

  it('a missing file is missing', () => {
    expect(readToken(dir, { startUrl: 'https://nobody.awsapps.com/start' }).status).toBe('missing');
  });

  it('keeps only string fields; an unreadable registrationExpiresAt is left out (then no refresh)', () => {
    put('{"accessToken": "x", "expiresAt": "2030-01-01T00:00:00Z", "clientId": 7, "registrationExpiresAt": "soon", "refreshToken": "r"}');
    expect(readToken(dir, name)).toMatchObject({ status: 'found', token: { accessToken: 'x', refreshToken: 'r' } });
    const found = readToken(dir, name);
    expect(found.status === 'found' && 'clientId' in found.token).toBe(false);
    expect(found.status === 'found' && 'registrationExpiresAt' in found.token).toBe(false);
  });
});

describe(parseSsoTimestamp.name, () => {
  // Every writer's spelling, and what dateutil (botocore) makes of it. A naive time is UTC here;
  // botocore would crash comparing it with an aware "now", so the script makes it UTC too.
  const SPELLINGS = [
    '2030-01-02T03:04:05Z',
    '2030-01-02T03:04:05UTC',
    '2030-01-02T03:04:05.000Z',
    '2030-01-02T03:04:05.123Z',
    '2030-01-02T03:04:05.123456+00:00',
    '2030-01-02T03:04:05+00:00',
    '2030-01-02T03:04:05+0000',
    '2030-01-02T05:04:05+02:00',
    '2030-01-01T22:04:05-05:00',
    '2030-01-02T03:04:05-00:30',
    '2030-01-02 03:04:05Z',
    '2030-01-02T03:04:05 UTC',
    '2030-01-02T03:04:05GMT',
    '2030-01-02T03:04Z',
    '2030-01-02T03:04:05',
    '2030-01-02t03:04:05z',
  ];

  it('agrees with dateutil.parser on every spelling the writers use', async () => {
    const expected = await python<number[]>(`
import json, os
from dateutil.parser import parse
from dateutil.tz import tzutc
out = []
for s in json.loads(os.environ['PAYLOAD']):
    d = parse(s)
    if d.tzinfo is None:
        d = d.replace(tzinfo=tzutc())
    out.append(int(round(d.timestamp() * 1000)))
print(json.dumps(out))
`, SPELLINGS);
    expect(SPELLINGS.map((s) => parseSsoTimestamp(s)?.getTime())).toEqual(expected);
  });

  it.each(['', 'tomorrow', '2030-13-01T00:00:00Z', '2030-02-30T00:00:00Z', '2030-01-01T24:00:00Z', '2030-01-01', '1700000000'])(
    'refuses %j',
    (text) => expect(parseSsoTimestamp(text)).toBeUndefined(),
  );

  it('formats as the AWS CLI does, whole seconds', () => {
    expect(formatSsoTimestamp(new Date('2030-01-02T03:04:05.987Z'))).toBe('2030-01-02T03:04:05Z');
  });
});

describe('client registrations cached the AWS CLI v2 way', () => {
  // AWS CLI 2.9 botocore/utils.py SSOTokenFetcher._registration_cache_key, replayed in Python:
  // sha1(json.dumps({'tool': 'botocore', 'startUrl', 'region', 'scopes', 'session_name'}, sort_keys=True)).
  const NAMES = [
    { startUrl: 'https://a.awsapps.com/start', region: 'eu-west-1' },
    { startUrl: 'https://a.awsapps.com/start', region: 'eu-west-1', scopes: ['sso:account:access'], sessionName: 'corp' },
    { startUrl: 'https://a.awsapps.com/start', region: 'us-east-1', scopes: ['sso:account:access', 'codewhisperer:completions'], sessionName: 'ünï' },
  ];

  it('keys match the CLI', async () => {
    const expected = await python<string[]>(`
import hashlib, json, os
out = []
for n in json.loads(os.environ['PAYLOAD']):
    args = {'tool': 'botocore', 'startUrl': n['startUrl'], 'region': n['region'], 'scopes': n.get('scopes'), 'session_name': n.get('sessionName')}
    out.append(hashlib.sha1(json.dumps(args, sort_keys=True).encode('utf-8')).hexdigest())
print(json.dumps(out))
`, NAMES);
    expect(NAMES.map((name) => registrationCacheKey(name))).toEqual(expected);
  });

  it('round-trips in the CLI format', () => {
    const name = NAMES[1]!;
    const path = join(dir, `${registrationCacheKey(name)}.json`);
    writeRegistration(dir, name, { clientId: 'c', clientSecret: 's', expiresAt: new Date('2031-01-01T00:00:00Z'), scopes: ['sso:account:access'] });
    expect(readFileSync(path, 'utf8')).toBe('{"clientId": "c", "clientSecret": "s", "expiresAt": "2031-01-01T00:00:00Z", "scopes": ["sso:account:access"]}');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readRegistration(dir, name)).toEqual({ clientId: 'c', clientSecret: 's', expiresAt: new Date('2031-01-01T00:00:00Z'), scopes: ['sso:account:access'] });
    writeFileSync(path, '{"clientId": "c"}');
    expect(readRegistration(dir, name)).toBeUndefined();
  });
});
