import type { Env } from '../environment/env.js';
import { AwsRefusedError, AwsUnreachableError } from '../errors/errors.js';
import { loginAccessToken } from '../sso/access-token.js';
import { listAccountRolesPage, listAccountsPage, SsoNetworkError, SsoServiceError, type PortalAccount, type PortalPage } from '../sso/api.js';
import { portalEndpoint, requestTimeoutMs } from '../sso/endpoints.js';
import { SsoLoginRequiredError } from '../sso/errors.js';
import { describeLogin, type SsoSettings } from '../sso/settings.js';
import type { Assignment } from './types.js';

// Every account and role the signed-in user can reach through IAM Identity Center: the portal's
// ListAccounts, then ListAccountRoles for each account, every page of each — with the token that
// `awsrole login` (or `aws sso login`) cached, refreshed first when it is about to expire.

export interface SsoListingEffects {
  env: Env;
  now: () => Date;
  debug: (message: string) => void;
  /** Called as pages arrive: accounts listed so far, accounts whose roles are listed, roles so far. */
  onProgress?: (accounts: number, accountsDone: number, roles: number) => void;
}

/** Most a page may hold (the model's MaxResultType). */
const PAGE_SIZE = 100;
/** ListAccountRoles calls in flight at once: the portal throttles a burst of hundreds. */
const PARALLEL = 4;
const MAX_PAGES = 1000;

export async function listSsoAssignments(settings: SsoSettings, effects: SsoListingEffects): Promise<Assignment[]> {
  const { env } = effects;
  const timeoutMs = requestTimeoutMs(env);
  const accessToken = await loginAccessToken(settings, { env, now: effects.now, debug: effects.debug });
  const portal = portalEndpoint(env, settings.region);
  effects.debug(`listing accounts and roles for ${describeLogin(settings)} at ${portal.url} (${portal.source})`);
  const where = `${describeLogin(settings)}, ${portal.url}`;
  try {
    const request = { endpoint: portal.url, accessToken, maxResults: PAGE_SIZE, timeoutMs };
    const accounts = await allPages<PortalAccount>((nextToken) => listAccountsPage({ ...request, nextToken }));
    let done = 0;
    let roles = 0;
    effects.onProgress?.(accounts.length, 0, 0);
    const assignments: Assignment[] = [];
    const queue = [...accounts];
    const worker = async () => {
      for (let account = queue.shift(); account; account = queue.shift()) {
        const { accountId, accountName } = account;
        const names = await allPages<string>((nextToken) => listAccountRolesPage({ ...request, accountId, nextToken }));
        for (const roleName of names) assignments.push({ accountId, accountName, roleName });
        roles += names.length;
        effects.onProgress?.(accounts.length, ++done, roles);
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL, accounts.length) }, worker));
    return assignments;
  } catch (error) {
    throw portalError(error, settings, where);
  }
}

async function allPages<T>(fetchPage: (nextToken: string | undefined) => Promise<PortalPage<T>>): Promise<T[]> {
  const items: T[] = [];
  let nextToken: string | undefined;
  for (let page = 1; ; page++) {
    const answer = await fetchPage(nextToken);
    items.push(...answer.items);
    nextToken = answer.nextToken;
    if (!nextToken) return items;
    if (page >= MAX_PAGES) throw new SsoNetworkError('ListAccounts', '', `a next page after ${MAX_PAGES} pages`, true);
  }
}

function portalError(error: unknown, settings: SsoSettings, where: string): unknown {
  if (error instanceof SsoNetworkError) {
    return new AwsUnreachableError(
      `${error.foreign ? 'no usable answer from' : 'cannot reach'} IAM Identity Center: ${error.message} (${where})`,
      'check the network connection, sso_region, and AWS_ENDPOINT_URL_SSO if you set it',
    );
  }
  if (!(error instanceof SsoServiceError)) return error;
  if (error.code === 'UnauthorizedException') {
    return new SsoLoginRequiredError(`IAM Identity Center no longer accepts the login for ${describeLogin(settings)} (expired or signed out): ${error.message} (${where})`, settings.profile);
  }
  if (error.status >= 500) return new AwsUnreachableError(`IAM Identity Center failed to answer: ${error.message} (${where})`, 'try again in a moment');
  return new AwsRefusedError(
    `IAM Identity Center refused ${error.operation}: ${error.message} (${where})`,
    error.code === 'TooManyRequestsException' ? 'IAM Identity Center is throttling requests: try again in a moment' : undefined,
  );
}
