import { AwsRefusedError } from '../errors/errors.js';
import { SsoServiceError, type DeviceAuthorization, type IssuedToken } from './api.js';
import { loginCommandLine } from './errors.js';
import { cachedRegistration, loginError, register, saveLogin, type LoginEffects, type LoginResult } from './login-steps.js';
import { DEFAULT_SSO_SCOPES, describeLogin, type SsoSettings } from './settings.js';
import { ssoCacheDirectory, type RegistrationName } from './token-cache.js';

export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
/** RFC 8628 §3.5: each slow_down adds 5 seconds to the polling interval; 5 s is also its default interval. */
const SLOW_DOWN_SECONDS = 5;
const DEFAULT_INTERVAL_SECONDS = 5;
export type { LoginResult } from './login-steps.js';

export interface DeviceLoginEffects extends LoginEffects {
  sleep: (ms: number) => Promise<void>;
  /** Shows the verification URL and code to the person (stderr, never stdout). */
  show: (authorization: DeviceAuthorization) => void;
}

/**
 * The OAuth device authorization flow, as `aws sso login` runs it (AWS CLI v2 SSOTokenFetcher):
 * a client registration (the CLI's cached one when still valid, else RegisterClient, cached the
 * CLI's way), StartDeviceAuthorization, one CreateToken attempt (a pre-approved client needs no
 * browser), then the URL and code shown and CreateToken polled every `interval` seconds —
 * `authorization_pending` waits, `slow_down` adds 5 s, `expired_token` and `access_denied` end
 * it. The token is written where the AWS CLI and botocore read it, with the registration and the
 * refresh token, so either tool can refresh it later.
 */
export async function deviceLogin(settings: SsoSettings, effects: DeviceLoginEffects): Promise<LoginResult> {
  const dir = ssoCacheDirectory(effects.env);
  const scopes = settings.sessionName !== undefined ? (settings.scopes ?? DEFAULT_SSO_SCOPES) : undefined;
  const registrationName: RegistrationName = { startUrl: settings.startUrl, region: settings.region };
  if (scopes) registrationName.scopes = scopes;
  if (settings.sessionName !== undefined) registrationName.sessionName = settings.sessionName;

  let registration = cachedRegistration(dir, registrationName, effects);
  const fromCache = registration !== undefined;
  registration ??= await register(dir, registrationName, settings, effects);
  let authorization: DeviceAuthorization;
  try {
    authorization = await effects.oidc.startDeviceAuthorization({ clientId: registration.clientId, clientSecret: registration.clientSecret, startUrl: settings.startUrl });
  } catch (error) {
    // A cached registration the service no longer knows (revoked, or from another region): register anew once.
    if (!(fromCache && error instanceof SsoServiceError && error.code === 'InvalidClientException')) throw loginError(error, settings, effects);
    effects.debug(`the cached client registration was refused (${error.code}); registering again`);
    registration = await register(dir, registrationName, settings, effects);
    try {
      authorization = await effects.oidc.startDeviceAuthorization({ clientId: registration.clientId, clientSecret: registration.clientSecret, startUrl: settings.startUrl });
    } catch (again) {
      throw loginError(again, settings, effects);
    }
  }

  const started = effects.now().getTime();
  const deadline = started + authorization.expiresIn * 1000;
  let interval = authorization.interval ?? DEFAULT_INTERVAL_SECONDS;
  let shown = false;
  for (;;) {
    let issued: IssuedToken | undefined;
    try {
      issued = await effects.oidc.createToken({
        grantType: DEVICE_CODE_GRANT,
        clientId: registration.clientId,
        clientSecret: registration.clientSecret,
        deviceCode: authorization.deviceCode,
      });
    } catch (error) {
      if (!(error instanceof SsoServiceError)) throw loginError(error, settings, effects);
      if (error.code === 'SlowDownException') {
        interval += SLOW_DOWN_SECONDS;
        effects.debug(`CreateToken: slow_down, polling every ${interval} s now`);
      } else if (error.code !== 'AuthorizationPendingException') {
        throw loginError(error, settings, effects);
      }
    }
    if (issued) return saveLogin(dir, settings, registration, issued, effects);
    if (!shown) {
      effects.show(authorization);
      shown = true;
    }
    if (effects.now().getTime() + interval * 1000 > deadline) throw expired(settings, authorization);
    await effects.sleep(interval * 1000);
  }
}

function expired(settings: SsoSettings, authorization: DeviceAuthorization): AwsRefusedError {
  return new AwsRefusedError(
    `the sign-in request for ${describeLogin(settings)} expired before it was approved (it was valid for ${Math.round(authorization.expiresIn / 60)} min)`,
    `start again: ${loginCommandLine(settings.profile)}`,
  );
}
