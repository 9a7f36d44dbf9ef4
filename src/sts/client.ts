import type { Credentials } from '../run/credentials.js';
import type { StsTarget } from '../plan/types.js';
import { maskAccessKeyIds } from '../output/mask.js';
import { DeadlineHttpHandler } from './http-handler.js';
import { StsRefusal, StsUnreachable, type AssumedRole, type CallerIdentity, type StsCaller } from './types.js';

// The only module that loads @aws-sdk/client-sts, and only when an STS call is about to be made:
// loading it costs about 55 ms, which `list`, `explain` and static-key profiles never pay.
type StsModule = typeof import('@aws-sdk/client-sts');

/** How long one attempt may take, from connecting to the last byte; AWSROLE_STS_TIMEOUT (seconds) overrides it. */
export const DEFAULT_TIMEOUT_MS = 10_000;
// Two attempts: one retry covers a dropped connection without doubling a long wait twice over.
// A whole call thus takes at most MAX_ATTEMPTS × the timeout, plus RETRY_PAUSE_MS.
export const MAX_ATTEMPTS = 2;
const RETRY_PAUSE_MS = 200;
// STS refusals that mean "not now" rather than "no": the SDK's standard retry strategy tries these again.
const THROTTLING_CODES = new Set(['Throttling', 'ThrottlingException', 'RequestLimitExceeded', 'TooManyRequestsException', 'IDPCommunicationError']);

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
  if (!issued?.AccessKeyId || !issued.SecretAccessKey || !issued.SessionToken || !issued.Expiration || Number.isNaN(new Date(issued.Expiration).getTime())) {
    // STS always sends all four; an answer without them came from something else.
    throw new StsUnreachable(`HTTP 200 with a ${action} answer without complete credentials`, 'not-sts');
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
    // awsrole retries itself (below), so that every attempt has its own deadline.
    maxAttempts: 1,
    requestHandler: new DeadlineHttpHandler(timeoutMs),
    // The SDK's own warnings are not for awsrole's users; errors reach us as exceptions.
    logger: SILENT_LOGGER,
  });
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        return await call(client);
      } catch (error) {
        const failure = classify(error);
        if (attempt < MAX_ATTEMPTS && retryable(failure)) {
          await new Promise((resolve) => setTimeout(resolve, RETRY_PAUSE_MS));
          continue;
        }
        if (failure instanceof StsUnreachable && attempt > 1) {
          throw new StsUnreachable(`${failure.reason}, ${attempt} attempts`, failure.kind);
        }
        throw failure;
      }
    }
  } finally {
    client.destroy();
  }
}

function retryable(failure: Error): boolean {
  return failure instanceof StsUnreachable || (failure instanceof StsRefusal && THROTTLING_CODES.has(failure.code));
}

function classify(error: unknown): Error {
  if (error instanceof StsUnreachable || error instanceof StsRefusal) return error;
  const e = error as { name?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const message = maskAccessKeyIds(String(e.message ?? error));
  // The SDK could not parse an answer that looked like STS's: it did not come from STS after all.
  if (/Deserialization error/.test(message)) {
    const status = e.$metadata?.httpStatusCode;
    return new StsUnreachable(`${status ? `HTTP ${status} with ` : ''}an answer the AWS SDK cannot read`, 'not-sts');
  }
  if (e.$metadata?.httpStatusCode === undefined) return new StsUnreachable(`${e.code ?? e.name ?? 'Error'}: ${message}`);
  return new StsRefusal(e.name ?? e.code ?? 'Error', message);
}
