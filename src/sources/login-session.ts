import { createHash } from 'node:crypto';
import { AwsRefusedError, AwsroleError, AwsUnreachableError, ConfigError, ExitCode } from '../errors/errors.js';
import { dpopPrivateKey, dpopProof } from '../login/dpop.js';
import { createOAuth2Token, SigninNetworkError, SigninServiceError } from '../login/signin-api.js';
import { readLoginToken, refreshedToken, writeLoginToken, type LoginToken } from '../login/token.js';
import type { LoginSessionStep } from '../plan/types.js';
import { describeSource } from '../plan/where.js';
import { requestTimeoutMs } from '../sso/endpoints.js';
import { formatSsoTimestamp } from '../sso/time.js';
import type { SourceContext, SourceResult } from './types.js';

/**
 * botocore's LoginCredentialFetcher._REFRESH_THRESHOLD: a cached token with more than this left is
 * used as it is (`remaining_time > self._REFRESH_THRESHOLD`); otherwise it is refreshed.
 */
export const REFRESH_THRESHOLD_SECONDS = 5 * 60;

/**
 * `login_session` (from `aws login`), as botocore 1.43's LoginProvider and LoginCredentialFetcher
 * (credentials.py): the credentials cached in the token file while more than five minutes (or
 * --min-ttl, if longer) remain; otherwise the token is read again from disk — another process may
 * have refreshed it — and, if still due, refreshed with the sign-in service's CreateOAuth2Token and
 * a DPoP proof signed with the token's own key, then written back in botocore's format
 * (src/login/token.ts). The refresh holds a lock of awsrole's session cache, so concurrent runs
 * refresh once (botocore has no lock).
 *
 * Exit codes: no token, an unusable one, or one the service no longer refreshes (TOKEN_EXPIRED,
 * USER_CREDENTIALS_CHANGED) → 4 with "run aws login" (as for an SSO login); insufficient
 * permissions and other refusals → 4; no region for the sign-in service, a file that cannot be
 * read or written or that others could have written → 3; the service out of reach or failing (5xx) → 5.
 */
export async function loginSessionCredentials(step: LoginSessionStep, context: SourceContext): Promise<SourceResult> {
  const threshold = Math.max(REFRESH_THRESHOLD_SECONDS, context.minTtlSeconds ?? 0);
  const path = step.tokenFile.value;
  let token = loadToken(step);
  if (secondsLeft(token, context) > threshold) {
    context.debug(`profile ${step.profile}: aws login session ${step.session.value}: cached credentials valid until ${formatSsoTimestamp(token.expiresAt)} (${path})`);
    return result(step, token);
  }
  const renew = async (): Promise<LoginToken> => {
    // refresh_credentials reloads the token from disk first: it may have been refreshed meanwhile.
    const current = loadToken(step);
    if (secondsLeft(current, context) > threshold) {
      context.debug(`profile ${step.profile}: aws login session ${step.session.value}: refreshed meanwhile, valid until ${formatSsoTimestamp(current.expiresAt)}`);
      return current;
    }
    return refresh(step, current, context);
  };
  token = context.cache ? await context.cache.withLock(lockKey(path), renew) : await renew();
  return result(step, token);
}

function result(step: LoginSessionStep, token: LoginToken): SourceResult {
  return {
    credentials: {
      accessKeyId: token.accessKeyId,
      secretAccessKey: token.secretAccessKey,
      sessionToken: token.sessionToken,
      expiration: token.expiresAt,
    },
    identity: `login:${step.session.value}`,
    caller: step.session.value,
  };
}

function secondsLeft(token: LoginToken, context: SourceContext): number {
  return (token.expiresAt.getTime() - context.now().getTime()) / 1000;
}

function lockKey(path: string): string {
  return createHash('sha256').update(`login-session\0${path}`).digest('hex');
}

function loadToken(step: LoginSessionStep): LoginToken {
  const path = step.tokenFile.value;
  const lookup = readLoginToken(path);
  switch (lookup.status) {
    case 'found':
      return lookup.token;
    case 'missing':
      // botocore: "Unable to load a existing login session for session … Please reauthenticate with 'aws login'."
      throw new LoginRequiredError(`no aws login session ${step.session.value} in the login cache (${path}, ${describeSource(step.tokenFile.source)})`, step.profile);
    case 'unusable':
      throw new LoginRequiredError(`the aws login token of session ${step.session.value} cannot be used: ${lookup.reason} (${path})`, step.profile);
    case 'unreadable':
      throw new ConfigError(`cannot read the aws login token: ${lookup.reason} (${path})`, 'fix its owner or mode (0600, yours)');
    case 'untrusted':
      // Logging in again would write into the same directory: the fix is the permissions.
      throw new ConfigError(`the aws login token is not used: ${lookup.reason} (${path})`, 'make the file and its directory yours and not writable by others (chmod go-w)');
  }
}

