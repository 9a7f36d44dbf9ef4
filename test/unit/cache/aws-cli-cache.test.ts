// The AWS CLI's assume-role cache, checked against botocore itself. One python3 run (beforeAll)
// computes botocore's cache key for every row of the key table, loads the files we wrote through
// botocore's AssumeRoleProvider + JSONFileCache (the code path `aws` runs), and writes one entry
// with botocore's own JSONFileCache for us to read.
import { execFileSync } from 'node:child_process';
import {
  chmodSync, chownSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync,
  truncateSync, writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBuiltAsNobody } from '../../support/as-nobody.js';
import {
  awsCliCacheDir, awsCliCacheKey, readAwsCliSession, removeAwsCliSession, removeAwsCliSessionsWrittenBy, writeAwsCliSession,
  type AwsCliCacheArgs, type AwsCliRead,
} from '../../../src/cache/aws-cli-cache.js';
import type { AssumedRole } from '../../../src/sts/types.js';

const ARN = 'arn:aws:iam::123456789012:role/test-role';
const MFA = 'arn:aws:iam::123456789012:mfa/alice';
const ASSUMED_ARN = 'arn:aws:sts::123456789012:assumed-role/test-role/alice';

/** A profile's settings (as botocore reads them) and the args a caller derives from them. */
const keyTable: [name: string, profile: Record<string, string>, args: AwsCliCacheArgs][] = [
  ['role only', { role_arn: ARN }, { RoleArn: ARN }],
  ['session name', { role_arn: ARN, role_session_name: 'alice' }, { RoleArn: ARN, RoleSessionName: 'alice' }],
  ['empty session name: botocore generates one, left out', { role_arn: ARN, role_session_name: '' }, { RoleArn: ARN, RoleSessionName: '' }],
  ['external id', { role_arn: ARN, external_id: 'ext-123' }, { RoleArn: ARN, ExternalId: 'ext-123' }],
  ['empty external id is still an argument', { role_arn: ARN, external_id: '' }, { RoleArn: ARN, ExternalId: '' }],
  ['mfa serial', { role_arn: ARN, mfa_serial: MFA }, { RoleArn: ARN, SerialNumber: MFA }],
  ['duration: int() of the setting', { role_arn: ARN, duration_seconds: '3600' }, { RoleArn: ARN, DurationSeconds: 3600 }],
  [
    'everything',
    { role_arn: ARN, role_session_name: 'alice', external_id: 'x', mfa_serial: MFA, duration_seconds: '43200' },
    { RoleArn: ARN, RoleSessionName: 'alice', ExternalId: 'x', SerialNumber: MFA, DurationSeconds: 43200 },
  ],
  ['quotes and backslashes', { role_arn: ARN, external_id: 'a"b\\c/d' }, { RoleArn: ARN, ExternalId: 'a"b\\c/d' }],
  ['non-ASCII (BMP)', { role_arn: ARN, role_session_name: 'café-日本' }, { RoleArn: ARN, RoleSessionName: 'café-日本' }],
  ['astral: surrogate pairs', { role_arn: ARN, external_id: '😀𝄞' }, { RoleArn: ARN, ExternalId: '😀𝄞' }],
  ['control characters and DEL', { role_arn: ARN, external_id: 'a\tb\nc\u0001\u007f~' }, { RoleArn: ARN, ExternalId: 'a\tb\nc\u0001\u007f~' }],
  ['path and partition', { role_arn: 'arn:aws-cn:iam::123456789012:role/path/to/R_1' }, { RoleArn: 'arn:aws-cn:iam::123456789012:role/path/to/R_1' }],
];

const MINUTE = 60_000;

function assumed(expiration: Date, assumedRoleArn = ASSUMED_ARN): AssumedRole {
  return {
    credentials: { accessKeyId: 'ASIAOURS', secretAccessKey: 'our-secret', sessionToken: 'our-token', expiration },
    assumedRoleArn,
  };
}

/** Files we write for botocore's provider to load: does `aws` reuse them, and with what? */
const providerCases: [name: string, profile: Record<string, string>, args: AwsCliCacheArgs, minutesLeft: number, reused: boolean][] = [
  ['an hour left', { role_arn: ARN }, { RoleArn: ARN }, 60, true],
  ['every argument, an hour left', keyTable[7]![1], keyTable[7]![2], 60, true],
  ['16 minutes left', { role_arn: ARN, role_session_name: 'sixteen' }, { RoleArn: ARN, RoleSessionName: 'sixteen' }, 16, true],
  ['14 minutes left: inside the 15-minute window', { role_arn: ARN, role_session_name: 'fourteen' }, { RoleArn: ARN, RoleSessionName: 'fourteen' }, 14, false],
];

