// A config fuzz test with botocore as the oracle, so that the class of "awsrole resolves a
// profile differently from the AWS CLI" stays closed: a few hundred seeded, generated pairs of
// config and credentials files, every profile in them resolved by awsrole's planner and by
// botocore 1.43 (one python3 process for all of them), compared on whether the profile is
// accepted or refused, and for an accepted one on the whole chain: the source (whose keys, which
// web-identity role, which SSO role, which process, the environment) and every AssumeRole with
// the parameters the files set.
//
// botocore is asked without a network: its credential chain builds every provider and fetcher
// but calls STS only when credentials are first used. The oracle reads the chain from those
// fetchers, and counts as refused what botocore would refuse before sending anything: an
// exception while resolving, a region that is not a region name (create_client), parameters its
// own validator refuses for STS (an empty external_id, say), and empty keys (STS refuses them).
// credential_process is not run: the oracle names the command instead.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseIni } from '../../../src/config/ini.js';
import { buildProfiles } from '../../../src/config/load.js';
import { AwsroleError } from '../../../src/errors/errors.js';
import { resolvePlan } from '../../../src/plan/resolve.js';
import type { Plan } from '../../../src/plan/types.js';

const CASES = 300;
const SEED = 0x5eed;
const ACCOUNT = '123456789012';
const ENV = {
  // An explicitly named profile ignores all of these but credential_source = Environment's keys.
  AWS_ACCESS_KEY_ID: 'AKIAENVIRONMENT00001',
  AWS_SECRET_ACCESS_KEY: 'environment-secret',
  AWS_ROLE_ARN: `arn:aws:iam::${ACCOUNT}:role/FromEnvironment`,
  AWS_WEB_IDENTITY_TOKEN_FILE: '/env/token',
  AWS_ROLE_SESSION_NAME: 'from-environment',
  AWS_EC2_METADATA_DISABLED: 'true',
};

interface Case {
  config: string;
  credentials: string;
  profiles: string[];
}

/** A hop: the role and the parameters the files set for it. */
interface Hop {
  role: string;
  params: Record<string, string | number>;
}
type Outcome = { refused: string } | { source: string; hops: Hop[] };

// ---------------------------------------------------------------------------------------------
// Generated files

/** xorshift32: small, seeded, reproducible. */
function random(seed: number): () => number {
  let x = seed || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x1_0000_0000;
  };
}

