import type { Env } from '../environment/env.js';
import { AwsRefusedError, AwsUnreachableError } from '../errors/errors.js';
import { SsoNetworkError, SsoServiceError, type DeviceAuthorization, type IssuedToken, type OidcClient, type RegisteredClient } from './api.js';
import { loginCommandLine } from './errors.js';
import { DEFAULT_SSO_SCOPES, describeLogin, type SsoSettings } from './settings.js';
import { formatSsoTimestamp } from './time.js';
import {
  readRegistration, ssoCacheDirectory, writeRegistration, writeToken,
  type ClientRegistration, type RegistrationName, type SsoToken, type TokenName,
} from './token-cache.js';

export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
/** RFC 8628 §3.5: each slow_down adds 5 seconds to the polling interval; 5 s is also its default interval. */
const SLOW_DOWN_SECONDS = 5;
const DEFAULT_INTERVAL_SECONDS = 5;
/** The AWS CLI reuses a cached client registration only while more than 15 minutes remain. */
const REGISTRATION_MARGIN_MS = 15 * 60_000;

export interface DeviceLoginEffects {
  env: Env;
  now: () => Date;
  sleep: (ms: number) => Promise<void>;
  oidc: OidcClient;
  /** Shows the verification URL and code to the person (stderr, never stdout). */
  show: (authorization: DeviceAuthorization) => void;
  debug: (message: string) => void;
}

export interface LoginResult {
  token: SsoToken;
  /** The token file written. */
  path: string;
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
    if (issued) return save(dir, settings, registration, issued, effects);
    if (!shown) {
      effects.show(authorization);
      shown = true;
    }
    if (effects.now().getTime() + interval * 1000 > deadline) throw expired(settings, authorization);
    await effects.sleep(interval * 1000);
  }
}

function cachedRegistration(dir: string, name: RegistrationName, effects: DeviceLoginEffects): ClientRegistration | undefined {
  const cached = readRegistration(dir, name);
  if (!cached) return undefined;
  if (cached.expiresAt.getTime() - effects.now().getTime() <= REGISTRATION_MARGIN_MS) {
    effects.debug(`the cached client registration expires at ${formatSsoTimestamp(cached.expiresAt)}; registering again`);
    return undefined;
  }
  effects.debug(`using the cached client registration (valid until ${formatSsoTimestamp(cached.expiresAt)})`);
  return cached;
}

async function register(dir: string, name: RegistrationName, settings: SsoSettings, effects: DeviceLoginEffects): Promise<ClientRegistration> {
  // The name people see on the approval page; the CLI's is botocore-client-<sso-session or epoch>.
  const clientName = settings.sessionName !== undefined ? `awsrole-${settings.sessionName}` : 'awsrole';
  effects.debug(`RegisterClient ${clientName}${name.scopes ? ` with scopes ${name.scopes.join(', ')}` : ''} via ${effects.oidc.endpoint}`);
  let registered: RegisteredClient;
  try {
    registered = await effects.oidc.registerClient(name.scopes ? { clientName, clientType: 'public', scopes: name.scopes } : { clientName, clientType: 'public' });
  } catch (error) {
    throw loginError(error, settings, effects);
  }
  const registration: ClientRegistration = { ...registered };
  if (name.scopes) registration.scopes = name.scopes;
  try {
    writeRegistration(dir, name, registration);
  } catch (error) {
    effects.debug(`the client registration could not be cached (${(error as Error).message})`);
  }
  return registration;
}

function save(dir: string, settings: SsoSettings, registration: ClientRegistration, issued: IssuedToken, effects: DeviceLoginEffects): LoginResult {
  const token: SsoToken = {
    startUrl: settings.startUrl,
    region: settings.region,
    accessToken: issued.accessToken,
    expiresAt: new Date(effects.now().getTime() + issued.expiresIn * 1000),
    clientId: registration.clientId,
    clientSecret: registration.clientSecret,
    registrationExpiresAt: registration.expiresAt,
  };
  if (issued.refreshToken) token.refreshToken = issued.refreshToken;
  const name: TokenName = settings.sessionName !== undefined ? { startUrl: settings.startUrl, sessionName: settings.sessionName } : { startUrl: settings.startUrl };
  return { token, path: writeToken(dir, name, token) };
}

function expired(settings: SsoSettings, authorization: DeviceAuthorization): AwsRefusedError {
  return new AwsRefusedError(
    `the sign-in request for ${describeLogin(settings)} expired before it was approved (it was valid for ${Math.round(authorization.expiresIn / 60)} min)`,
    `start again: ${loginCommandLine(settings.profile)}`,
  );
}

function loginError(error: unknown, settings: SsoSettings, effects: DeviceLoginEffects): Error {
  const where = `${describeLogin(settings)}, ${effects.oidc.endpoint}`;
  if (error instanceof SsoNetworkError) {
    return new AwsUnreachableError(`cannot reach IAM Identity Center: ${error.message} (${where})`, `check the network connection, or sso_region (${settings.region})`);
  }
  if (!(error instanceof SsoServiceError)) return error instanceof Error ? error : new Error(String(error));
  switch (error.code) {
    case 'ExpiredTokenException':
      return new AwsRefusedError(`the sign-in request for ${describeLogin(settings)} expired before it was approved`, `start again: ${loginCommandLine(settings.profile)}`);
    case 'AccessDeniedException':
      return new AwsRefusedError(`the sign-in request for ${describeLogin(settings)} was denied: ${error.message} (${where})`, `to try again: ${loginCommandLine(settings.profile)}`);
    default:
      if (error.status >= 500) return new AwsUnreachableError(`IAM Identity Center failed: ${error.message} (${where})`, 'try again in a moment');
      return new AwsRefusedError(
        `IAM Identity Center refused the login: ${error.message} (${where})`,
        error.operation === 'StartDeviceAuthorization' ? 'check sso_start_url and sso_region' : undefined,
      );
  }
}
