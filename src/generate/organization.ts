import type { LoadedConfig, Profile } from '../config/types.js';
import { envFlag, type Env } from '../environment/env.js';
import { AwsRefusedError, AwsUnreachableError, ConfigError } from '../errors/errors.js';
import { maskAccessKeyIds } from '../output/mask.js';
import type { Credentials } from '../run/credentials.js';

// AWS Organizations' ListAccounts, through the AWS SDK's client (loaded here, on this path only:
// `awsrole generate --from-organization`). The SDK signs the requests; awsrole hands it every
// setting explicitly, so it reads nothing from the files or the environment on its own.

type OrganizationsModule = typeof import('@aws-sdk/client-organizations');

/** One account as ListAccounts lists it. */
export interface OrganizationAccount {
  id: string;
  name: string;
  /** `ACTIVE`, `SUSPENDED`, `PENDING_CLOSURE`, `CLOSED` … (`State`, else the older `Status`). */
  state: string;
  /** The partition of the account's ARN (`aws`, `aws-cn`, `aws-us-gov`), for the role ARNs. */
  partition: string;
  /**
   * The organization's management account: its ARN names itself as the owner
   * (`arn:aws:organizations::<management id>:account/o-…/<id>`).
   */
  management: boolean;
}

export interface ListAccountsRequest {
  credentials: Credentials;
  /** Organizations has one endpoint per partition; the SDK picks it from any region of the partition. */
  region: string;
  /** A configured endpoint (AWS_ENDPOINT_URL_ORGANIZATIONS …), or undefined for AWS's own. */
  endpoint?: string;
  timeoutMs: number;
  /** Called after every page: pages so far, accounts so far. */
  onPage?: (pages: number, accounts: number) => void;
  /** For messages: `profile "mgmt"`. */
  caller: string;
}

/** ListAccounts' largest page. */
const PAGE_SIZE = 20;
/** A NextToken loop that never ends would be a service bug; stop long after any real organization (10,000 accounts). */
const MAX_PAGES = 1000;

export async function listOrganizationAccounts(request: ListAccountsRequest): Promise<OrganizationAccount[]> {
  // As in src/sts/client.ts: the SDK's Node.js version warning is not the user's concern here.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const sdk: OrganizationsModule = await import('@aws-sdk/client-organizations');
  const { credentials } = request;
  const client = new sdk.OrganizationsClient({
    region: request.region,
    ...(request.endpoint ? { endpoint: request.endpoint } : {}),
    credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey, sessionToken: credentials.sessionToken },
    useFipsEndpoint: false,
    useDualstackEndpoint: false,
    // Two attempts, as for every AWS call of awsrole (README, AWSROLE_STS_TIMEOUT); the SDK's
    // standard retry also waits out ListAccounts' throttling (a few calls a second).
    maxAttempts: 2,
    retryMode: 'standard',
    requestHandler: { connectionTimeout: request.timeoutMs, requestTimeout: request.timeoutMs },
    logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {} },
  });
  const accounts: OrganizationAccount[] = [];
  try {
    let nextToken: string | undefined;
    for (let page = 1; ; page++) {
      const answer = await client.send(new sdk.ListAccountsCommand({ MaxResults: PAGE_SIZE, NextToken: nextToken }));
      for (const account of answer.Accounts ?? []) {
        if (!account.Id) continue;
        const arn = /^arn:([^:]+):organizations::(\d{12}):account\//.exec(account.Arn ?? '');
        accounts.push({
          id: account.Id,
          name: account.Name ?? '',
          state: String(account.State ?? account.Status ?? 'ACTIVE'),
          partition: arn?.[1] ?? 'aws',
          management: arn?.[2] === account.Id,
        });
      }
      request.onPage?.(page, accounts.length);
      nextToken = answer.NextToken || undefined;
      if (!nextToken) break;
      if (page >= MAX_PAGES) throw new AwsUnreachableError(`Organizations ListAccounts returned a next page after ${MAX_PAGES} pages (${request.caller})`);
    }
  } catch (error) {
    throw organizationsError(error, request);
  } finally {
    client.destroy();
  }
  return accounts;
}

function organizationsError(error: unknown, request: ListAccountsRequest): unknown {
  if (error instanceof AwsUnreachableError) return error;
  const e = error as { name?: string; message?: string; code?: string; $metadata?: { httpStatusCode?: number } };
  const message = maskAccessKeyIds(String(e.message ?? error));
  const where = `${request.caller}${request.endpoint ? `, ${request.endpoint}` : ''}`;
  const status = e.$metadata?.httpStatusCode;
  const unreadable = /Deserialization error/.test(message);
  // A 401 or 403 the SDK cannot parse (moto's IAM check answers JSON services in XML) is still a refusal.
  const refused = status === 401 || status === 403;
  if (status === undefined || status >= 500 || (unreadable && !refused)) {
    return new AwsUnreachableError(`cannot list the organization's accounts: ${e.name ?? e.code ?? 'Error'}: ${message} (${where})`, 'check the network connection, and AWS_ENDPOINT_URL_ORGANIZATIONS if you set it');
  }
  const code = unreadable ? `HTTP ${status}` : e.name ?? 'Error';
  const hint = refused || code === 'AccessDeniedException'
    ? "the profile's identity needs organizations:ListAccounts: use the management account or a delegated administrator"
    : code === 'AWSOrganizationsNotInUseException'
      ? "the profile's account is not in an organization"
      : undefined;
  return new AwsRefusedError(`Organizations refused ListAccounts: ${code}${unreadable ? '' : `: ${message}`} (${where})`, hint);
}

/**
 * Where Organizations is reached, by botocore's rule for configured endpoints (service id
 * `Organizations`): AWS_ENDPOINT_URL_ORGANIZATIONS, AWS_ENDPOINT_URL, the profile's `services`
 * section (`organizations =` / `endpoint_url =`), the profile's `endpoint_url`; none when
 * AWS_IGNORE_CONFIGURED_ENDPOINT_URLS (or `ignore_configured_endpoint_urls`) is true.
 */
export function organizationsEndpoint(config: LoadedConfig, profile: Profile, env: Env): { url: string; source: string } | undefined {
  const isTrue = (value: string | undefined) => value?.trim().toLowerCase() === 'true';
  if (envFlag(env, 'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS') || isTrue(profile.settings.get('ignore_configured_endpoint_urls')?.value)) return undefined;
  let found: { url: string; source: string } | undefined;
  for (const variable of ['AWS_ENDPOINT_URL_ORGANIZATIONS', 'AWS_ENDPOINT_URL']) {
    const value = env[variable];
    if (value) {
      found = { url: value, source: `$${variable}` };
      break;
    }
  }
  if (!found) {
    const servicesName = profile.settings.get('services')?.value;
    const block = servicesName ? config.services.get(servicesName)?.settings.get('organizations') : undefined;
    const fromServices = block?.nested?.get('endpoint_url');
    const own = profile.settings.get('endpoint_url');
    const setting = fromServices?.value ? fromServices : own?.value ? own : undefined;
    if (setting) found = { url: setting.value, source: `${setting.origin.file}:${setting.origin.line}` };
  }
  if (found && !/^https?:\/\/[^/]/.test(found.url)) {
    throw new ConfigError(`the Organizations endpoint "${found.url}" is not an http(s) URL (${found.source})`);
  }
  return found;
}
