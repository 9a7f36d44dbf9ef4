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
  const plan = planFor(profile, options, context);
  const server = execServerDefault(loadConfig(context.env).profiles.get(profile), context.env);
  if (options.json) {
    const document = { ...(planToJson(plan) as Record<string, unknown>), ...(server && { execServer: server }) };
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
  context.stdout.write(text);
}