async function refresh(step: LoginSessionStep, token: LoginToken, context: SourceContext): Promise<LoginToken> {
  const path = step.tokenFile.value;
  const session = step.session.value;
  if (!step.signin) {
    // botocore creates the signin client only now, and fails for want of a region ("Missing Region").
    throw new ConfigError(
      `profile "${step.profile}": the aws login session ${session} needs refreshing, but no region is configured for the sign-in service (${path})`,
      'set region in the profile, or AWS_REGION',
    );
  }
  let key;
  try {
    key = dpopPrivateKey(token.dpopKey);
  } catch {
    // botocore: "Unable to load private key from cached token."
    throw new LoginRequiredError(`the aws login token of session ${session} holds no usable private key (dpopKey) (${path})`, step.profile);
  }
  const endpoint = step.signin.endpoint;
  const where = `profile "${step.profile}", ${endpoint.value}`;
  context.debug(`profile ${step.profile}: aws login session ${session}: refreshing with CreateOAuth2Token via ${endpoint.value} (${describeSource(endpoint.source)})`);
  const call = () =>
    createOAuth2Token({
      endpoint: endpoint.value,
      clientId: token.clientId,
      refreshToken: token.refreshToken,
      dpop: (url) => dpopProof(key, { url, issuedAt: Math.floor(context.now().getTime() / 1000) }),
      timeoutMs: requestTimeoutMs(context.env),
    });
  let output;
  try {
    output = await (context.spin ? context.spin(`refreshing the aws login session`, call) : call());
  } catch (error) {
    throw refreshError(error, step, where);
  }
  const refreshed = refreshedToken(token, output, context.now());
  try {
    writeLoginToken(path, refreshed);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(`cannot write the refreshed aws login token: ${code ?? (error as Error).message} (${path})`, 'the login cache directory must be yours and writable');
  }
  context.debug(`profile ${step.profile}: aws login session ${session}: refreshed, valid until ${formatSsoTimestamp(refreshed.expiresAt)} (written to ${path})`);
  return refreshed;
}

function refreshError(error: unknown, step: LoginSessionStep, where: string): Error {
  const session = step.session.value;
  if (error instanceof SigninNetworkError) {
    return new AwsUnreachableError(
      `${error.foreign ? 'no usable answer from' : 'cannot reach'} the AWS sign-in service to refresh aws login session ${session}: ${error.message} (${where})`,
      error.foreign ? 'check AWS_ENDPOINT_URL_SIGNIN and the network: a proxy or captive portal may answer instead' : 'check the network connection, or the region',
    );
  }
  if (!(error instanceof SigninServiceError)) return error as Error;
  if (error.code === 'AccessDeniedException') {
    switch (error.error) {
      case 'TOKEN_EXPIRED':
      case 'USER_CREDENTIALS_CHANGED':
        // botocore: LoginRefreshRequired.
        return new LoginRequiredError(
          `the aws login session ${session} has ${error.error === 'TOKEN_EXPIRED' ? 'expired' : 'ended: the credentials it was signed in with have changed'} (${where})`,
          step.profile,
        );
      case 'INSUFFICIENT_PERMISSIONS':
        // botocore: LoginInsufficientPermissions.
        return new AwsRefusedError(
          `the AWS sign-in service refused to refresh aws login session ${session}: insufficient permissions (${where})`,
          'the signed-in identity needs permission for signin:CreateOAuth2Token; then run aws login again',
        );
    }
  }
  if (error.status >= 500) {
    return new AwsUnreachableError(`the AWS sign-in service failed to refresh aws login session ${session}: ${error.message} (${where})`, 'try again in a moment');
  }
  return new AwsRefusedError(
    `the AWS sign-in service refused to refresh aws login session ${session}: ${error.message} (${where})`,
    error.code === 'TooManyRequestsError' ? 'the sign-in service is throttling requests: try again in a moment' : loginHint(step.profile),
  );
}

/**
 * There is no usable `aws login` session: no token, an unusable one, or one the service no longer
 * refreshes. Exit 4, as for an SSO login (src/sso/errors.ts): one code for "sign in again".
 */
export class LoginRequiredError extends AwsroleError {
  constructor(message: string, profile: string) {
    super(message, ExitCode.awsRefused, loginHint(profile));
  }
}

/** awsrole cannot do `aws login` itself (yet): the AWS CLI's command writes the token both read. */
function loginHint(profile: string): string {
  return `run: aws login --profile ${/^[\w@%+=:,./-]+$/.test(profile) ? profile : `'${profile.replace(/'/g, `'\\''`)}'`}`;
}
