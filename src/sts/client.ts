import type { Credentials } from '../credentials.js';
import type { StsTarget } from '../plan/types.js';
import { maskAccessKeyIds } from '../mask.js';
import { StsRefusal, StsUnreachable, type AssumedRole, type CallerIdentity, type StsCaller } from './types.js';

// The only module that loads @aws-sdk/client-sts, and only when an STS call is about to be made:
// loading it costs about 55 ms, which `list`, `explain` and static-key profiles never pay.
type StsModule = typeof import('@aws-sdk/client-sts');

/** How long one attempt may take; AWSROLE_STS_TIMEOUT (seconds) overrides it. */
export const DEFAULT_TIMEOUT_MS = 10_000;
// Two attempts: one retry covers a dropped connection without doubling a long wait twice over.
const MAX_ATTEMPTS = 2;
const NETWORK_ERROR_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH',
  'ENETUNREACH', 'EPIPE', 'ECONNABORTED', 'TimeoutError', 'RequestTimeout',
]);

const SILENT_LOGGER = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };

let loaded: Promise<StsModule> | undefined;

function loadSdk(): Promise<StsModule> {
  // The SDK warns on stderr about Node.js versions it will stop supporting; that is not the
  // user's concern in the middle of a role switch. This is the SDK's documented switch. It is set
  // on process.env only; child processes get the environment captured before this point.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  loaded ??= import('@aws-sdk/client-sts');
  return loaded;
}

export function createStsCaller(timeoutMs = DEFAULT_TIMEOUT_MS): StsCaller {
  return {
    async assumeRole(target, credentials, request): Promise<AssumedRole> {
      const sdk = await loadSdk();
      const response = await withClient(sdk, target, credentials, timeoutMs, (client) =>
        client.send(new sdk.AssumeRoleCommand({
          RoleArn: request.roleArn,
          RoleSessionName: request.sessionName,
          ExternalId: request.externalId,
          DurationSeconds: request.durationSeconds,
          SerialNumber: request.mfaSerial,
          TokenCode: request.mfaCode,
        })),
      );
      return {
        credentials: completeCredentials(response.Credentials, 'AssumeRole'),
        assumedRoleArn: response.AssumedRoleUser?.Arn ?? request.roleArn,
      };
    },

    async assumeRoleWithWebIdentity(target, request): Promise<AssumedRole> {
      const sdk = await loadSdk();
      const response = await withClient(sdk, target, undefined, timeoutMs, (client) =>
        client.send(new sdk.AssumeRoleWithWebIdentityCommand({
          RoleArn: request.roleArn,
          RoleSessionName: request.sessionName,
          WebIdentityToken: request.token,
          DurationSeconds: request.durationSeconds,
        })),
      );
      return {
        credentials: completeCredentials(response.Credentials, 'AssumeRoleWithWebIdentity'),
        assumedRoleArn: response.AssumedRoleUser?.Arn ?? request.roleArn,
      };
    },

    async getSessionToken(target, credentials, request): Promise<AssumedRole['credentials']> {
      const sdk = await loadSdk();
      const response = await withClient(sdk, target, credentials, timeoutMs, (client) =>
        client.send(new sdk.GetSessionTokenCommand({
          SerialNumber: request.mfaSerial,
          TokenCode: request.mfaCode,
          DurationSeconds: request.durationSeconds,
        })),
      );
      return completeCredentials(response.Credentials, 'GetSessionToken');
    },

    async getCallerIdentity(target, credentials): Promise<CallerIdentity> {
      const sdk = await loadSdk();
      const response = await withClient(sdk, target, credentials, timeoutMs, (client) =>
        client.send(new sdk.GetCallerIdentityCommand({})),
      );
      return { account: response.Account ?? '', arn: response.Arn ?? '', userId: response.UserId ?? '' };
    },
  };
}

type IssuedCredentials = { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string; Expiration?: Date };

function completeCredentials(issued: IssuedCredentials | undefined, action: string): AssumedRole['credentials'] {
  if (!issued?.AccessKeyId || !issued.SecretAccessKey || !issued.SessionToken || !issued.Expiration) {
    throw new StsRefusal('IncompleteResponse', `${action} returned no complete credentials`);
  }
  return {
    accessKeyId: issued.AccessKeyId,
    secretAccessKey: issued.SecretAccessKey,
    sessionToken: issued.SessionToken,
    expiration: new Date(issued.Expiration),
  };
}

async function withClient<Output>(
  sdk: StsModule,
  target: StsTarget,
  credentials: Credentials | undefined,
  timeoutMs: number,
  call: (client: InstanceType<StsModule['STSClient']>) => Promise<Output>,
): Promise<Output> {
  // Everything is passed explicitly, so the SDK resolves nothing from the files or environment
  // on its own: awsrole has already decided region, endpoint and credentials.
  const client = new sdk.STSClient({
    region: target.region.value,
    endpoint: target.endpoint.value,
    // No credentials: an unsigned call (AssumeRoleWithWebIdentity needs none). Anonymous
    // credentials would still make the SDK look for some elsewhere, so they are left empty.
    credentials: credentials
      ? { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey, sessionToken: credentials.sessionToken }
      : { accessKeyId: '', secretAccessKey: '' },
    useFipsEndpoint: false,
    useDualstackEndpoint: false,
    maxAttempts: MAX_ATTEMPTS,
    // Without throwOnRequestTimeout the SDK only logs a warning when the timeout passes and keeps
    // waiting, possibly for ever.
    requestHandler: { connectionTimeout: timeoutMs, requestTimeout: timeoutMs, throwOnRequestTimeout: true },
    // The SDK's own warnings are not for awsrole's users; errors reach us as exceptions.
    logger: SILENT_LOGGER,
  });
  try {
    return await call(client);
  } catch (error) {
    throw classify(error, timeoutMs);
  } finally {
    client.destroy();
  }
}

function classify(error: unknown, timeoutMs: number): Error {
  const e = error as { name?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const code = e.code ?? e.name ?? 'Error';
  if (code === 'ETIMEDOUT' || e.name === 'TimeoutError') {
    return new StsUnreachable(`no answer within ${timeoutMs / 1000} s, ${MAX_ATTEMPTS} attempts`);
  }
  const message = maskAccessKeyIds(String(e.message ?? error));
  if (NETWORK_ERROR_CODES.has(code) || NETWORK_ERROR_CODES.has(e.name ?? '') || e.$metadata?.httpStatusCode === undefined) {
    return new StsUnreachable(`${code}: ${message}`);
  }
  return new StsRefusal(e.name ?? code, message);
}