const BOTOCORE = `
import datetime, json, sys
from botocore.credentials import AssumeRoleProvider
from botocore.utils import JSONFileCache
from dateutil.tz import tzutc

data = json.load(sys.stdin)
SOURCE = {'aws_access_key_id': 'AKIASOURCE', 'aws_secret_access_key': 'source-secret'}
GOOD = {'Credentials': {'AccessKeyId': 'A', 'SecretAccessKey': 'S', 'SessionToken': 'T',
                        'Expiration': '2999-01-01T00:00:00Z'}}

class Probe(dict):
    """A cache that records the key the fetcher asks for and always hits."""
    def __init__(self):
        self.seen = []
    def __contains__(self, key):
        self.seen.append(key)
        return True
    def __getitem__(self, key):
        return GOOD

class AssumeRoleAttempted(Exception):
    pass

def refuse(*args, **kwargs):
    raise AssumeRoleAttempted()

def provider(profile, cache):
    config = {'profiles': {'src': SOURCE, 'p': dict(profile, source_profile='src')}}
    # refuse stands in for STS and for the MFA prompt: either means the cache was not used.
    return AssumeRoleProvider(load_config=lambda: config, client_creator=refuse, cache=cache,
                              profile_name='p', prompter=refuse)

keys = []
for profile in data['keyProfiles']:
    probe = Probe()
    provider(profile, probe).load().get_frozen_credentials()
    keys.append(probe.seen[0])

loaded = []
for case in data['providerCases']:
    creds = provider(case['profile'], JSONFileCache(case['dir'])).load()
    try:
        frozen = creds.get_frozen_credentials()
        loaded.append({'reused': True, 'accessKey': frozen.access_key, 'token': frozen.token,
                       'expiry': creds._expiry_time.isoformat()})
    except AssumeRoleAttempted:
        loaded.append({'reused': False})

w = data['botocoreWrite']
expiry = datetime.datetime(2031, 5, 6, 7, 8, 9, tzinfo=tzutc())
JSONFileCache(w['dir'])[w['key']] = {
    'Credentials': {'AccessKeyId': 'ASIABOTO', 'SecretAccessKey': 'boto-secret', 'SessionToken': 'boto-token',
                    'Expiration': expiry, 'AccountId': '123456789012'},
    'AssumedRoleUser': {'AssumedRoleId': 'AROAX:boto', 'Arn': '${ASSUMED_ARN}'},
}
print(json.dumps({'keys': keys, 'loaded': loaded}))
`;

interface BotocoreAnswer {
  keys: string[];
  loaded: ({ reused: false } | { reused: true; accessKey: string; token: string; expiry: string })[];
}

let root: string;
let botocore: BotocoreAnswer;
const expirations: Date[] = [];
const botocoreDir = () => join(root, 'botocore-wrote');

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'awsrole-cli-cache-'));
  const cases = providerCases.map(([, profile, args, minutesLeft], i) => {
    const dir = join(root, `provider-${i}`, '.aws', 'cli', 'cache');
    const expiration = new Date(Date.now() + minutesLeft * MINUTE);
    expirations.push(expiration);
    writeAwsCliSession(dir, args, assumed(expiration), 'p');
    return { dir, profile };
  });
  const input = JSON.stringify({
    keyProfiles: keyTable.map(([, profile]) => profile),
    providerCases: cases,
    botocoreWrite: { dir: botocoreDir(), key: awsCliCacheKey({ RoleArn: ARN }) },
  });
  botocore = JSON.parse(execFileSync('python3', ['-c', BOTOCORE], { input, encoding: 'utf8' })) as BotocoreAnswer;
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The session a read gives, or undefined when it found none or ignored the entry. */
const used = (read: AwsCliRead | undefined) => (read && 'assumed' in read ? read.assumed : undefined);
/** Why a read ignored the entry there (undefined when it used it, or found none). */
const ignored = (read: AwsCliRead | undefined) => (read && 'ignored' in read ? read.ignored : undefined);

