import { describe, expect, it } from 'vitest';
import { parseIni } from '../../../src/config/ini.js';
import { buildProfiles } from '../../../src/config/load.js';
import type { Env } from '../../../src/environment/env.js';
import { AwsroleError, ExitCode } from '../../../src/errors/errors.js';
import { resolvePlan, type ResolveOptions } from '../../../src/plan/resolve.js';
import type { AssumeRoleStep, Plan } from '../../../src/plan/types.js';

const CONFIG = '/home/u/.aws/config';
const CREDENTIALS = '/home/u/.aws/credentials';
const ARN = (name: string) => `arn:aws:iam::123456789012:role/${name}`;

function plan(config: string, credentials: string, profile: string, env: Env = { USER: 'alice' }, options?: ResolveOptions): Plan {
  const loaded = buildProfiles(parseIni(config, CONFIG), parseIni(credentials, CREDENTIALS));
  return resolvePlan({ config: loaded, env, localUser: () => 'fallback' }, profile, options);
}

function failure(run: () => unknown): AwsroleError {
  try {
    run();
  } catch (error) {
    if (error instanceof AwsroleError) return error;
    throw error;
  }
  throw new Error('expected an AwsroleError');
}

const KEYS = '[base]\naws_access_key_id = AKIAEXAMPLEBASE00001\naws_secret_access_key = secret-base\n';

/** Each step as a short string: `static:base`, `env:x`, `role:A`. */
function shape(p: Plan): string[] {
  return p.steps.map((step) =>
    step.kind === 'static-keys' ? `static:${step.profile}`
      : step.kind === 'environment' ? `env:${step.profile}`
      : step.kind === 'assume-role' ? `role:${step.roleArn.value.split('/').pop()}`
      : `${step.kind}:${step.profile}`,
  );
}

describe(resolvePlan.name, () => {
  it.each([
    ['static keys alone', '', KEYS, 'base', ['static:base']],
    ['one hop', `[profile a]\nrole_arn = ${ARN('A')}\nsource_profile = base\n`, KEYS, 'a', ['static:base', 'role:A']],
    [
      'three hops',
      `[profile a]\nrole_arn = ${ARN('A')}\nsource_profile = base\n[profile b]\nrole_arn = ${ARN('B')}\nsource_profile = a\n[profile c]\nrole_arn = ${ARN('C')}\nsource_profile = b\n`,
      KEYS,
      'c',
      ['static:base', 'role:A', 'role:B', 'role:C'],
    ],
    [
      'a profile sourcing itself with its own keys',
      `[profile self]\nrole_arn = ${ARN('S')}\nsource_profile = self\naws_access_key_id = AKIAEXAMPLESELF00001\naws_secret_access_key = s\n`,
      '',
      'self',
      ['static:self', 'role:S'],
    ],
    [
      'a source profile with keys and role_arn uses the keys',
      `[profile top]\nrole_arn = ${ARN('T')}\nsource_profile = base\n[profile base]\nrole_arn = ${ARN('IGNORED')}\nsource_profile = top\n`,
      KEYS,
      'top',
      ['static:base', 'role:T'],
    ],
    ['credential_source = Environment', `[profile e]\nrole_arn = ${ARN('E')}\ncredential_source = Environment\n`, '', 'e', ['env:e', 'role:E']],
    ['[default] in config', '[default]\naws_access_key_id = AKIAEXAMPLEDEF000001\naws_secret_access_key = s\n', '', 'default', ['static:default']],
  ])('%s', (_name, config, credentials, profile, expected) => {
    expect(shape(plan(config, credentials, profile))).toEqual(expected);
  });

  it('keeps the file and line of every value', () => {
    const p = plan(`# comment\n[profile a]\nregion = eu-west-1\nrole_arn = ${ARN('A')}\nsource_profile = base\n`, KEYS, 'a');
    const [keys, hop] = p.steps as [Plan['steps'][0], AssumeRoleStep];
    expect(keys).toMatchObject({ kind: 'static-keys', accessKeyId: { source: { kind: 'file', origin: { file: CREDENTIALS, line: 2 } } } });
    expect(hop.roleArn.source).toEqual({ kind: 'file', origin: { file: CONFIG, line: 4 } });
    expect(p.region).toEqual({ value: 'eu-west-1', source: { kind: 'file', origin: { file: CONFIG, line: 3 } } });
  });

  it('passes external_id, role_session_name, duration_seconds and mfa_serial of each hop', () => {
    const p = plan(
      `[profile a]\nrole_arn = ${ARN('A')}\nsource_profile = base\nexternal_id = ext-123\nrole_session_name = ci.run@42\nduration_seconds = 7200\nmfa_serial = arn:aws:iam::123456789012:mfa/alice\n`,
      KEYS,
      'a',
    );
    expect(p.steps[1]).toMatchObject({
      externalId: { value: 'ext-123' },
      sessionName: { value: 'ci.run@42' },
      durationSeconds: { value: 7200 },
      mfaSerial: { value: 'arn:aws:iam::123456789012:mfa/alice' },
    });
  });

  it('names the local user in the default session name, within STS rules', () => {
    const config = `[profile a]\nrole_arn = ${ARN('A')}\nsource_profile = base\n`;
    expect((plan(config, KEYS, 'a', { USER: 'alice' }).steps[1] as AssumeRoleStep).sessionName.value).toBe('awsrole-alice');
    expect((plan(config, KEYS, 'a', { USER: 'Jean Dupont/ç' }).steps[1] as AssumeRoleStep).sessionName.value).toBe('awsrole-Jean-Dupont--');
    const long = (plan(config, KEYS, 'a', { USER: 'x'.repeat(100) }).steps[1] as AssumeRoleStep).sessionName.value;
    expect(long).toHaveLength(64);
    expect((plan(config, KEYS, 'a', {}).steps[1] as AssumeRoleStep).sessionName.value).toBe('awsrole-fallback');
  });

  it('applies flags to the last hop only', () => {
    const config = `[profile a]\nrole_arn = ${ARN('A')}\nsource_profile = base\nduration_seconds = 3600\n[profile b]\nrole_arn = ${ARN('B')}\nsource_profile = a\n`;
    const p = plan(config, KEYS, 'b', { USER: 'alice' }, { durationSeconds: '1800', sessionName: 'mine', externalId: 'flag-ext' });
    const [, a, b] = p.steps as [unknown, AssumeRoleStep, AssumeRoleStep];
    expect(a.durationSeconds?.value).toBe(3600);
    expect(a.sessionName.value).toBe('awsrole-alice');
    expect(a.externalId).toBeUndefined();
    expect(b).toMatchObject({ durationSeconds: { value: 1800, source: { kind: 'flag' } }, sessionName: { value: 'mine' }, externalId: { value: 'flag-ext' } });
  });
});

