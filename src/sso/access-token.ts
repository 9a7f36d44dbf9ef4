import type { Env } from '../environment/env.js';
import { AwsUnreachableError } from '../errors/errors.js';
import { createOidcClient, SsoNetworkError, SsoServiceError, type OidcClient } from './api.js';
import { oidcEndpoint, requestTimeoutMs } from './endpoints.js';
import { SsoLoginRequiredError } from './errors.js';
import { describeLogin, tokenName, type SsoSettings } from './settings.js';
import { formatSsoTimestamp } from './time.js';
import { readToken, ssoCacheDirectory, writeToken, type SsoToken, type TokenName } from './token-cache.js';
import { withTokenLock } from './token-lock.js';

/** botocore's SSOTokenProvider._REFRESH_WINDOW: an sso-session token is refreshed once less than this remains. */
export const REFRESH_WINDOW_MS = 15 * 60_000;
/**
 * A token is used while more than this remains. botocore uses it until the last second; a minute
 * covers clock skew and the call itself, and the role credentials it buys last their own time.
 */
export const USABLE_MARGIN_MS = 60_000;

export interface AccessTokenEffects {
  env: Env;
  now: () => Date;
  /** The OIDC client, created only when a refresh is attempted. */
  oidc: () => OidcClient;
  debug: (message: string) => void;
  /**
   * Runs a refresh so that other awsrole processes refreshing the same token wait for it
   * (token-lock.ts); without it, the refresh runs unlocked.
   */
  exclusive?: <T>(work: () => Promise<T>) => Promise<T>;
}

/**
 * The access token as every command takes it: refreshed through OIDC at the configured endpoint,
 * under the token lock, so that awsrole processes needing the same token refresh it once between
 * them (refresh tokens rotate: a second refresh of the same one would be refused).
 */
export function loginAccessToken(settings: SsoSettings, effects: Pick<AccessTokenEffects, 'env' | 'now' | 'debug'>): Promise<string> {
  const { env, debug } = effects;
  return usableAccessToken(settings, {
    ...effects,
    oidc: () => createOidcClient(oidcEndpoint(env, settings.region).url, requestTimeoutMs(env)),
    exclusive: (work) => withTokenLock(env, tokenName(settings), 'refresh', work, { debug }),
  });
}

/**
 * The access token for `settings` from the cache shared with the AWS CLI, refreshed first when it
 * is an sso-session token within REFRESH_WINDOW_MS of expiry, as botocore's SSOTokenProvider does:
 * only with a refresh token, a client id and secret, and a registration that has not expired
 * (registrationExpiresAt); CreateToken with grant_type refresh_token; the new token saved in the
 * CLI's format. A legacy token (start URL in the profile) is never refreshed (botocore neither).
 * A refresh that fails leaves the old token in use while it is still valid.
 */
export async function usableAccessToken(settings: SsoSettings, effects: AccessTokenEffects): Promise<string> {
  const dir = ssoCacheDirectory(effects.env);
  const name = tokenName(settings);
  const what = describeLogin(settings);
  const lookup = readToken(dir, name);
  if (lookup.status === 'missing') {
    throw new SsoLoginRequiredError(`not logged in to IAM Identity Center for ${what} (profile "${settings.profile}"; no token in ${lookup.path})`, settings.profile);
  }
  if (lookup.status === 'unusable') {
    throw new SsoLoginRequiredError(`the cached IAM Identity Center token for ${what} is unusable: ${lookup.reason} (${lookup.path})`, settings.profile);
  }
  const { token, path } = lookup;
  const remaining = () => token.expiresAt.getTime() - effects.now().getTime();
  effects.debug(`profile ${settings.profile}: IAM Identity Center token for ${what} from ${path}, valid until ${formatSsoTimestamp(token.expiresAt)}`);

  if (settings.sessionName !== undefined && remaining() < REFRESH_WINDOW_MS) {
    const exclusive = effects.exclusive ?? ((work) => work());
    const fresh = await exclusive(() => refreshOnce(settings, dir, name, token, effects));
    if (fresh !== undefined) return fresh;
  }
  if (remaining() > USABLE_MARGIN_MS) return token.accessToken;
  throw new SsoLoginRequiredError(
    `the IAM Identity Center login for ${what} expired at ${formatSsoTimestamp(token.expiresAt)} (profile "${settings.profile}", ${path})`,
    settings.profile,
  );
}

