// What both sign-in flows (device code, authorization code with PKCE) share: the OIDC client
// registration, cached the AWS CLI's way; the token written where the CLI and botocore read it;
// and the service's refusals turned into awsrole's errors.
import type { Env } from '../environment/env.js';
import { AwsRefusedError, AwsUnreachableError } from '../errors/errors.js';
import { SsoNetworkError, SsoServiceError, type IssuedToken, type OidcClient, type RegisteredClient } from './api.js';
import { loginCommandLine } from './errors.js';
import { describeLogin, tokenName, type SsoSettings } from './settings.js';
import { formatSsoTimestamp } from './time.js';
import { readRegistration, writeRegistration, writeToken, type ClientRegistration, type RegistrationName, type SsoToken } from './token-cache.js';

/** The AWS CLI reuses a cached client registration only while more than 15 minutes remain. */
const REGISTRATION_MARGIN_MS = 15 * 60_000;

export interface LoginEffects {
  env: Env;
  now: () => Date;
  oidc: OidcClient;
  debug: (message: string) => void;
}

export interface LoginResult {
  token: SsoToken;
  /** The token file written. */
  path: string;
}

/** What RegisterClient is sent beyond the name, the type and the scopes. */
export type RegistrationExtras = { grantTypes?: string[]; redirectUris?: string[]; issuerUrl?: string };

export function cachedRegistration(dir: string, name: RegistrationName, effects: LoginEffects): ClientRegistration | undefined {
  const cached = readRegistration(dir, name);
  if (!cached) return undefined;
  if (cached.expiresAt.getTime() - effects.now().getTime() <= REGISTRATION_MARGIN_MS) {
    effects.debug(`the cached client registration expires at ${formatSsoTimestamp(cached.expiresAt)}; registering again`);
    return undefined;
  }
  effects.debug(`using the cached client registration (valid until ${formatSsoTimestamp(cached.expiresAt)})`);
  return cached;
}

export async function register(
  dir: string,
  name: RegistrationName,
  settings: SsoSettings,
  effects: LoginEffects,
  extras: RegistrationExtras = {},
): Promise<ClientRegistration> {
  // The name people see on the approval page; the CLI's is botocore-client-<sso-session or epoch>.
  const clientName = settings.sessionName !== undefined ? `awsrole-${settings.sessionName}` : 'awsrole';
  effects.debug(`RegisterClient ${clientName}${name.scopes ? ` with scopes ${name.scopes.join(', ')}` : ''}${extras.grantTypes ? ` for ${extras.grantTypes.join(', ')}` : ''} via ${effects.oidc.endpoint}`);
  let registered: RegisteredClient;
  try {
    registered = await effects.oidc.registerClient({ clientName, clientType: 'public', ...(name.scopes ? { scopes: name.scopes } : {}), ...extras });
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

/** The token file as the AWS CLI writes it after a login, with what a later refresh needs. */
export function saveLogin(dir: string, settings: SsoSettings, registration: ClientRegistration, issued: IssuedToken, effects: LoginEffects): LoginResult {
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
  return { token, path: writeToken(dir, tokenName(settings), token) };
}

export function loginError(error: unknown, settings: SsoSettings, effects: LoginEffects): Error {
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
