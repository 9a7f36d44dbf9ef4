import type { SourceStep } from '../plan/types.js';
import { environmentCredentials } from './environment.js';
import { staticKeysCredentials } from './static-keys.js';
import type { SourceContext, SourceResult } from './types.js';

/**
 * Who a source's credentials belong to, when that is known without obtaining them: then the
 * cache can serve the hops after it and the source need not run at all (no web-identity call,
 * no SSO call). Stable from run to run; within a run it replaces the identity the source reports.
 */
export function knownIdentity(step: SourceStep, context: SourceContext): string | undefined {
  switch (step.kind) {
    case 'static-keys':
      return `keys:${step.accessKeyId.value}`;
    case 'environment':
      return context.env.AWS_ACCESS_KEY_ID ? `keys:${context.env.AWS_ACCESS_KEY_ID}` : undefined;
    case 'web-identity':
      return `web-identity:${step.roleArn.value}`;
    case 'keystore':
      // The entry, not the key id: a cached session then needs no unlock of the keystore. A
      // rotated key is the same IAM user, whose sessions stay valid.
      return `keystore:${step.entry.value}`;
    case 'sso':
      return `sso:${step.accountId.value}:${step.roleName.value}:${step.startUrl.value}`;
    case 'login-session':
      // The session name is the signed-in identity's ARN: every refresh is the same principal.
      return `login:${step.session.value}`;
    case 'container': {
      // The task's endpoint names the task role (botocore: the relative URI wins).
      const { AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: relative, AWS_CONTAINER_CREDENTIALS_FULL_URI: full } = context.env;
      return relative ? `container:relative:${relative}` : full ? `container:${full}` : undefined;
    }
    default:
      return undefined;
  }
}

/** Sources whose credentials are a role session: an AssumeRole made with them is role chaining. */
export function givesRoleSession(step: SourceStep): boolean {
  if (step.kind === 'login-session') return isRoleSessionArn(step.session.value);
  return step.kind === 'web-identity' || step.kind === 'sso' || step.kind === 'instance-metadata' || step.kind === 'container';
}

/**
 * The credentials a plan starts from. Keys and the environment need nothing more; every other
 * source is loaded only when a plan uses it, so the common paths stay light.
 */
export async function sourceCredentials(step: SourceStep, context: SourceContext): Promise<SourceResult> {
  switch (step.kind) {
    case 'static-keys':
      return staticKeysCredentials(step, context);
    case 'environment':
      return environmentCredentials(step, context);
    case 'web-identity':
      return (await import('./web-identity.js')).webIdentityCredentials(step, context);
    case 'process':
      return (await import('./process.js')).processCredentials(step, context);
    case 'keystore':
      return (await import('./keystore.js')).keystoreCredentials(step, context);
    case 'instance-metadata':
      return (await import('./instance-metadata.js')).instanceMetadataCredentials(step, context);
    case 'container':
      return (await import('./container.js')).containerCredentials(step, context);
    case 'sso':
      return (await import('./sso.js')).ssoCredentials(step, context);
    case 'login-session':
      return (await import('./login-session.js')).loginSessionCredentials(step, context);
  }
}

/**
 * `aws login` names the session after the signed-in identity (the `sub` of its ID token): an IAM
 * user's or root's ARN, or an assumed role's for a console reached through federation. Only the
 * last gives role-session credentials, with which an AssumeRole is role chaining.
 */
function isRoleSessionArn(arn: string): boolean {
  return /^arn:[^:]+:sts::\d*:assumed-role\//.test(arn);
}
