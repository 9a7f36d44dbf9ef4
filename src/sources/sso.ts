import { AwsRefusedError, AwsUnreachableError } from '../errors/errors.js';
import type { SsoStep } from '../plan/types.js';
import { describeSource } from '../plan/where.js';
import { loginAccessToken } from '../sso/access-token.js';
import { getRoleCredentials, SsoNetworkError, SsoServiceError } from '../sso/api.js';
import { portalEndpoint, requestTimeoutMs } from '../sso/endpoints.js';
import { SsoLoginRequiredError } from '../sso/errors.js';
import { describeLogin, settingsFromStep } from '../sso/settings.js';
import { formatSsoTimestamp } from '../sso/time.js';
import type { SourceContext, SourceResult } from './types.js';

/**
 * IAM Identity Center: the token `awsrole login` (or `aws sso login`) left in ~/.aws/sso/cache,
 * refreshed when it is an sso-session token about to expire, exchanged with the SSO portal's
 * GetRoleCredentials for the role's credentials — botocore's SSOProvider and SSOCredentialFetcher.
 *
 * Exit codes: no usable login → 4 with the login command as the hint (the portal's own
 * UnauthorizedException, for a token it no longer accepts, too); the role refused → 4 naming the
 * account and role; the service out of reach (or failing with a 5xx) → 5.
 */
export async function ssoCredentials(step: SsoStep, context: SourceContext): Promise<SourceResult> {
  const settings = settingsFromStep(step);
  const { env } = context;
  const accountId = step.accountId.value;
  const roleName = step.roleName.value;
  const timeoutMs = requestTimeoutMs(env);
  const accessToken = await loginAccessToken(settings, { env, now: context.now, debug: context.debug });

  const portal = portalEndpoint(env, settings.region);
  const where = `profile "${step.profile}", ${portal.url}`;
  context.debug(
    `profile ${step.profile}: GetRoleCredentials for role ${roleName} (${describeSource(step.roleName.source)}) in account ${accountId} ` +
      `(${describeSource(step.accountId.source)}) via ${portal.url} (${portal.source})`,
  );
  try {
    const request = () => getRoleCredentials({ endpoint: portal.url, accessToken, accountId, roleName, timeoutMs });
    const credentials = await (context.spin ? context.spin(`getting SSO role credentials for ${roleName} in ${accountId}`, request) : request());
    context.debug(`profile ${step.profile}: SSO role credentials valid until ${formatSsoTimestamp(credentials.expiration!)}`);
    return {
      credentials,
      identity: `sso:${accountId}:${roleName}:${step.startUrl.value}`,
      caller: `SSO role ${roleName} in ${accountId}`,
    };
  } catch (error) {
    if (error instanceof SsoNetworkError) {
      throw new AwsUnreachableError(
        `${error.foreign ? 'no usable answer from' : 'cannot reach'} IAM Identity Center for role ${roleName} in account ${accountId}: ${error.message} (${where}, ${portal.source})`,
        error.foreign
          ? `check ${portal.source.startsWith('$') ? portal.source : 'AWS_ENDPOINT_URL_SSO'} and the network: a proxy or captive portal may answer instead`
          : `check the network connection, or sso_region (${settings.region})`,
      );
    }
    if (!(error instanceof SsoServiceError)) throw error;
    if (error.code === 'UnauthorizedException') {
      throw new SsoLoginRequiredError(
        `IAM Identity Center no longer accepts the login for ${describeLogin(settings)} (expired or signed out): ${error.message} (${where})`,
        step.profile,
      );
    }
    if (error.status >= 500) {
      throw new AwsUnreachableError(`IAM Identity Center failed to answer for role ${roleName} in account ${accountId}: ${error.message} (${where})`, 'try again in a moment');
    }
    throw new AwsRefusedError(
      `IAM Identity Center refused role ${roleName} in account ${accountId}: ${error.message} (${where})`,
      refusalHint(error.code, step),
    );
  }
}

function refusalHint(code: string, step: SsoStep): string | undefined {
  switch (code) {
    case 'ForbiddenException':
    case 'AccessDeniedException':
    case 'ResourceNotFoundException':
      return `check sso_account_id (${describeSource(step.accountId.source)}) and sso_role_name (${describeSource(step.roleName.source)}): the signed-in user must be assigned that permission set in that account`;
    case 'TooManyRequestsException':
      return 'IAM Identity Center is throttling requests: try again in a moment';
    case 'InvalidRequestException':
      return 'check sso_account_id (12 digits) and sso_role_name';
    default:
      return undefined;
  }
}
