import type { Env } from '../environment/env.js';
import type { LongTermKeys } from './types.js';

// The only module that loads @aws-sdk/client-iam, and only for `keys rotate`.
type IamModule = typeof import('@aws-sdk/client-iam');

/** IAM is global: its one endpoint signs for us-east-1 (the aws partition). */
const IAM_SIGNING_REGION = 'us-east-1';
const TIMEOUT_MS = 10_000;
const SILENT_LOGGER = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };

/** The IAM calls `keys rotate` makes, as an effect (tests and the rotation logic take any). */
export interface IamCaller {
  /** A new access key for the caller's own IAM user (no UserName: IAM takes the signer's). */
  createAccessKey(credentials: LongTermKeys): Promise<LongTermKeys>;
  deleteAccessKey(credentials: LongTermKeys, accessKeyId: string): Promise<void>;
}

/** IAM refused or could not be reached; `code` is IAM's error code when it answered. */
export class IamFailure extends Error {
  constructor(
    readonly action: string,
    readonly code: string | undefined,
    message: string,
  ) {
    super(`${action}: ${code ? `${code}: ` : ''}${message}`);
  }
}

/**
 * Where IAM calls go: AWS_ENDPOINT_URL_IAM, else AWS_ENDPOINT_URL (botocore's service-specific
 * endpoint variables), else the SDK's own (https://iam.amazonaws.com).
 */
export function iamEndpoint(env: Env): string | undefined {
  return env.AWS_ENDPOINT_URL_IAM || env.AWS_ENDPOINT_URL || undefined;
}

export function createIamCaller(env: Env): IamCaller {
  let loaded: Promise<IamModule> | undefined;
  const endpoint = iamEndpoint(env);
  const withClient = async <T>(action: string, credentials: LongTermKeys, call: (sdk: IamModule, client: InstanceType<IamModule['IAMClient']>) => Promise<T>): Promise<T> => {
    // The SDK's warning about Node versions is not for awsrole's users (see sts/client.ts).
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
    const sdk = await (loaded ??= import('@aws-sdk/client-iam'));
    // Everything explicit: the SDK resolves nothing from the files or the environment by itself.
    const client = new sdk.IAMClient({
      region: IAM_SIGNING_REGION,
      ...(endpoint ? { endpoint } : {}),
      credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey },
      maxAttempts: 2,
      requestHandler: { requestTimeout: TIMEOUT_MS, connectionTimeout: TIMEOUT_MS },
      logger: SILENT_LOGGER,
    });
    try {
      return await call(sdk, client);
    } catch (error) {
      const e = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
      throw new IamFailure(action, e.$metadata?.httpStatusCode === undefined ? undefined : e.name, String(e.message ?? error));
    } finally {
      client.destroy();
    }
  };
  return {
    createAccessKey: (credentials) =>
      withClient('CreateAccessKey', credentials, async (sdk, client) => {
        const { AccessKey: key } = await client.send(new sdk.CreateAccessKeyCommand({}));
        if (!key?.AccessKeyId || !key.SecretAccessKey) throw new Error('the answer holds no access key');
        return { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey };
      }),
    deleteAccessKey: (credentials, accessKeyId) =>
      withClient('DeleteAccessKey', credentials, async (sdk, client) => {
        await client.send(new sdk.DeleteAccessKeyCommand({ AccessKeyId: accessKeyId }));
      }),
  };
}