function generate(seed: number): Case {
  const rnd = random(seed);
  const chance = (p: number) => rnd() < p;
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const count = 2 + Math.floor(rnd() * 6);
  const names = Array.from({ length: count }, (_, i) => `p${i}`);
  const config: string[] = [];
  const credentials: string[] = [];
  const keys = (name: string, where: string[], part: 'both' | 'id' | 'secret' | 'empty-id') => {
    if (part !== 'secret') where.push(`aws_access_key_id = ${part === 'empty-id' ? '' : `AKIA${name.toUpperCase()}${where === config ? 'CONFIG' : 'CREDS'}`}`);
    if (part !== 'id' && part !== 'empty-id') where.push(`aws_secret_access_key = secret-${name}`);
    if (part === 'empty-id') where.push(`aws_secret_access_key = secret-${name}`);
  };

  for (const [i, name] of names.entries()) {
    const own: string[] = [];
    const inCredentials: string[] = [];
    // The source of the role, or what the profile is without one.
    // A role (mostly sourced from an earlier profile, so chains form), or a profile with
    // credentials of its own; either may also have what the other has.
    const isRole = chance(0.55);
    if (isRole) {
      own.push(chance(0.05) ? 'role_arn =' : `role_arn = arn:aws:iam::${ACCOUNT}:role/R${i}`);
      const source = rnd();
      if (source < 0.65) {
        // Mostly earlier profiles (chains end), sometimes later ones (cycles), itself, or none.
        const target = chance(0.85) && i > 0 ? names[Math.floor(rnd() * i)]! : chance(0.6) ? pick(names) : pick(['nope', '']);
        own.push(`source_profile = ${target}`);
      } else if (source < 0.85) {
        own.push(`credential_source = ${pick(['Environment', 'Environment', 'Environment', 'environment', ''])}`);
      } else if (source < 0.88) {
        own.push('source_profile = p0', 'credential_source = Environment');
      } // else neither
      if (chance(0.2)) own.push(`role_session_name = ${pick([`session-${name}`, `s.${name}@ci`, ''])}`);
      if (chance(0.2)) own.push(`external_id = ${pick(['ext-1234', 'a:b/c=d', ''])}`);
      if (chance(0.1)) own.push(`mfa_serial = ${pick([`arn:aws:iam::${ACCOUNT}:mfa/u`, 'GAHT12345678', ''])}`);
      if (chance(0.15)) own.push(`duration_seconds = ${pick(['900', '3600', '7200'])}`);
    }
    // Credentials of its own, any mix (botocore's order decides which one counts).
    if (chance(isRole ? 0.15 : 0.75)) {
      const part = pick(['both', 'both', 'both', 'both', 'id', 'secret', 'empty-id'] as const);
      const file = chance(0.6) ? inCredentials : own;
      keys(name, file, part);
      if (part === 'id' && chance(0.5)) keys(name, file === own ? inCredentials : own, 'secret'); // split across the files
    }
    if (chance(isRole ? 0.05 : 0.15)) own.push(`web_identity_token_file = ${pick(['/tmp/token', '/tmp/token', ''])}`);
    if (chance(isRole ? 0.05 : 0.2)) {
      const sso = [
        chance(0.85) ? 'sso_account_id = 111122223333' : '',
        chance(0.85) ? 'sso_role_name = Admin' : '',
        chance(0.6) ? 'sso_session = corp' : chance(0.2) ? 'sso_session = missing' : '',
        chance(0.4) ? `sso_start_url = ${pick(['https://corp.awsapps.com/start', 'https://other.awsapps.com/start'])}` : '',
        chance(0.4) ? `sso_region = ${pick(['eu-west-1', 'us-east-1'])}` : '',
      ];
      own.push(...sso.filter(Boolean));
    }
    if (chance(isRole ? 0.05 : 0.15)) own.push(`credential_process = ${pick([`/bin/helper ${name}`, `/bin/helper ${name}`, ''])}`);
    if (chance(0.25)) own.push(`region = ${pick(['eu-west-1', 'us-east-1', 'ap-south-2', 'us-west-2', 'eu-west-1 ; Ireland', 'eu_west_1'])}`);
    // Shuffle the keys: order in a section never matters.
    for (let j = own.length - 1; j > 0; j--) {
      const k = Math.floor(rnd() * (j + 1));
      [own[j], own[k]] = [own[k]!, own[j]!];
    }
    // Every profile exists in the config file, some in the credentials file too.
    config.push(`[profile ${name}]`, ...own, '');
    if (inCredentials.length > 0) credentials.push(`[${name}]`, ...inCredentials, '');
  }
  config.push('[sso-session corp]', 'sso_start_url = https://corp.awsapps.com/start', 'sso_region = eu-west-1', '');
  return { config: config.join('\n'), credentials: credentials.join('\n'), profiles: names };
}

// ---------------------------------------------------------------------------------------------
// awsrole

