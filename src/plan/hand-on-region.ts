import type { Profile } from '../config/types.js';
import type { Env } from '../environment/env.js';
import { USER_REGION_VARIABLE, regionOf, rememberedUserRegion, userRegionVariables, type UserRegion } from '../environment/user-region.js';
import type { Planned } from './types.js';
import { fromSetting } from './where.js';

/**
 * The region `use`, `exec` and the formats hand on — a switcher moves you to the profile's
 * region: `--region`; else the profile's own `region`, over any region in the environment; else
 * the user's own region from before awsrole changed anything (src/environment/user-region.ts), never one an
 * earlier `use` set for another profile. Not the region of the STS calls: that one keeps
 * botocore's rule (resolveRegion in sts-target.ts).
 */
export function handOnRegion(top: Profile, env: Env, flag?: string): { region?: Planned<string>; userRegion: UserRegion } {
  const variables = userRegionVariables(env);
  if (flag) return { region: { value: flag, source: { kind: 'flag', flag: '--region' } }, userRegion: { variables, handedOn: false } };
  const own = top.settings.get('region');
  if (own?.value) return { region: fromSetting(own), userRegion: { variables, handedOn: false } };
  const users = usersOwnRegion(env);
  return users ? { region: users, userRegion: { variables, handedOn: true } } : { userRegion: { variables, handedOn: true } };
}

/**
 * The region of the user's own variables (AWS_REGION, then AWS_DEFAULT_REGION): as they are, or
 * as an earlier `use` remembered them.
 */
export function usersOwnRegion(env: Env): Planned<string> | undefined {
  const users = regionOf(userRegionVariables(env));
  if (!users) return undefined;
  if (rememberedUserRegion(env) === undefined) return { value: users.value, source: { kind: 'env', variable: users.variable } };
  const reason = `your ${users.variable} from before the first awsrole use ($${USER_REGION_VARIABLE})`;
  return { value: users.value, source: { kind: 'default', reason } };
}