describe('resolvePlan errors', () => {
  it.each([
    ['a cycle names the whole path', `[profile a]\nrole_arn = ${ARN('A')}\nsource_profile = b\n[profile b]\nrole_arn = ${ARN('B')}\nsource_profile = c\n[profile c]\nrole_arn = ${ARN('C')}\nsource_profile = a\n`, 'a', ExitCode.config, /profile a → b → c → a \(\/home\/u\/\.aws\/config:9\)/],
    ['sourcing itself without keys', `[profile a]\nrole_arn = ${ARN('A')}\nsource_profile = a\n`, 'a', ExitCode.config, /profile a → a/],
    ['a missing source profile', `[profile a]\nrole_arn = ${ARN('A')}\nsource_profile = nope\n`, 'a', ExitCode.config, /source_profile "nope" does not exist \(\/home\/u\/\.aws\/config:3\)/],
    ['both source_profile and credential_source', `[profile a]\nrole_arn = ${ARN('A')}\nsource_profile = base\ncredential_source = Environment\n`, 'a', ExitCode.config, /both source_profile and credential_source/],
    ['neither source', `[profile a]\nrole_arn = ${ARN('A')}\n`, 'a', ExitCode.config, /neither source_profile nor credential_source \(\/home\/u\/\.aws\/config:2\)/],
    ['an unknown credential_source', `[profile a]\nrole_arn = ${ARN('A')}\ncredential_source = environment\n`, 'a', ExitCode.config, /credential_source "environment" is not one of Environment/],
    ['an invalid role ARN', `[profile a]\nrole_arn = arn:aws:iam::12345:role/A\nsource_profile = base\n`, 'a', ExitCode.config, /role_arn "arn:aws:iam::12345:role\/A" is not an IAM role ARN \(\/home\/u\/\.aws\/config:2\)/],
    ['a non-integer duration', `[profile a]\nrole_arn = ${ARN('A')}\nsource_profile = base\nduration_seconds = 1h\n`, 'a', ExitCode.config, /duration_seconds "1h" is not a whole number .* \(\/home\/u\/\.aws\/config:4\)/],
    ['a duration under 900', `[profile a]\nrole_arn = ${ARN('A')}\nsource_profile = base\nduration_seconds = 60\n`, 'a', ExitCode.config, /duration_seconds "60"/],
    ['a bad session name', `[profile a]\nrole_arn = ${ARN('A')}\nsource_profile = base\nrole_session_name = has space\n`, 'a', ExitCode.config, /role_session_name "has space" is not a valid session name \(\/home\/u\/\.aws\/config:4\)/],
    ['an external id too short', `[profile a]\nrole_arn = ${ARN('A')}\nsource_profile = base\nexternal_id = x\n`, 'a', ExitCode.config, /external_id is not valid/],
    ['a source profile with no credentials', `[profile empty]\nregion = us-east-1\n[profile a]\nrole_arn = ${ARN('A')}\nsource_profile = empty\n`, 'a', ExitCode.config, /source profile "empty" has no credentials \(\/home\/u\/\.aws\/config:1\)/],
    // An empty value is still a value: botocore sends it, STS refuses it. Each at its file:line.
    ['an empty external_id', `[profile a]\nrole_arn = ${ARN('A')}\nsource_profile = base\nexternal_id =\n`, 'a', ExitCode.config, /external_id is not valid \(\/home\/u\/\.aws\/config:4\)/],
    ['an empty credential_process (botocore crashes on it)', '[profile a]\ncredential_process =\n', 'a', ExitCode.config, /profile "a": credential_process is empty \(\/home\/u\/\.aws\/config:2\)/],
    ['an empty mfa_serial', `[profile a]\nrole_arn = ${ARN('A')}\nsource_profile = base\nmfa_serial =\n`, 'a', ExitCode.config, /mfa_serial "" is not an MFA device .* \(\/home\/u\/\.aws\/config:4\)/],
    ['an empty duration_seconds', `[profile a]\nrole_arn = ${ARN('A')}\nsource_profile = base\nduration_seconds =\n`, 'a', ExitCode.config, /duration_seconds "" is not a whole number .* \(\/home\/u\/\.aws\/config:4\)/],
    // An inline comment is part of the value (botocore too): the region is not a DNS label.
    ['a region with a comment after it', `[profile a]\nrole_arn = ${ARN('A')}\nsource_profile = base\nregion = eu-west-1 ; Ireland\n`, 'a', ExitCode.config, /region "eu-west-1 ; Ireland" is not a region name \(\/home\/u\/\.aws\/config:4\)/],
    ['a web_identity_token_file without role_arn', '[profile w]\nweb_identity_token_file = /t\naws_access_key_id = AKIAEXAMPLEW0000001\naws_secret_access_key = s\n', 'w', ExitCode.config, /profile "w" has web_identity_token_file but no role_arn \(\/home\/u\/\.aws\/config:2\)/],
    ['an unknown profile', '[profile production]\nregion = x\n', 'prodution', ExitCode.usage, /unknown profile "prodution"/],
  ])('%s', (_name, config, profile, exitCode, message) => {
    const error = failure(() => plan(config, KEYS, profile));
    expect(error.exitCode).toBe(exitCode);
    expect(error.message).toMatch(message);
  });

  it('suggests the closest profile for a typo', () => {
    const error = failure(() => plan('[profile production]\nregion = x\n[profile staging]\nregion = y\n', '', 'prodution'));
    expect(error.hint).toBe('did you mean "production"?');
  });

  it('refuses keys split across the two files, as botocore does', () => {
    const error = failure(() => plan('[profile split]\naws_access_key_id = AKIAEXAMPLESPLIT0001\n', '[split]\naws_secret_access_key = s\n', 'split'));
    expect(error.message).toMatch(/aws_access_key_id but no aws_secret_access_key in the same file \(\/home\/u\/\.aws\/config:2\)/);
  });

  it('reports an invalid region in the environment with the variable', () => {
    const error = failure(() => plan(`[profile a]\nrole_arn = ${ARN('A')}\nsource_profile = base\n`, KEYS, 'a', { AWS_REGION: 'us east 1' }));
    expect(error.exitCode).toBe(ExitCode.config);
    expect(error.message).toMatch(/region "us east 1" is not a region name \(\$AWS_REGION\)/);
  });

  it('reports a bad flag as a usage error', () => {
    const error = failure(() => plan(`[profile a]\nrole_arn = ${ARN('A')}\nsource_profile = base\n`, KEYS, 'a', {}, { durationSeconds: '99999' }));
    expect(error.exitCode).toBe(ExitCode.usage);
    expect(error.message).toMatch(/\(--duration\)/);
  });
});

