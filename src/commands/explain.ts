import { describePlan, planToJson } from '../plan/describe.js';
import type { CommandContext, CredentialOptions } from './context.js';
import { planFor } from './obtain-session.js';

export function explainCommand(
  profile: string,
  options: CredentialOptions & { json?: boolean },
  context: CommandContext,
): void {
  const plan = planFor(profile, options, context);
  context.stdout.write(options.json ? `${JSON.stringify(planToJson(plan), null, 2)}\n` : describePlan(plan));
}