function ours(c: Case, profile: string): Outcome {
  let plan: Plan;
  try {
    const loaded = buildProfiles(parseIni(c.config, 'config'), parseIni(c.credentials, 'credentials'));
    plan = resolvePlan({ config: loaded, env: ENV, localUser: () => 'tester' }, profile);
  } catch (error) {
    // Anything but awsrole's own errors (a crash) fails the test right here.
    if (!(error instanceof AwsroleError)) throw error;
    return { refused: error.message };
  }
  const [first, ...rest] = plan.steps;
  const hops = rest.map((step): Hop => {
    if (step.kind !== 'assume-role') throw new Error(`step ${step.kind} after the first`);
    const params: Hop['params'] = {};
    if (step.sessionName.source.kind === 'file') params.RoleSessionName = step.sessionName.value;
    if (step.externalId) params.ExternalId = step.externalId.value;
    if (step.mfaSerial) params.SerialNumber = step.mfaSerial.value;
    if (step.durationSeconds) params.DurationSeconds = step.durationSeconds.value;
    return { role: step.roleArn.value, params };
  });
  const source = (() => {
    switch (first.kind) {
      case 'static-keys':
        return `keys:${first.accessKeyId.value}`;
      case 'environment':
        return 'env';
      case 'web-identity':
        return `web-identity:${first.roleArn.value}:${first.sessionName.source.kind === 'file' ? first.sessionName.value : '-'}`;
      case 'sso':
        return `sso:${first.accountId.value}:${first.roleName.value}:${first.startUrl.value}:${first.ssoRegion.value}`;
      case 'process':
        return `process:${first.command.value}`;
      default:
        return first.kind;
    }
  })();
  return { source, hops };
}

// ---------------------------------------------------------------------------------------------
// botocore: one python3 process for every case and profile

const BOTOCORE = `
import json, os, sys
import botocore.session, botocore.credentials as bc
from botocore.utils import validate_region_name
from botocore.validate import ParamValidator

# credential_process is not run: its "keys" name the command. (An empty one is, and fails.)
run_process = bc.ProcessProvider._retrieve_credentials_using
bc.ProcessProvider._retrieve_credentials_using = lambda self, command: (
    {'access_key': 'process:' + command, 'secret_key': 'x', 'token': None, 'expiry_time': None, 'account_id': None}
    if command.strip() else run_process(self, command))

sts = botocore.session.Session().get_service_model('sts')
validator = ParamValidator()

class Refused(Exception):
    pass

def check(operation, params):
    report = validator.validate(params, sts.operation_model(operation).input_shape)
    if report.has_errors():
        raise Refused(report.generate_report())

def configured(fetcher):
    params = {k: v for k, v in fetcher._assume_kwargs.items() if k != 'RoleArn'}
    if fetcher._using_default_session_name:
        params.pop('RoleSessionName', None)
    return params

def fetcher_of(creds):
    refresh = creds._refresh_using
    refresh = getattr(refresh, '_refresh', refresh)  # create_mfa_serial_refresher's wrapper
    return refresh.__self__

def describe(creds):
    """(source, hops) of a credentials object botocore resolved."""
    method = creds.method
    if method == 'assume-role':
        fetcher = fetcher_of(creds)
        check('AssumeRole', dict(fetcher._assume_kwargs))
        source, hops = describe(fetcher._source_credentials)
        return source, hops + [{'role': fetcher._role_arn, 'params': configured(fetcher)}]
    if method == 'assume-role-with-web-identity':
        fetcher = fetcher_of(creds)
        check('AssumeRoleWithWebIdentity', dict(fetcher._assume_kwargs, WebIdentityToken='x' * 8))
        name = configured(fetcher).get('RoleSessionName', '-')
        return 'web-identity:%s:%s' % (fetcher._role_arn, name), []
    if method == 'sso':
        f = fetcher_of(creds)
        return 'sso:%s:%s:%s:%s' % (f._account_id, f._role_name, f._start_url, f._sso_region), []
    if method == 'custom-process':
        return creds.access_key, []
    if method == 'env':
        return 'env', []
    if method in ('shared-credentials-file', 'config-file'):
        if not creds.access_key or not creds.secret_key:
            raise Refused('STS refuses an empty key')
        return 'keys:' + creds.access_key, []
    raise Refused('unexpected method ' + method)

directory = sys.argv[1]
results = []
for i, case in enumerate(json.load(sys.stdin)):
    for which in ('config', 'credentials'):
        path = os.path.join(directory, '%d-%s' % (i, which))
        with open(path, 'w') as f:
            f.write(case[which])
        os.environ['AWS_CONFIG_FILE' if which == 'config' else 'AWS_SHARED_CREDENTIALS_FILE'] = path
    outcomes = {}
    # One session per pair of files (creating one costs ~15 ms); each profile is then set on it
    # explicitly, as Session(profile=…) does, and gets a credential chain of its own.
    session = botocore.session.Session()
    for profile in case['profiles']:
        try:
            session.set_config_variable('profile', profile)
            validate_region_name(session.get_config_variable('region'))
            creds = bc.create_credential_resolver(session).load_credentials()
            if creds is None:
                raise Refused('no credentials')
            source, hops = describe(creds)
            outcomes[profile] = {'source': source, 'hops': hops}
        except Exception as e:
            outcomes[profile] = {'refused': '%s: %s' % (type(e).__name__, e)}
    results.append(outcomes)
json.dump(results, sys.stdout)
`;