describe('STS endpoint and region', () => {
  const config = `[profile a]\nrole_arn = ${ARN('A')}\nsource_profile = base\nregion = eu-west-1\nservices = local\nendpoint_url = https://profile.example\n[services local]\nsts =\n  endpoint_url = https://services.example\n`;
  const hop = (env: Env, options?: ResolveOptions, text = config) => plan(text, KEYS, 'a', env, options).steps[1] as AssumeRoleStep;

  it.each([
    ['AWS_ENDPOINT_URL_STS first', { AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:5000', AWS_ENDPOINT_URL: 'https://all.example' }, 'http://127.0.0.1:5000'],
    ['then AWS_ENDPOINT_URL', { AWS_ENDPOINT_URL: 'https://all.example' }, 'https://all.example'],
    ['then the services section', {}, 'https://services.example'],
    ['all ignored when asked', { AWS_ENDPOINT_URL_STS: 'http://x', AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' }, 'https://sts.eu-west-1.amazonaws.com'],
    ['FIPS', { AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true', AWS_USE_FIPS_ENDPOINT: 'true' }, 'https://sts-fips.eu-west-1.amazonaws.com'],
  ])('%s', (_name, env, endpoint) => {
    expect(hop(env).sts.endpoint.value).toBe(endpoint);
  });

  it('uses the profile endpoint_url without a services section', () => {
    const text = `[profile a]\nrole_arn = ${ARN('A')}\nsource_profile = base\nendpoint_url = https://profile.example\n`;
    expect(hop({}, undefined, text).sts.endpoint.value).toBe('https://profile.example');
  });

  it('uses the global endpoint, signed for us-east-1, without a region', () => {
    const text = `[profile a]\nrole_arn = ${ARN('A')}\nsource_profile = base\n`;
    const sts = hop({}, undefined, text).sts;
    expect([sts.endpoint.value, sts.region.value]).toEqual(['https://sts.amazonaws.com', 'us-east-1']);
  });

  it('refuses an endpoint that is not a URL, naming where it came from', () => {
    const error = failure(() => hop({ AWS_ENDPOINT_URL_STS: 'not a url' }));
    expect(error.message).toMatch(/"not a url" is not an http\(s\) URL \(\$AWS_ENDPOINT_URL_STS\)/);
  });

});

describe('region: the one handed on, and the one STS calls use', () => {
  // a has a region of its own, b has none.
  const config = `[profile a]\nrole_arn = ${ARN('A')}\nsource_profile = base\nregion = eu-west-1\n[profile b]\nrole_arn = ${ARN('B')}\nsource_profile = base\n`;
  // What an earlier `use a` left in the shell of a user who had AWS_DEFAULT_REGION=ap-south-1, or no region.
  const afterUse = (remembered: string) => ({ AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'eu-west-1', AWSROLE_PROFILE: 'a', AWSROLE_USER_REGION: remembered });
  const GLOBAL = 'global';

  it.each([
    // name, profile, environment, flags → region handed on, the user's variables set back?, STS region
    ['the profile\'s region wins over AWS_REGION', 'a', { AWS_REGION: 'us-west-2' }, undefined, 'eu-west-1', false, 'us-west-2'],
    ['the profile\'s region wins over AWS_DEFAULT_REGION', 'a', { AWS_DEFAULT_REGION: 'ap-south-1' }, undefined, 'eu-west-1', false, 'ap-south-1'],
    ['--region wins over everything', 'a', { AWS_REGION: 'us-west-2' }, { region: 'ca-central-1' }, 'ca-central-1', false, 'ca-central-1'],
    ['no region of its own: the user\'s', 'b', { AWS_DEFAULT_REGION: 'ap-south-1' }, undefined, 'ap-south-1', true, 'ap-south-1'],
    ['no region anywhere', 'b', {}, undefined, undefined, true, GLOBAL],
    ['no region of its own after a use: the user\'s from before it', 'b', afterUse('{"AWS_DEFAULT_REGION":"ap-south-1"}'), undefined, 'ap-south-1', true, 'ap-south-1'],
    ['no region of its own after a use, when the user had none: none', 'b', afterUse('{}'), undefined, undefined, true, GLOBAL],
    ['its own region again after a use', 'a', afterUse('{"AWS_DEFAULT_REGION":"ap-south-1"}'), undefined, 'eu-west-1', false, 'ap-south-1'],
    ['--region after a use', 'b', afterUse('{}'), { region: 'ca-central-1' }, 'ca-central-1', false, 'ca-central-1'],
  ] as const)('%s', (_name, profile, env, options, region, handedOn, stsRegion) => {
    const p = plan(config, KEYS, profile, { ...env, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' }, options);
    expect(p.region?.value).toBe(region);
    expect(p.userRegion?.handedOn).toBe(handedOn);
    // botocore's session region: --region, then the (user's own) environment, then the profile.
    const sts = (p.steps[1] as AssumeRoleStep).sts;
    if (stsRegion === GLOBAL) expect([sts.endpoint.value, sts.region.value]).toEqual(['https://sts.amazonaws.com', 'us-east-1']);
    else expect([sts.endpoint.value, sts.region.value]).toEqual([`https://sts.${stsRegion}.amazonaws.com`, stsRegion]);
  });

  it("remembers the user's own variables, exactly, from before the first use", () => {
    expect(plan(config, KEYS, 'a', { AWS_DEFAULT_REGION: 'ap-south-1' }).userRegion?.variables).toEqual({ AWS_DEFAULT_REGION: 'ap-south-1' });
    expect(plan(config, KEYS, 'a', { AWS_REGION: '' }).userRegion?.variables).toEqual({ AWS_REGION: '' });
    expect(plan(config, KEYS, 'b', afterUse('{"AWS_REGION":"us-west-2"}')).userRegion?.variables).toEqual({ AWS_REGION: 'us-west-2' });
  });

  it('says where the region came from', () => {
    expect(plan(config, KEYS, 'b', { AWS_DEFAULT_REGION: 'ap-south-1' }).region?.source).toEqual({ kind: 'env', variable: 'AWS_DEFAULT_REGION' });
    expect(plan(config, KEYS, 'b', afterUse('{"AWS_DEFAULT_REGION":"ap-south-1"}')).region?.source).toEqual({
      kind: 'default',
      reason: 'your AWS_DEFAULT_REGION from before the first awsrole use ($AWSROLE_USER_REGION)',
    });
  });
});

describe('resolvePlan: every source kind', () => {
  const SSO = `[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n`;
  it.each([
    ['web identity', `[profile ci]\nrole_arn = ${ARN('CI')}\nweb_identity_token_file = /tmp/token\n`, 'ci', {}, ['web-identity:ci']],
    ['web identity as a source', `[profile ci]\nrole_arn = ${ARN('CI')}\nweb_identity_token_file = /tmp/token\n[profile deploy]\nrole_arn = ${ARN('D')}\nsource_profile = ci\n`, 'deploy', {}, ['web-identity:ci', 'role:D']],
    ['Environment with only the CI variables', `[profile d]\nrole_arn = ${ARN('D')}\ncredential_source = Environment\n`, 'd', { AWS_WEB_IDENTITY_TOKEN_FILE: '/t', AWS_ROLE_ARN: ARN('CI') }, ['web-identity:d', 'role:D']],
    ['Environment with keys and CI variables: the keys', `[profile d]\nrole_arn = ${ARN('D')}\ncredential_source = Environment\n`, 'd', { AWS_ACCESS_KEY_ID: 'AKIAX', AWS_WEB_IDENTITY_TOKEN_FILE: '/t', AWS_ROLE_ARN: ARN('CI') }, ['env:d', 'role:D']],
    ['credential_process', `[profile p]\ncredential_process = /bin/helper --profile x\n`, 'p', {}, ['process:p']],
    ['credential_process as a source', `[profile p]\ncredential_process = /bin/helper\n[profile r]\nrole_arn = ${ARN('R')}\nsource_profile = p\n`, 'r', {}, ['process:p', 'role:R']],
    ['Ec2InstanceMetadata', `[profile e]\nrole_arn = ${ARN('E')}\ncredential_source = Ec2InstanceMetadata\n`, 'e', {}, ['instance-metadata:e', 'role:E']],
    ['EcsContainer', `[profile e]\nrole_arn = ${ARN('E')}\ncredential_source = EcsContainer\n`, 'e', {}, ['container:e', 'role:E']],
    ['sso-session', `[profile s]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Admin\n${SSO}`, 's', {}, ['sso:s']],
    ['SSO as a source', `[profile s]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Admin\n[profile r]\nrole_arn = ${ARN('R')}\nsource_profile = s\n${SSO}`, 'r', {}, ['sso:s', 'role:R']],
    ['keys win over credential_process in the credentials file', '[profile k]\ncredential_process = /bin/helper\n', 'k', {}, ['static:k']],
  ])('%s', (_name, config, profile, env, expected) => {
    const credentials = '[k]\naws_access_key_id = AKIAEXAMPLEK0000001\naws_secret_access_key = s\n';
    expect(shape(plan(config, credentials, profile, { USER: 'alice', ...env }))).toEqual(expected);
  });

  it('ignores the CI variables for a named profile and for its sources (botocore: disable_env_vars)', () => {
    const config = `[profile ci]\nrole_arn = ${ARN('CI')}\nweb_identity_token_file = /tmp/token\n[profile deploy]\nrole_arn = ${ARN('D')}\nsource_profile = ci\n`;
    const env = { USER: 'alice', AWS_ROLE_ARN: ARN('FROM-ENV'), AWS_WEB_IDENTITY_TOKEN_FILE: '/env/token', AWS_ROLE_SESSION_NAME: 'gh-run-1' };
    const fromFile = { roleArn: { value: ARN('CI'), source: { kind: 'file' } }, tokenFile: { value: '/tmp/token' }, sessionName: { value: 'awsrole-alice' } };
    expect(plan(config, '', 'ci', env).steps[0]).toMatchObject(fromFile);
    expect(plan(config, '', 'deploy', env).steps[0]).toMatchObject(fromFile);
  });

  it('an empty role_session_name gets the default name, as botocore generates one', () => {
    const role = plan(`[profile a]\nrole_arn = ${ARN('A')}\nsource_profile = base\nrole_session_name =\n`, KEYS, 'a').steps[1] as AssumeRoleStep;
    expect(role.sessionName).toMatchObject({ value: 'awsrole-alice', source: { kind: 'default' } });
    const web = plan(`[profile w]\nrole_arn = ${ARN('W')}\nweb_identity_token_file = /t\nrole_session_name =\n`, '', 'w').steps[0];
    expect(web).toMatchObject({ kind: 'web-identity', sessionName: { value: 'awsrole-alice', source: { kind: 'default' } } });
  });

  it('an empty web_identity_token_file is no web identity: the next source applies (botocore)', () => {
    const config = `[profile w]\nrole_arn = ${ARN('W')}\nweb_identity_token_file =\ncredential_process = /bin/helper\n`;
    expect(shape(plan(config, '', 'w'))).toEqual(['process:w']);
  });

  it('a chain of 5,000 hops resolves, and a cycle through 5,000 profiles is the cycle error', () => {
    const hops = 5000;
    const chain = Array.from({ length: hops }, (_, i) => `[profile p${i}]\nrole_arn = ${ARN(`R${i}`)}\nsource_profile = ${i === 0 ? 'base' : `p${i - 1}`}\n`).join('');
    const p = plan(chain, KEYS, `p${hops - 1}`);
    expect(p.steps).toHaveLength(hops + 1);
    expect(shape(p).slice(0, 3)).toEqual(['static:base', 'role:R0', 'role:R1']);
    expect(shape(p).at(-1)).toBe(`role:R${hops - 1}`);

    const cycle = Array.from({ length: hops }, (_, i) => `[profile c${i}]\nrole_arn = ${ARN(`C${i}`)}\nsource_profile = c${(i + 1) % hops}\n`).join('');
    const error = failure(() => plan(cycle, '', 'c0'));
    expect(error.exitCode).toBe(ExitCode.config);
    // The path is shortened in the middle: 5,001 names would be a 40 KB line.
    expect(error.message).toBe(`source_profile cycle: profile c0 → c1 → c2 → c3 → c4 → … 4991 more … → c4996 → c4997 → c4998 → c4999 → c0 (${CONFIG}:${3 * hops})`);
  });

  it('a profile with no credentials of its own falls through to the container, then instance metadata (botocore default chain)', () => {
    const config = '[profile bare]\nregion = eu-west-1\n';
    expect(plan(config, '', 'bare', { AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/creds' }).steps).toMatchObject([
      { kind: 'container', profile: 'bare', source: { kind: 'default', reason: expect.stringContaining('no credentials of its own') } },
    ]);
    expect(plan(config, '', 'bare', {}).steps).toMatchObject([{ kind: 'instance-metadata', profile: 'bare', source: { kind: 'default' } }]);
    const error = failure(() => plan(config, '', 'bare', { AWS_EC2_METADATA_DISABLED: 'true' }));
    expect(error.exitCode).toBe(ExitCode.config);
    expect(error.message).toMatch(/profile "bare" has no credentials \(\/home\/u\/\.aws\/config:1\)/);
  });

  it('reads both SSO forms', () => {
    const legacy = '[profile old]\nsso_start_url = https://old.awsapps.com/start\nsso_region = us-east-1\nsso_account_id = 111122223333\nsso_role_name = Dev\n';
    expect(plan(legacy, '', 'old').steps[0]).toMatchObject({ kind: 'sso', startUrl: { value: 'https://old.awsapps.com/start' }, ssoRegion: { value: 'us-east-1' }, accountId: { value: '111122223333' }, roleName: { value: 'Dev' } });
    expect(plan(legacy, '', 'old').steps[0]).not.toHaveProperty('sessionName');
    const current = `[profile s]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Admin\n${SSO}sso_registration_scopes = sso:account:access\n`;
    expect(plan(current, '', 's').steps[0]).toMatchObject({ sessionName: 'corp', startUrl: { value: 'https://corp.awsapps.com/start' }, registrationScopes: { value: 'sso:account:access' } });
  });

  it.each([
    ['keys and sso_start_url: the keys (sso_start_url alone is no SSO)', '[profile s]\nsso_start_url = https://x\nsso_region = us-east-1\naws_access_key_id = AKIAEXAMPLES0000001\naws_secret_access_key = s\n', ['static:s']],
    ['keys and sso_account_id alone: SSO, missing its settings', '[profile s]\nsso_account_id = 111122223333\naws_access_key_id = AKIAEXAMPLES0000001\naws_secret_access_key = s\n', 'missing'],
    ['an sso_region equal to the sso-session\'s is fine', `[profile s]\nsso_session = corp\nsso_region = eu-west-1\nsso_account_id = 1\nsso_role_name = A\n${SSO}`, ['sso:s']],
  ])('SSO detection as botocore 1.43: %s', (_name, config, expected) => {
    if (expected === 'missing') {
      expect(failure(() => plan(config, '', 's')).message).toMatch(/profile "s" uses SSO but sso_role_name is missing/);
    } else {
      expect(shape(plan(config, '', 's'))).toEqual(expected);
    }
  });

  it.each([
    ['a missing sso-session section', '[profile s]\nsso_session = nope\nsso_account_id = 1\nsso_role_name = A\n', /sso_session "nope" has no \[sso-session nope\] section \(\/home\/u\/\.aws\/config:2\)/],
    ['a missing sso_role_name', '[profile s]\nsso_start_url = https://x\nsso_region = us-east-1\nsso_account_id = 1\n', /uses SSO but sso_role_name is missing \(\/home\/u\/\.aws\/config:1\)/],
    ['an sso_region that contradicts the sso-session', `[profile s]\nsso_session = corp\nsso_region = us-east-1\nsso_account_id = 1\nsso_role_name = A\n${SSO}`, /sso_region "us-east-1" disagrees with \[sso-session corp\], which says "eu-west-1" \(\/home\/u\/\.aws\/config:3, \/home\/u\/\.aws\/config:8\)/],
    ['an sso_start_url that contradicts the sso-session', `[profile s]\nsso_session = corp\nsso_start_url = https://other.awsapps.com/start\nsso_account_id = 1\nsso_role_name = A\n${SSO}`, /sso_start_url "https:\/\/other.awsapps.com\/start" disagrees with \[sso-session corp\]/],
  ])('%s is exit 3', (_name, config, message) => {
    const error = failure(() => plan(config, '', 's'));
    expect(error.exitCode).toBe(ExitCode.config);
    expect(error.message).toMatch(message);
  });
});
