import type { Credentials } from '../run/credentials.js';
import { ConfigError } from '../errors/errors.js';
import { maskAccessKeyId } from '../output/mask.js';
import type { EnvironmentStep } from '../plan/types.js';
import { describeSource } from '../plan/where.js';
import type { SourceContext, SourceResult } from './types.js';

/** `credential_source = Environment`: the credential variables awsrole was started with. */
export function environmentCredentials(step: EnvironmentStep, context: SourceContext): SourceResult {
  const { env } = context;
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) {
    throw new ConfigError(
      `profile "${step.profile}" takes its source credentials from the environment, but AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not both set (${describeSource(step.source)})`,
      'or, in CI, set AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN for web identity',
    );
  }
  const key = maskAccessKeyId(accessKeyId);
  context.debug(`profile ${step.profile}: source credentials ${key} from the environment`);
  const credentials: Credentials = { accessKeyId, secretAccessKey };
  // AWS_SECURITY_TOKEN is the name boto2 used; botocore still reads it.
  const token = env.AWS_SESSION_TOKEN || env.AWS_SECURITY_TOKEN;
  if (token) credentials.sessionToken = token;
  return { credentials, identity: `keys:${accessKeyId}`, caller: `environment keys ${key}` };
}
