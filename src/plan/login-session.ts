import type { LoadedConfig, Profile } from '../config/types.js';
import { envFlag, type Env } from '../environment/env.js';
import { ConfigError } from '../errors/errors.js';
import { loginTokenFile } from '../login/cache-path.js';
import { configuredEndpoint, settingIsTrue } from './sts-target.js';
import type { LoginSessionStep, Planned, SigninTarget } from './types.js';
import { formatOrigin, fromSetting } from './where.js';

/**
 * A `login_session` profile (botocore's LoginProvider, whose only condition is that the key is
 * there). An empty name is refused here: botocore would look for the token of "" and tell the
 * user to log in again, which cannot help.
 */
export function loginSessionStep(profile: Profile, config: LoadedConfig, top: Profile, env: Env, region: Planned<string> | undefined): LoginSessionStep {
  const setting = profile.settings.get('login_session')!;
  if (!setting.value.trim()) {
    throw new ConfigError(`profile "${profile.name}": login_session is empty (${formatOrigin(setting.origin)})`, 'aws login writes the session name (your ARN) there; run aws login --profile ' + profile.name);
  }
  const step: LoginSessionStep = {
    kind: 'login-session',
    profile: profile.name,
    session: fromSetting(setting),
    tokenFile: loginTokenFile(env, setting.value),
  };
  const signin = signinTarget(config, top, env, region);
  if (signin) step.signin = signin;
  return step;
}

/**
 * The sign-in service's endpoint, as botocore resolves it for `session.create_client('signin')`:
 * a configured endpoint (AWS_ENDPOINT_URL_SIGNIN, AWS_ENDPOINT_URL, the `services` section's
 * `signin`, the profile's endpoint_url), else the endpoint rule set of the signin model
 * (botocore/data/signin/2023-01-01/endpoint-rule-set-1.json): `https://<region>.signin.aws.amazon.com`,
 * `.signin.amazonaws.cn` in China, `.signin.amazonaws-us-gov.com` in GovCloud, and
 * `https://signin-fips.<region>.amazonaws.com` with FIPS. Without either, none (botocore:
 * "Missing Region", raised only when a refresh needs the client).
 */
export function signinTarget(config: LoadedConfig, top: Profile, env: Env, region: Planned<string> | undefined): SigninTarget | undefined {
  const custom = configuredEndpoint(config, top, env, { variable: 'AWS_ENDPOINT_URL_SIGNIN', servicesKey: 'signin' });
  if (custom) return region ? { endpoint: custom, region } : { endpoint: custom };
  if (!region) return undefined;
  const fips = envFlag(env, 'AWS_USE_FIPS_ENDPOINT') || settingIsTrue(top, 'use_fips_endpoint');
  const name = region.value;
  const host = fips
    ? `signin-fips.${name}.${name.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com'}`
    : name.startsWith('cn-') ? `${name}.signin.amazonaws.cn`
    : name.startsWith('us-gov-') ? `${name}.signin.amazonaws-us-gov.com`
    : `${name}.signin.aws.amazon.com`;
  return {
    endpoint: { value: `https://${host}`, source: { kind: 'default', reason: `${fips ? 'FIPS ' : ''}sign-in endpoint for ${name}` } },
    region,
  };
}
