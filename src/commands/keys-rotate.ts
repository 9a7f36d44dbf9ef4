import { loadConfig } from '../config/load.js';
import { createIamCaller } from '../keys/iam.js';
import { keystoreFor } from '../keys/keystore.js';
import { rotateKeys } from '../keys/rotate.js';
import { maskAccessKeyId } from '../output/mask.js';
import { lookUpProfile } from '../plan/resolve.js';
import { resolveRegion, resolveStsTarget } from '../plan/sts-target.js';
import type { CommandContext } from './context.js';

/** `keys rotate <profile>`: see keys/rotate.ts for the order and what each failure leaves. */
export async function keysRotateCommand(profile: string, context: CommandContext): Promise<void> {
  const keystore = keystoreFor(context.env);
  const { keys: old } = await keystore.get(profile);
  // GetCallerIdentity goes where the profile's STS calls go (its region, AWS_ENDPOINT_URL_STS …).
  const config = loadConfig(context.env);
  const top = config.profiles.has(profile) ? lookUpProfile(config, profile) : { name: profile, settings: new Map() };
  const target = resolveStsTarget(config, top, context.env, resolveRegion(top, context.env));
  const { createStsCaller } = await import('../sts/client.js');
  const sts = createStsCaller();
  const created = await rotateKeys(profile, old, {
    iam: createIamCaller(context.env),
    whoAmI: async (keys) => (await sts.getCallerIdentity(target, keys)).arn,
    store: async (keys) => {
      await keystore.put(profile, keys, context.info);
    },
    sleep: (milliseconds) => new Promise((resolve) => setTimeout(resolve, milliseconds)),
    info: context.info,
  });
  context.info(`rotated profile ${profile}: ${maskAccessKeyId(old.accessKeyId)} deleted, ${maskAccessKeyId(created.accessKeyId)} stored`);
}