/**
 * Under the refresh lock: the token as it is in the file now — another awsrole (or the AWS CLI)
 * may have refreshed it while this one waited, and then its refresh token has been used up
 * (they rotate) — and, if that one still needs it, a refresh, saved in the CLI's format. The
 * access token to use, or undefined to fall back on the token first read while it lasts.
 */
async function refreshOnce(settings: SsoSettings, dir: string, name: TokenName, first: SsoToken, effects: AccessTokenEffects): Promise<string | undefined> {
  const now = readToken(dir, name);
  const token = now.status === 'found' ? now.token : first;
  const remaining = () => token.expiresAt.getTime() - effects.now().getTime();
  if (remaining() >= REFRESH_WINDOW_MS) {
    effects.debug(`profile ${settings.profile}: another process refreshed the token meanwhile; it is valid until ${formatSsoTimestamp(token.expiresAt)}`);
    return token.accessToken;
  }
  const refreshed = await refresh(settings, token, effects, remaining() > USABLE_MARGIN_MS);
  if (refreshed) {
    try {
      const written = writeToken(dir, name, refreshed);
      effects.debug(`profile ${settings.profile}: refreshed token saved to ${written}, valid until ${formatSsoTimestamp(refreshed.expiresAt)}`);
    } catch (error) {
      effects.debug(`profile ${settings.profile}: the refreshed token could not be saved (${(error as Error).message}); using it once`);
    }
    return refreshed.accessToken;
  }
  // The AWS CLI may have refreshed it meanwhile (it takes no lock of ours, and then the service
  // refuses our refresh token): what is in the file now may be newer.
  const again = readToken(dir, name);
  if (again.status === 'found' && again.token.expiresAt.getTime() - effects.now().getTime() > USABLE_MARGIN_MS) return again.token.accessToken;
  return remaining() > USABLE_MARGIN_MS ? token.accessToken : undefined;
}

/** The refreshed token, or undefined when it cannot or could not be refreshed (why: under --debug). */
async function refresh(settings: SsoSettings, token: SsoToken, effects: AccessTokenEffects, oldStillValid: boolean): Promise<SsoToken | undefined> {
  const { refreshToken, clientId, clientSecret, registrationExpiresAt } = token;
  const say = (message: string) => effects.debug(`profile ${settings.profile}: ${message}`);
  const missing = [['refreshToken', refreshToken], ['clientId', clientId], ['clientSecret', clientSecret], ['registrationExpiresAt', registrationExpiresAt]]
    .filter(([, value]) => value === undefined)
    .map(([key]) => key);
  if (missing.length > 0) {
    say(`the token cannot be refreshed: no ${missing.join(', ')} in it`);
    return undefined;
  }
  if (registrationExpiresAt!.getTime() <= effects.now().getTime()) {
    say(`the token cannot be refreshed: its client registration expired at ${formatSsoTimestamp(registrationExpiresAt!)}`);
    return undefined;
  }
  const client = effects.oidc();
  say(`refreshing the IAM Identity Center token (CreateToken, refresh_token) via ${client.endpoint}`);
  try {
    const issued = await client.createToken({ grantType: 'refresh_token', clientId: clientId!, clientSecret: clientSecret!, refreshToken: refreshToken! });
    const refreshed: SsoToken = {
      startUrl: settings.startUrl,
      region: settings.region,
      accessToken: issued.accessToken,
      expiresAt: new Date(effects.now().getTime() + issued.expiresIn * 1000),
      clientId: clientId!,
      clientSecret: clientSecret!,
      registrationExpiresAt: registrationExpiresAt!,
    };
    // botocore keeps only a refresh token the service sends back (they rotate).
    if (issued.refreshToken) refreshed.refreshToken = issued.refreshToken;
    return refreshed;
  } catch (error) {
    if (error instanceof SsoServiceError) {
      say(`the token refresh was refused: ${error.message}`);
      return undefined;
    }
    if (error instanceof SsoNetworkError) {
      if (oldStillValid) {
        say(`the token refresh got no answer (${error.message}); using the current token`);
        return undefined;
      }
      const endpoint = oidcEndpoint(effects.env, settings.region);
      throw new AwsUnreachableError(
        `cannot reach IAM Identity Center to refresh the expired login for ${describeLogin(settings)}: ${error.message} (${endpoint.url}, ${endpoint.source})`,
        'check the network connection, or sso_region',
      );
    }
    throw error;
  }
}
