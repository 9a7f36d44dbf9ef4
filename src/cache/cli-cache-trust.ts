/**
 * When a hop may use the AWS CLI's cache. That cache's key (keys.ts: awsCliArgs) holds the role and
 * the role's own settings, but not who is asking, nor the STS endpoint or region: two profiles
 * that reach the same role_arn through different source profiles share one key, and the session
 * one of them obtained would be handed to the other (issue 9 §4: `bob-admin` got alice's
 * `prod-admin` session). So an entry there is used, and written, only when every profile in the
 * user's files that assumes the role does so through the same chain, and when the hop asks what
 * the AWS CLI would ask for that profile (no command-line flag changed it).
 */
import type { AssumeRoleStep, Plan, Step } from '../plan/types.js';
import { awsCliArgs } from './keys.js';
import type { AwsCliCacheArgs } from './aws-cli-cache.js';

/** How a hop may share the AWS CLI's cache. */
export interface AwsCliShare {
  /** The arguments of the AWS CLI's key, or why this hop does not share that cache at all. */
  args: AwsCliCacheArgs | { refused: string };
  /**
   * Why an entry under these arguments could have been made through another chain; undefined when
   * only this hop's chain could have made it. Costs resolving every profile: asked only when needed.
   */
  ambiguity: () => string | undefined;
}

/** Role ARN → each chain that reaches it (its signature) → the profiles whose plans take that chain. */
export type RoleChains = Map<string, Map<string, string[]>>;

/**
 * Who calls a hop, without secrets: the steps before it, each by what decides its identity. Profile
 * names, file lines and STS endpoints are left out: two profiles with the same source keys and the
 * same roles before this hop are the same caller.
 */
export function chainSignature(steps: readonly Step[], hopIndex: number): string {
  return JSON.stringify(steps.slice(0, hopIndex).map(callerOf));
}

function callerOf(step: Step): unknown[] {
  switch (step.kind) {
    case 'static-keys':
      return ['keys', step.accessKeyId.value];
    case 'environment':
    case 'instance-metadata':
    case 'container':
      return [step.kind];
    case 'process':
      return ['process', step.command.value];
    case 'keystore':
      return ['keystore', step.entry.value];
    case 'sso':
      return ['sso', step.startUrl.value, step.accountId.value, step.roleName.value];
    case 'web-identity':
      return ['web-identity', step.roleArn.value, step.tokenFile.value];
    case 'login-session':
      return ['login-session', step.session.value];
    case 'assume-role':
      return ['role', step.roleArn.value, step.externalId?.value ?? null];
  }
}

/** Every hop of every plan, grouped by role and chain. */
export function roleChains(plans: Iterable<Plan>): RoleChains {
  const chains: RoleChains = new Map();
  for (const plan of plans) {
    plan.steps.forEach((step, index) => {
      if (step.kind !== 'assume-role' || index === 0) return;
      const byChain = chains.get(step.roleArn.value) ?? new Map<string, string[]>();
      chains.set(step.roleArn.value, byChain);
      const signature = chainSignature(plan.steps, index);
      const profiles = byChain.get(signature) ?? [];
      if (!profiles.includes(plan.profile)) profiles.push(plan.profile);
      byChain.set(signature, profiles);
    });
  }
  return chains;
}

const FLAGGED: Array<[keyof AssumeRoleStep, string]> = [
  ['sessionName', '--session-name'],
  ['externalId', '--external-id'],
  ['durationSeconds', '--duration'],
];

/** How the hop at `hopIndex` of `plan` may share the AWS CLI's cache; `chains` is asked lazily. */
export function awsCliShare(plan: Plan, hopIndex: number, chains: (() => RoleChains) | undefined): AwsCliShare {
  const step = plan.steps[hopIndex] as AssumeRoleStep;
  const flags = FLAGGED.filter(([name]) => (step[name] as { source?: { kind: string } } | undefined)?.source?.kind === 'flag').map(([, flag]) => flag);
  if (step.sts.region.source.kind === 'flag' || step.sts.endpoint.source.kind === 'flag') flags.push('--region');
  const args: AwsCliShare['args'] =
    flags.length > 0 ? { refused: `${flags.join(', ')} asks for another session than the AWS CLI would for this profile` } : awsCliArgs(step);
  return {
    args,
    ambiguity: () => {
      if (!chains) return 'the other profiles that assume this role are not known here';
      const byChain = chains().get(step.roleArn.value);
      const mine = chainSignature(plan.steps, hopIndex);
      if (byChain?.size === 1 && byChain.has(mine)) return undefined;
      const others = [...(byChain ?? new Map<string, string[]>()).entries()].filter(([signature]) => signature !== mine).flatMap(([, profiles]) => profiles);
      return (
        `profiles reach ${step.roleArn.value} from different sources (${[plan.profile, ...others].slice(0, 6).join(', ')}), ` +
        "and the AWS CLI's cache key does not say whose session an entry is"
      );
    },
  };
}
