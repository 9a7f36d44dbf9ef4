import { CACHE_ENCRYPT_VARIABLE, cacheEncryptedWithKeystore } from '../cache/encryption-setting.js';
import { loadConfig } from '../config/load.js';
import { describePlan, planToJson } from '../plan/describe.js';
import { execServerDefault, SDK_REFRESH_WINDOW_SECONDS } from '../server/setting.js';
import type { CommandContext, CredentialOptions } from './context.js';
import { planFor } from './obtain-session.js';

export function explainCommand(
  profile: string,
  options: CredentialOptions & { json?: boolean },
  context: CommandContext,
): void {
  const config = loadConfig(context.env);
  const plan = planFor(profile, options, context, config);
  const server = execServerDefault(config.profiles.get(profile), context.env);
  const encrypted = cacheEncryptedWithKeystore(context.env);
  if (options.json) {
    const document = { ...(planToJson(plan) as Record<string, unknown>), ...(server && { execServer: server }), ...(encrypted && { cache: { encrypted: true, awsCliShared: false } }) };
    context.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
    return;
  }
  let text = describePlan(plan);
  if (server) {
    const how = server.enabled
      ? `through a local credentials server (--server), renewed when less than ${SDK_REFRESH_WINDOW_SECONDS / 60} min remain`
      : 'with keys in the environment (--no-server)';
    text += `  exec ${how}  (${server.source})\n`;
  }
  if (encrypted) text += `  cache encrypted with a key in awsrole's keystore; the AWS CLI's cache is not shared  (${CACHE_ENCRYPT_VARIABLE}=keystore)\n`;
  context.stdout.write(text);
}
