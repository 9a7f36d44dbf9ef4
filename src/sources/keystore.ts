import { keystoreFor } from '../keys/keystore.js';
import { maskAccessKeyId } from '../output/mask.js';
import type { KeystoreStep } from '../plan/types.js';
import type { SourceContext, SourceResult } from './types.js';

/** Long-term keys from awsrole's keystore: what `awsrole credential-process --keys <entry>` would print, without running it. */
export async function keystoreCredentials(step: KeystoreStep, context: SourceContext): Promise<SourceResult> {
  const { keys, description } = await keystoreFor(context.env).get(step.entry.value);
  const key = maskAccessKeyId(keys.accessKeyId);
  context.debug(`profile ${step.profile}: keys ${key} of "${step.entry.value}" from ${description}, read directly (awsrole's own credential_process)`);
  return {
    credentials: { accessKeyId: keys.accessKeyId, secretAccessKey: keys.secretAccessKey },
    identity: `keys:${keys.accessKeyId}`,
    caller: `keys ${key} of profile "${step.profile}" (keystore)`,
  };
}