function botocore(cases: Case[], directory: string): Array<Record<string, Outcome>> {
  const out = execFileSync('python3', ['-c', BOTOCORE, directory], {
    input: JSON.stringify(cases),
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: directory, PYTHONUTF8: '1', ...ENV },
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(out) as Array<Record<string, Outcome>>;
}

// ---------------------------------------------------------------------------------------------

let directory: string;
let cases: Case[];
let reference: Array<Record<string, Outcome>>;

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), 'awsrole-fuzz-'));
  cases = Array.from({ length: CASES }, (_, i) => generate(SEED + i * 7919));
  reference = botocore(cases, directory);
}, 120_000);

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

/** The comparable part: refused or not, and for an accepted profile the whole chain. */
const verdict = (o: Outcome) => ('refused' in o ? 'refused' : o);

describe('generated configs: awsrole resolves every profile as botocore does', () => {
  it(`${CASES} seeded cases`, () => {
    const mismatches: string[] = [];
    cases.forEach((c, i) => {
      for (const profile of c.profiles) {
        const theirs = reference[i]![profile]!;
        const mine = ours(c, profile);
        if (JSON.stringify(verdict(mine)) !== JSON.stringify(verdict(theirs))) {
          mismatches.push(
            `case ${i} (seed ${SEED + i * 7919}), profile ${profile}:\n  botocore: ${JSON.stringify(theirs)}\n  awsrole:  ${JSON.stringify(mine)}\n` +
              `--- config\n${c.config}--- credentials\n${c.credentials}`,
          );
        }
      }
    });
    expect(mismatches.slice(0, 3).join('\n\n')).toBe('');
  });

  it('the corpus is not trivial: every kind of source, chains, and refusals of many kinds', () => {
    const outcomes = reference.flatMap((r) => Object.values(r));
    const accepted = outcomes.filter((o): o is Exclude<Outcome, { refused: string }> => !('refused' in o));
    const refused = outcomes.filter((o): o is { refused: string } => 'refused' in o);
    expect(accepted.length).toBeGreaterThan(350);
    expect(refused.length).toBeGreaterThan(450);
    for (const kind of ['keys:', 'env', 'web-identity:', 'sso:', 'process:']) {
      expect(accepted.filter((o) => o.source.startsWith(kind)).length, kind).toBeGreaterThan(10);
    }
    expect(accepted.filter((o) => o.hops.length >= 2).length).toBeGreaterThan(20);
    expect(accepted.filter((o) => o.hops.some((h) => Object.keys(h.params).length > 0)).length).toBeGreaterThan(30);
    const reasons = new Set(refused.map((o) => o.refused.split(':')[0]));
    for (const reason of ['InfiniteLoopConfigError', 'InvalidConfigError', 'PartialCredentialsError', 'InvalidRegionError', 'Refused', 'IndexError']) {
      expect(reasons, reason).toContain(reason);
    }
  });
});
