import type { Credentials } from '../run/credentials.js';
import { maskAccessKeyId } from '../output/mask.js';
import type { StaticKeysStep } from '../plan/types.js';
import { describeSource } from '../plan/where.js';
import type { SourceContext, SourceResult } from './types.js';

/** Keys written in a profile, as they are. */
export function staticKeysCredentials(step: StaticKeysStep, context: SourceContext): SourceResult {
  const key = maskAccessKeyId(step.accessKeyId.value);
  context.debug(`profile ${step.profile}: static keys ${key} from ${describeSource(step.accessKeyId.source)}`);
  const credentials: Credentials = { accessKeyId: step.accessKeyId.value, secretAccessKey: step.secretAccessKey.value };
  if (step.sessionToken) credentials.sessionToken = step.sessionToken.value;
  return { credentials, identity: `keys:${step.accessKeyId.value}`, caller: `keys ${key} of profile "${step.profile}"` };
}