let scratchCount = 0;
function scratch(): string {
  const dir = join(root, `scratch-${scratchCount++}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

describe(awsCliCacheKey.name, () => {
  it('matches the documented example', () => {
    expect(awsCliCacheKey({ RoleArn: ARN })).toBe('989478543169c4f9f0aba2d7c6210630af2b0e94');
  });

  it.each(keyTable.map((row, i) => [...row, i] as const))('%s: the key botocore computes', (_name, _profile, args, i) => {
    expect(awsCliCacheKey(args)).toBe(botocore.keys[i]);
  });

  it('ignores undefined members', () => {
    expect(awsCliCacheKey({ RoleArn: ARN, ExternalId: undefined, DurationSeconds: undefined })).toBe(awsCliCacheKey({ RoleArn: ARN }));
  });

  it('refuses a duration botocore could not have (int() of the setting)', () => {
    expect(() => awsCliCacheKey({ RoleArn: ARN, DurationSeconds: 3600.5 })).toThrow(RangeError);
  });

  it('lives in <home>/.aws/cli/cache', () => {
    expect(awsCliCacheDir('/home/u')).toBe(join('/home/u', '.aws', 'cli', 'cache'));
  });
});

describe(readAwsCliSession.name, () => {
  const args: AwsCliCacheArgs = { RoleArn: ARN, RoleSessionName: 'alice' };

  function entry(dir: string, text: string): string {
    const path = join(dir, `${awsCliCacheKey(args)}.json`);
    writeFileSync(path, text, { mode: 0o600 });
    return path;
  }
  const response = (expiration: unknown, extra: object = {}) =>
    JSON.stringify({
      Credentials: { AccessKeyId: 'ASIAX', SecretAccessKey: 'sec', SessionToken: 'tok', Expiration: expiration, AccountId: '123456789012' },
      AssumedRoleUser: { AssumedRoleId: 'AROAX:alice', Arn: ASSUMED_ARN },
      ResponseMetadata: { RequestId: 'r', HTTPStatusCode: 200 },
      ...extra,
    });

  // Who writes which spelling (each seen from the real writer, see the module's comments).
  it.each([
    ['AWS CLI v1 (wire, as STS sends it)', '2031-05-06T07:08:09Z', '2031-05-06T07:08:09.000Z'],
    ['AWS CLI v1, fractional seconds', '2031-05-06T07:08:09.123456Z', '2031-05-06T07:08:09.123Z'],
    ['cli_timestamp_format iso8601 (AWS CLI v2)', '2031-05-06T07:08:09+00:00', '2031-05-06T07:08:09.000Z'],
    ['iso8601, fractional seconds', '2031-05-06T07:08:09.5+00:00', '2031-05-06T07:08:09.500Z'],
    ['botocore JSONFileCache (strftime %Z)', '2031-05-06T07:08:09UTC', '2031-05-06T07:08:09.000Z'],
    ['%Z spelling with fractional seconds', '2031-05-06T07:08:09.25UTC', '2031-05-06T07:08:09.250Z'],
    ['another offset', '2031-05-06T09:08:09+02:00', '2031-05-06T07:08:09.000Z'],
    ['a negative offset', '2031-05-06T02:08:09-05:00', '2031-05-06T07:08:09.000Z'],
  ])('reads Expiration as written by %s: %s', (_writer, text, iso) => {
    const path = entry(scratch(), response(text));
    const got = readAwsCliSession(join(path, '..'), args);
    expect(got).toEqual({
      assumed: {
        credentials: { accessKeyId: 'ASIAX', secretAccessKey: 'sec', sessionToken: 'tok', expiration: new Date(iso) },
        assumedRoleArn: ASSUMED_ARN,
      },
      path,
    });
  });

  it('reads an entry botocore JSONFileCache wrote from a datetime', () => {
    const text = readFileSync(join(botocoreDir(), `${awsCliCacheKey({ RoleArn: ARN })}.json`), 'utf8');
    expect(text).toContain('"Expiration": "2031-05-06T07:08:09UTC"');
    expect(used(readAwsCliSession(botocoreDir(), { RoleArn: ARN }))).toEqual({
      credentials: { accessKeyId: 'ASIABOTO', secretAccessKey: 'boto-secret', sessionToken: 'boto-token', expiration: new Date('2031-05-06T07:08:09Z') },
      assumedRoleArn: ASSUMED_ARN,
    });
  });

  it('returns an expired entry as it is: the caller judges the time left', () => {
    const dir = scratch();
    entry(dir, response('2001-01-01T00:00:00Z'));
    expect(used(readAwsCliSession(dir, args))?.credentials.expiration).toEqual(new Date('2001-01-01T00:00:00Z'));
  });

  it('ignores an entry that does not say which role it is for (no AssumedRoleUser)', () => {
    const dir = scratch();
    entry(dir, response('2031-05-06T07:08:09Z', { AssumedRoleUser: undefined }));
    expect(ignored(readAwsCliSession(dir, args))).toBe(`the session does not say which role it is for, not for ${ARN} with session name alice`);
  });

  const good = JSON.parse(response('2031-05-06T07:08:09Z')) as { Credentials: Record<string, unknown> };
  const without = (name: string) => JSON.stringify({ Credentials: { ...good.Credentials, [name]: undefined } });
  it.each([
    ['empty', ''],
    ['truncated', response('2031-05-06T07:08:09Z').slice(0, 60)],
    ['not JSON', 'Credentials: yes'],
    ['a BOM (botocore refuses it too)', `\uFEFF${response('2031-05-06T07:08:09Z')}`],
    ['null', 'null'],
    ['an array', '[]'],
    ['no Credentials', JSON.stringify({ AssumedRoleUser: { Arn: ASSUMED_ARN } })],
    ['Credentials not an object', JSON.stringify({ Credentials: 'x' })],
    ['no AccessKeyId', without('AccessKeyId')],
    ['no SecretAccessKey', without('SecretAccessKey')],
    ['no SessionToken', without('SessionToken')],
    ['no Expiration', without('Expiration')],
    ['an empty SessionToken', JSON.stringify({ Credentials: { ...good.Credentials, SessionToken: '' } })],
    ['a numeric Expiration', response(1_900_000_000)],
    ['Expiration without a zone (botocore would crash)', response('2031-05-06T07:08:09')],
    ['Expiration not a date', response('tomorrow')],
    ['Expiration on 30 February', response('2031-02-30T07:08:09Z')],
    ['Expiration at 24:00', response('2031-05-06T24:00:00Z')],
  ])('a file that is %s is ignored', (_name, text) => {
    const dir = scratch();
    entry(dir, text);
    expect(ignored(readAwsCliSession(dir, args))).toEqual(expect.any(String));
  });

  it('a missing file or directory is a miss', () => {
    expect(readAwsCliSession(scratch(), args)).toBeUndefined();
    expect(readAwsCliSession(join(root, 'no', 'such', 'dir'), args)).toBeUndefined();
  });

  it('a symlink is a miss, even to a good entry', () => {
    const dir = scratch();
    const real = join(dir, 'elsewhere.json');
    writeFileSync(real, response('2031-05-06T07:08:09Z'));
    symlinkSync(real, join(dir, `${awsCliCacheKey(args)}.json`));
    expect(ignored(readAwsCliSession(dir, args))).toBe('unreadable: ELOOP');
  });

  it('a directory or a FIFO at the path is a miss (and does not hang)', () => {
    const dir = scratch();
    mkdirSync(join(dir, `${awsCliCacheKey(args)}.json`));
    expect(used(readAwsCliSession(dir, args))).toBeUndefined();
    const fifoDir = scratch();
    execFileSync('mkfifo', [join(fifoDir, `${awsCliCacheKey(args)}.json`)]);
    expect(ignored(readAwsCliSession(fifoDir, args))).toMatch(/not a regular file/);
  });

  it('an unreadable file is a miss', () => {
    const dir = mkdtempSync(join(tmpdir(), 'awsrole-cli-cache-unreadable-'));
    chmodSync(dir, 0o755);
    chmodSync(entry(dir, response('2031-05-06T07:08:09Z')), 0o000);
    if (process.getuid?.() !== 0) {
      expect(ignored(readAwsCliSession(dir, args))).toBe('unreadable: EACCES');
      return;
    }
    // root reads any file, so the reader runs as `nobody` (test/support/as-nobody.ts).
    const script = (module: string) => `import(${JSON.stringify(module)}).then((m) => process.stdout.write(JSON.stringify(m.readAwsCliSession(process.argv[1], JSON.parse(process.argv[2])) ?? null)))`;
    const child = runBuiltAsNobody('cache/aws-cli-cache.js', script, [dir, JSON.stringify(args)]);
    expect(child.stderr).toBe('');
    expect(JSON.parse(child.stdout)).toMatchObject({ ignored: 'unreadable: EACCES' });
  });
});

// The attacks awsrole's own cache withstands (store.test.ts), against the AWS CLI's: anyone who
// can put a file here could otherwise hand awsrole credentials of their choosing.
describe(`${readAwsCliSession.name}: what it does not trust`, () => {
  const args: AwsCliCacheArgs = { RoleArn: ARN };
  const uid = process.getuid!();
  const good = (assumedArn = ASSUMED_ARN) =>
    JSON.stringify({
      Credentials: { AccessKeyId: 'ASIAX', SecretAccessKey: 'sec', SessionToken: 'tok', Expiration: '2031-05-06T07:08:09Z' },
      AssumedRoleUser: { Arn: assumedArn },
    });
  function plant(dir: string, text = good(), key = args): string {
    const path = join(dir, `${awsCliCacheKey(key)}.json`);
    writeFileSync(path, text, { mode: 0o600 });
    return path;
  }

  it('(control) uses a good entry in a private directory', () => {
    const dir = scratch();
    plant(dir);
    expect(used(readAwsCliSession(dir, args))?.credentials.accessKeyId).toBe('ASIAX');
  });

  it.each(['0777', '1777', '0770', '0702', '0720'])('an entry in a directory of mode %s', (mode) => {
    const dir = scratch();
    plant(dir);
    chmodSync(dir, parseInt(mode, 8));
    expect(ignored(readAwsCliSession(dir, args))).toBe(`the directory is writable by others (mode ${mode})`);
  });

  it('accepts a directory others may only read (0755, as botocore makes it)', () => {
    const dir = scratch();
    plant(dir);
    chmodSync(dir, 0o755);
    expect(used(readAwsCliSession(dir, args))).toBeDefined();
  });

  it('an entry in a directory of another user', () => {
    const dir = scratch();
    plant(dir);
    chownSync(dir, 65534, 65534);
    expect(ignored(readAwsCliSession(dir, args))).toBe(`the directory belongs to uid 65534, not to you (uid ${uid})`);
  });

  it('an entry in a directory reached through a symlink', () => {
    const real = scratch();
    plant(real);
    const link = join(root, `link-${scratchCount++}`);
    symlinkSync(real, link);
    expect(ignored(readAwsCliSession(link, args))).toBe('the directory is a symlink');
  });

  it.each(['0666', '0662', '0620', '0602'])('an entry of mode %s', (mode) => {
    const dir = scratch();
    chmodSync(plant(dir), parseInt(mode, 8));
    expect(ignored(readAwsCliSession(dir, args))).toBe(`the entry is writable by others (mode ${mode})`);
  });

  it('accepts an entry others may read (0644, as older AWS CLIs wrote them)', () => {
    const dir = scratch();
    chmodSync(plant(dir), 0o644);
    expect(used(readAwsCliSession(dir, args))).toBeDefined();
  });

  it('an entry of another user', () => {
    const dir = scratch();
    chownSync(plant(dir), 65534, 65534);
    expect(ignored(readAwsCliSession(dir, args))).toBe(`the entry belongs to uid 65534, not to you (uid ${uid})`);
  });

  it.each([
    ['another role, copied under this key', 'arn:aws:sts::123456789012:assumed-role/other-role/alice'],
    ['the same role name in another account', 'arn:aws:sts::210987654321:assumed-role/test-role/alice'],
    ['the same role in another partition', 'arn:aws-cn:sts::123456789012:assumed-role/test-role/alice'],
    ['a user, not a role', 'arn:aws:iam::123456789012:user/test-role'],
  ])('a session of %s', (_name, assumedArn) => {
    const dir = scratch();
    plant(dir, good(assumedArn));
    expect(ignored(readAwsCliSession(dir, args))).toBe(`the session is for ${JSON.stringify(assumedArn)}, not for ${ARN}`);
  });

  it('a session with another session name than the key asks for', () => {
    const dir = scratch();
    const named = { RoleArn: ARN, RoleSessionName: 'bob' };
    plant(dir, good(), named);
    expect(ignored(readAwsCliSession(dir, named))).toMatch(/not for .* with session name bob$/);
  });

  it('matches a role with a path by its name (the assumed-role ARN has no path)', () => {
    const dir = scratch();
    const withPath = { RoleArn: 'arn:aws:iam::123456789012:role/team/ops/test-role' };
    plant(dir, good(), withPath);
    expect(used(readAwsCliSession(dir, withPath))?.assumedRoleArn).toBe(ASSUMED_ARN);
  });

  it('a huge (sparse) file, without reading it into memory', () => {
    const dir = scratch();
    const path = plant(dir);
    truncateSync(path, 1.5 * 1024 ** 3);
    const before = process.memoryUsage().rss;
    expect(ignored(readAwsCliSession(dir, args))).toBe(`unreadable: larger than 1048576 bytes (${path})`);
    expect(process.memoryUsage().rss - before).toBeLessThan(100 * 1024 ** 2);
  });
});

describe(removeAwsCliSessionsWrittenBy.name, () => {
  it("removes what awsrole wrote, for one profile or all, and never the AWS CLI's own entries", () => {
    const dir = scratch();
    const session = assumed(new Date('2031-05-06T07:08:09Z'));
    writeAwsCliSession(dir, { RoleArn: ARN, DurationSeconds: 3600 }, session, 'a');
    writeAwsCliSession(dir, { RoleArn: ARN, RoleSessionName: 'flag' }, session, 'a');
    writeAwsCliSession(dir, { RoleArn: ARN }, session, 'b');
    const cliOwn = join(dir, `${awsCliCacheKey({ RoleArn: ARN, ExternalId: 'x' })}.json`);
    writeFileSync(cliOwn, JSON.stringify({ Credentials: { AccessKeyId: 'ASIACLI' }, AssumedRoleUser: { Arn: ASSUMED_ARN } }), { mode: 0o600 });
    expect(removeAwsCliSessionsWrittenBy(dir, 'a')).toBe(2);
    expect(readdirSync(dir).sort()).toEqual([`${awsCliCacheKey({ RoleArn: ARN })}.json`, `${awsCliCacheKey({ RoleArn: ARN, ExternalId: 'x' })}.json`].sort());
    expect(removeAwsCliSessionsWrittenBy(dir, undefined)).toBe(1);
    expect(readdirSync(dir)).toEqual([`${awsCliCacheKey({ RoleArn: ARN, ExternalId: 'x' })}.json`]);
    expect(removeAwsCliSessionsWrittenBy(join(root, 'no-such-dir'), undefined)).toBe(0);
  });
});

describe(writeAwsCliSession.name, () => {
  it.each(providerCases.map((row, i) => [...row, i] as const))(
    "botocore's AssumeRoleProvider loads it: %s",
    (_name, _profile, _args, _minutes, reused, i) => {
      const got = botocore.loaded[i]!;
      if (!reused) {
        expect(got).toEqual({ reused: false });
        return;
      }
      const expiry = expirations[i]!;
      expect(got).toEqual({
        reused: true,
        accessKey: 'ASIAOURS',
        token: 'our-token',
        expiry: `${expiry.toISOString().slice(0, 19)}+00:00`,
      });
    },
  );

  it('writes the AssumeRole response shape with Expiration as the AWS CLI v1 stores it', () => {
    const dir = scratch();
    writeAwsCliSession(dir, { RoleArn: ARN }, assumed(new Date('2031-05-06T07:08:09.999Z')), 'p');
    const written: unknown = JSON.parse(readFileSync(join(dir, '989478543169c4f9f0aba2d7c6210630af2b0e94.json'), 'utf8'));
    expect(written).toEqual({
      Credentials: {
        AccessKeyId: 'ASIAOURS',
        SecretAccessKey: 'our-secret',
        SessionToken: 'our-token',
        Expiration: '2031-05-06T07:08:09Z', // whole seconds, rounded down
        AccountId: '123456789012',
      },
      AssumedRoleUser: { Arn: ASSUMED_ARN },
      AwsroleWrittenFor: { profile: 'p' }, // what `cache clear` looks for
    });
  });

  it('leaves out AssumedRoleUser and AccountId when the assumed ARN is unknown', () => {
    const dir = scratch();
    writeAwsCliSession(dir, { RoleArn: ARN }, assumed(new Date('2031-05-06T07:08:09Z'), ''), 'p');
    const written = JSON.parse(readFileSync(join(dir, `${awsCliCacheKey({ RoleArn: ARN })}.json`), 'utf8')) as Record<string, unknown>;
    expect(written).toEqual({
      Credentials: { AccessKeyId: 'ASIAOURS', SecretAccessKey: 'our-secret', SessionToken: 'our-token', Expiration: '2031-05-06T07:08:09Z' },
      AwsroleWrittenFor: { profile: 'p' },
    });
  });

  it('reads back what it wrote', () => {
    const dir = scratch();
    const session = assumed(new Date('2031-05-06T07:08:09Z'));
    writeAwsCliSession(dir, { RoleArn: ARN, ExternalId: 'x' }, session, 'p');
    expect(used(readAwsCliSession(dir, { RoleArn: ARN, ExternalId: 'x' }))).toEqual(session);
    expect(readAwsCliSession(dir, { RoleArn: ARN })).toBeUndefined();
  });

  it('creates the directories 0700 and the file 0600, whatever the umask, leaving no temp file', () => {
    const dir = join(root, 'fresh-home', '.aws', 'cli', 'cache');
    const before = process.umask(0o222); // would make a directory 0500 and a file 0400
    try {
      writeAwsCliSession(dir, { RoleArn: ARN }, assumed(new Date('2031-05-06T07:08:09Z')), 'p');
    } finally {
      process.umask(before);
    }
    for (const made of [join(root, 'fresh-home'), join(root, 'fresh-home', '.aws'), join(root, 'fresh-home', '.aws', 'cli'), dir]) {
      expect(statSync(made).mode & 0o777, made).toBe(0o700);
    }
    expect(readdirSync(dir)).toEqual([`${awsCliCacheKey({ RoleArn: ARN })}.json`]);
    expect(statSync(join(dir, readdirSync(dir)[0]!)).mode & 0o777).toBe(0o600);
    expect(statSync(join(root, 'provider-0', '.aws', 'cli', 'cache')).mode & 0o777).toBe(0o700);
  });

  it('replaces an existing entry', () => {
    const dir = scratch();
    writeAwsCliSession(dir, { RoleArn: ARN }, assumed(new Date('2031-01-01T00:00:00Z')), 'p');
    writeAwsCliSession(dir, { RoleArn: ARN }, assumed(new Date('2032-01-01T00:00:00Z')), 'p');
    expect(used(readAwsCliSession(dir, { RoleArn: ARN }))?.credentials.expiration).toEqual(new Date('2032-01-01T00:00:00Z'));
    expect(readdirSync(dir)).toHaveLength(1);
  });

  it('replaces a symlink at the target instead of writing through it', () => {
    const dir = scratch();
    const victim = join(root, `victim-${scratchCount}`);
    writeFileSync(victim, 'do not touch');
    const target = join(dir, `${awsCliCacheKey({ RoleArn: ARN })}.json`);
    symlinkSync(victim, target);
    writeAwsCliSession(dir, { RoleArn: ARN }, assumed(new Date('2031-05-06T07:08:09Z')), 'p');
    expect(readFileSync(victim, 'utf8')).toBe('do not touch');
    expect(lstatSync(target).isFile()).toBe(true);
    expect(statSync(target).mode & 0o777).toBe(0o600);
  });
});

describe(removeAwsCliSession.name, () => {
  it('removes the entry once', () => {
    const dir = scratch();
    writeAwsCliSession(dir, { RoleArn: ARN }, assumed(new Date('2031-05-06T07:08:09Z')), 'p');
    expect(removeAwsCliSession(dir, { RoleArn: ARN, RoleSessionName: 'other' })).toBe(false);
    expect(removeAwsCliSession(dir, { RoleArn: ARN })).toBe(true);
    expect(removeAwsCliSession(dir, { RoleArn: ARN })).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('removes a symlink, not what it points to', () => {
    const dir = scratch();
    const victim = join(root, `kept-${scratchCount}`);
    writeFileSync(victim, 'kept');
    symlinkSync(victim, join(dir, `${awsCliCacheKey({ RoleArn: ARN })}.json`));
    expect(removeAwsCliSession(dir, { RoleArn: ARN })).toBe(true);
    expect(existsSync(victim)).toBe(true);
  });
});
