import type { SourceStep } from '../plan/types.js';
import { environmentCredentials } from './environment.js';
import { staticKeysCredentials } from './static-keys.js';
import type { SourceContext, SourceResult } from './types.js';

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
    case 'instance-metadata':
      return (await import('./instance-metadata.js')).instanceMetadataCredentials(step, context);
    case 'container':
      return (await import('./container.js')).containerCredentials(step, context);
    case 'sso':
      return (await import('./sso.js')).ssoCredentials(step, context);
  }
}
