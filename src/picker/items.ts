/**
 * The picker's rows for the profiles: kind and region, and for a profile that cannot give
 * credentials as configured (a missing source profile, a cycle, an invalid value …) why not —
 * found by resolving its plan, which reads only the files and calls nothing.
 */
import type { LoadedConfig } from '../config/types.js';
import type { Env } from '../environment/env.js';
import { AwsroleError } from '../errors/errors.js';
import { profileKind } from '../plan/kind.js';
import { resolvePlan } from '../plan/resolve.js';
import type { PickerItem } from './state.js';

export function pickerItems(config: LoadedConfig, names: readonly string[], env: Env, localUser: () => string): PickerItem[] {
  return names.map((name) => {
    const profile = config.profiles.get(name)!;
    const region = profile.settings.get('region')?.value;
    const item: PickerItem = { name, detail: [profileKind(profile), region].filter(Boolean).join('  ') };
    const problem = planProblem(config, name, env, localUser);
    if (problem) item.problem = problem;
    return item;
  });
}

/** Why the profile's plan cannot be made, without the `(file:line)` the full error adds. */
function planProblem(config: LoadedConfig, name: string, env: Env, localUser: () => string): string | undefined {
  try {
    resolvePlan({ config, env, localUser }, name);
    return undefined;
  } catch (error) {
    if (!(error instanceof AwsroleError)) throw error;
    return error.message.replace(/^profile "[^"]*": /, '').replace(/ \([^()]*\)$/, '');
  }
}
