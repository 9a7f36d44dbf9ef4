// login_session in the plan, held to botocore 1.43 (through python3; BOTOCORE_EC_SHIM stands in
// for awscrt so that LoginProvider can load): which of a profile's credentials botocore uses
// when it has login_session and something else (ProfileProviderBuilder.providers' order), and
// where its `signin` client sends a refresh: the URL of the request itself, caught before it is
// sent (`client.meta.endpoint_url` is the legacy resolver's guess; the rule set decides per call).
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import type { Env } from '../../../src/environment/env.js';
import { AwsroleError } from '../../../src/errors/errors.js';
import { loginCacheKey } from '../../../src/login/cache-path.js';
import { tokenUrl } from '../../../src/login/signin-api.js';
import { resolvePlan } from '../../../src/plan/resolve.js';
import type { LoginSessionStep } from '../../../src/plan/types.js';
import { runPython } from '../../support/cli.js';
import { BOTOCORE_EC_SHIM } from '../../support/signin-standin.js';

const SESSION = 'arn:aws:iam::123456789012:user/alice';
const home = mkdtempSync(join(tmpdir(), 'awsrole-login-plan-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

const config = `[profile login]
login_session = ${SESSION}

[profile login-and-keys]
login_session = ${SESSION}

[profile login-and-process]
login_session = ${SESSION}
credential_process = /bin/false

[profile login-and-config-keys]
login_session = ${SESSION}
aws_access_key_id = AKIACONFIGKEYS000001
aws_secret_access_key = config-secret

[profile eu]
login_session = ${SESSION}
region = eu-west-1

[profile china]
login_session = ${SESSION}
region = cn-north-1

[profile govcloud]
login_session = ${SESSION}
region = us-gov-west-1

[profile fips]
login_session = ${SESSION}
region = us-east-2
use_fips_endpoint = true

[profile with-services]
login_session = ${SESSION}
region = eu-west-1
services = local

[services local]
signin =
  endpoint_url = http://127.0.0.1:4567

[profile role-on-login]
role_arn = arn:aws:iam::123456789012:role/A
source_profile = eu
region = ap-southeast-2
`;
const credentials = `[login-and-keys]
aws_access_key_id = AKIACREDENTIALSFILE1
aws_secret_access_key = credentials-secret
`;

const baseEnv = (): Env => ({
  HOME: home,
  AWS_CONFIG_FILE: join(home, 'config'),
  AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
  AWS_EC2_METADATA_DISABLED: 'true',
});

beforeAll(() => {
  writeFileSync(join(home, 'config'), config);
  writeFileSync(join(home, 'credentials'), credentials);
  // A token botocore can load (LoginProvider reads it as soon as it applies).
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const dpopKey = `-----BEGIN EC PRIVATE KEY-----\n${privateKey.export({ format: 'der', type: 'sec1' }).toString('base64')}\n-----END EC PRIVATE KEY-----\n`;
  const dir = join(home, '.aws', 'login', 'cache');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(join(dir, `${loginCacheKey(SESSION)}.json`), JSON.stringify({
    accessToken: { accessKeyId: 'ASIALOGIN', secretAccessKey: 's', sessionToken: 't', accountId: '123456789012', expiresAt: new Date(Date.now() + 3600_000).toISOString() },
    clientId: 'arn:aws:signin:::devtools/same-device', refreshToken: 'r', dpopKey,
  }), { mode: 0o600 });
});

async function botocore<T>(script: string, env: Env = {}): Promise<T> {
  const result = await runPython(`${BOTOCORE_EC_SHIM}\nimport json, os, boto3, botocore.session\n${script}`, {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    ...(baseEnv() as Record<string, string>),
    ...(env as Record<string, string>),
  });
  if (result.code !== 0) throw new Error(`python failed (${result.code}):\n${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

function ourPlan(profile: string, env: Env = {}) {
  const fullEnv = { ...baseEnv(), ...env };
  return resolvePlan({ config: loadConfig(fullEnv), env: fullEnv, localUser: () => 'alice' }, profile);
}

describe('which credentials a login_session profile uses', () => {
  // botocore's credential `method` → the first step of awsrole's plan.
  const METHOD: Record<string, string> = { login: 'login-session', 'shared-credentials-file': 'static-keys', 'custom-process': 'process', 'config-file': 'static-keys' };
  const profiles = ['login', 'login-and-keys', 'login-and-process', 'login-and-config-keys'];

  it("is botocore's choice: credentials-file keys, then login_session, then credential_process and config-file keys", async () => {
    const methods = await botocore<Record<string, string>>(`
print(json.dumps({p: boto3.Session(profile_name=p).get_credentials().method for p in ${JSON.stringify(profiles)}}))
`);
    expect(methods).toEqual({ login: 'login', 'login-and-keys': 'shared-credentials-file', 'login-and-process': 'login', 'login-and-config-keys': 'login' });
    for (const profile of profiles) expect(ourPlan(profile).steps[0].kind, profile).toBe(METHOD[methods[profile]!]);
  });

  it('an empty login_session is exit 3 at its line (botocore would look for the token of "")', () => {
    const env = { ...baseEnv(), AWS_CONFIG_FILE: join(home, 'empty-config') };
    writeFileSync(env.AWS_CONFIG_FILE, '[profile blank]\nlogin_session =\n');
    const error = (() => {
      try {
        resolvePlan({ config: loadConfig(env), env, localUser: () => 'alice' }, 'blank');
      } catch (caught) {
        return caught as AwsroleError;
      }
      throw new Error('resolved');
    })();
    expect(error.exitCode).toBe(3);
    expect(error.message).toBe(`profile "blank": login_session is empty (${env.AWS_CONFIG_FILE}:2)`);
  });
});

describe('where a refresh goes', () => {
  const cases: Array<[string, string, Env]> = [
    ['the profile\'s region', 'eu', {}],
    ['China', 'china', {}],
    ['GovCloud', 'govcloud', {}],
    ['FIPS', 'fips', {}],
    ['a services section', 'with-services', {}],
    ['AWS_DEFAULT_REGION over the profile', 'eu', { AWS_DEFAULT_REGION: 'ca-central-1' }],
    // (AWS_REGION too, by the STS rule awsrole follows, the AWS CLI v2's: botocore 1.43 alone reads only AWS_DEFAULT_REGION.)
    ['AWS_ENDPOINT_URL_SIGNIN', 'eu', { AWS_ENDPOINT_URL_SIGNIN: 'http://127.0.0.1:9999' }],
    ['AWS_ENDPOINT_URL', 'eu', { AWS_ENDPOINT_URL: 'http://127.0.0.1:7777' }],
    ['configured endpoints ignored', 'with-services', { AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' }],
    ['the named profile\'s region, for a role chained on the login', 'role-on-login', {}],
  ];

  it.each(cases)('%s: where botocore\'s signin client sends CreateOAuth2Token', async (_, profile, env) => {
    const theirs = await botocore<string>(`
import botocore, botocore.config
# As LoginCredentialFetcher.refresh_credentials makes it: session.create_client('signin', config=UNSIGNED).
client = boto3.Session(profile_name=${JSON.stringify(profile)})._session.create_client('signin', config=botocore.config.Config(signature_version=botocore.UNSIGNED))
class Sent(Exception):
    pass
def catch(params, **kwargs):
    raise Sent(params['url'])
client.meta.events.register('before-call.signin.CreateOAuth2Token', catch)
try:
    client.create_o_auth2_token(tokenInput={'clientId': 'arn:aws:signin:::devtools/same-device', 'refreshToken': 'r', 'grantType': 'refresh_token'})
except Sent as sent:
    print(json.dumps(str(sent)))
`, env);
    const first = ourPlan(profile, env).steps[0] as LoginSessionStep;
    expect(first.kind).toBe('login-session');
    expect(tokenUrl(first.signin!.endpoint.value)).toBe(theirs);
  });

  it('no region and no endpoint: none (botocore: NoRegionError when the client is made)', async () => {
    const theirs = await botocore<string>(`
try:
    boto3.Session(profile_name='login').client('signin')
    print(json.dumps('made'))
except Exception as e:
    print(json.dumps(type(e).__name__))
`);
    expect(theirs).toBe('NoRegionError');
    expect((ourPlan('login').steps[0] as LoginSessionStep).signin).toBeUndefined();
  });
});
