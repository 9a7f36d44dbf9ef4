/**
 * The user's own region variables: AWS_REGION and AWS_DEFAULT_REGION as they were before awsrole
 * changed anything. `use` (and `exec`, and the env formats) remember them in one variable,
 * AWSROLE_USER_REGION, so that a later profile without a region gets the user's region back —
 * never the previous profile's — and `unset` restores them exactly.
 *
 * The value is JSON with the variables the user had, set or empty, by name:
 * `{"AWS_REGION":"us-east-1"}`; `{}` when the user had neither. Never empty, because PowerShell
 * and Windows remove a variable set to an empty string.
 */
import type { Env } from './env.js';

export const USER_REGION_VARIABLE = 'AWSROLE_USER_REGION';

export const REGION_VARIABLES = ['AWS_REGION', 'AWS_DEFAULT_REGION'] as const;

export type RegionVariable = (typeof REGION_VARIABLES)[number];

/** Each region variable the user had, with its value; a variable the user did not have is absent. */
export type RegionVariables = Readonly<Partial<Record<RegionVariable, string>>>;

/** What a session or plan knows of the user's own region. */
export interface UserRegion {
  readonly variables: RegionVariables;
  /**
   * True when the region handed on is the user's own (no `--region`, no profile region): the
   * variables are then set back exactly as they were, instead of both being set to one value.
   */
  readonly handedOn: boolean;
}

export function encodeUserRegion(variables: RegionVariables): string {
  const present = REGION_VARIABLES.filter((name) => variables[name] !== undefined).map((name) => [name, variables[name]]);
  return JSON.stringify(Object.fromEntries(present));
}

/** The variables remembered in AWSROLE_USER_REGION; undefined when it is unset or not ours. */
export function rememberedUserRegion(env: Env): RegionVariables | undefined {
  const raw = env[USER_REGION_VARIABLE];
  if (!raw) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const entries = Object.entries(parsed);
  const valid = entries.every(([name, value]) => (REGION_VARIABLES as readonly string[]).includes(name) && typeof value === 'string');
  return valid ? (Object.fromEntries(entries) as RegionVariables) : undefined;
}

/**
 * The user's own region variables: those remembered by an earlier `use`, else the ones in the
 * environment now (no `use` has changed them yet).
 */
export function userRegionVariables(env: Env): RegionVariables {
  const remembered = rememberedUserRegion(env);
  if (remembered) return remembered;
  const current: Partial<Record<RegionVariable, string>> = {};
  for (const name of REGION_VARIABLES) if (env[name] !== undefined) current[name] = env[name];
  return current;
}

/** The region those variables give, in the AWS CLI v2's order: AWS_REGION, then AWS_DEFAULT_REGION. */
export function regionOf(variables: RegionVariables): { variable: RegionVariable; value: string } | undefined {
  const variable = REGION_VARIABLES.find((name) => variables[name]);
  return variable ? { variable, value: variables[variable]! } : undefined;
}
