import type { LoadedConfig, Profile } from '../config/types.js';
import { envFlag, type Env } from '../environment/env.js';
import { ConfigError } from '../errors/errors.js';
import { usersOwnRegion } from './hand-on-region.js';
import type { Planned, StsTarget } from './types.js';
import { describeSource, fromSetting } from './where.js';

// Regions that botocore's `sts_regional_endpoints = legacy` still sends to the global endpoint.
const LEGACY_GLOBAL_REGIONS = new Set([
  'ap-northeast-1', 'ap-south-1', 'ap-southeast-1', 'ap-southeast-2', 'aws-global',
  'ca-central-1', 'eu-central-1', 'eu-north-1', 'eu-west-1', 'eu-west-2', 'eu-west-3',
  'sa-east-1', 'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2',
]);
const GLOBAL_ENDPOINT = 'https://sts.amazonaws.com';
// Without a region, STS's global endpoint signs as us-east-1.
const GLOBAL_SIGNING_REGION = 'us-east-1';

/**
 * The region of the STS calls, by botocore's rule for the session region: `--region`, then the
 * environment (AWS_REGION, then AWS_DEFAULT_REGION, as the AWS CLI v2 reads them), then the
 * profile's `region`. The environment is the user's own: after a `use`, the region variables as
 * they were before it (src/environment/user-region.ts), so a region set for an earlier profile never steers
 * a later call. (The region handed on to the shell is another rule: hand-on-region.ts.)
 */
export function resolveRegion(top: Profile, env: Env, flag?: string): Planned<string> | undefined {
  if (flag) return { value: flag, source: { kind: 'flag', flag: '--region' } };
  const users = usersOwnRegion(env);
  if (users) return users;
  const own = top.settings.get('region');
  return own?.value ? fromSetting(own) : undefined;
}

/**
 * Where STS calls go, in botocore's order: AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL, the profile's
 * `services` section (`sts =` / `endpoint_url =`), the profile's `endpoint_url`; none of them
 * when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS (or `ignore_configured_endpoint_urls`) is true.
 * Otherwise the regional endpoint (FIPS when asked), or the global one without a region.
 */
export function resolveStsTarget(
  config: LoadedConfig,
  top: Profile,
  env: Env,
  region: Planned<string> | undefined,
): StsTarget {
  const signingRegion: Planned<string> =
    region ?? { value: GLOBAL_SIGNING_REGION, source: { kind: 'default', reason: 'no region configured' } };
  const custom = configuredEndpoint(config, top, env);
  if (custom) {
    checkUrl(top.name, custom);
    return { region: signingRegion, endpoint: custom };
  }
  if (!region) {
    return {
      region: signingRegion,
      endpoint: { value: GLOBAL_ENDPOINT, source: { kind: 'default', reason: 'global endpoint: no region configured' } },
    };
  }
  const fips = envFlag(env, 'AWS_USE_FIPS_ENDPOINT') || settingIsTrue(top, 'use_fips_endpoint');
  const legacy = (env.AWS_STS_REGIONAL_ENDPOINTS ?? top.settings.get('sts_regional_endpoints')?.value) === 'legacy';
  if (legacy && !fips && LEGACY_GLOBAL_REGIONS.has(region.value)) {
    return {
      region: signingRegion,
      endpoint: { value: GLOBAL_ENDPOINT, source: { kind: 'default', reason: 'sts_regional_endpoints = legacy' } },
    };
  }
  const host = `sts${fips ? '-fips' : ''}.${region.value}.${dnsSuffix(region.value)}`;
  return {
    region: signingRegion,
    endpoint: {
      value: `https://${host}`,
      source: { kind: 'default', reason: `${fips ? 'FIPS ' : ''}regional endpoint for ${region.value}` },
    },
  };
}

/** A service as botocore's configured-endpoint rules name it: `AWS_ENDPOINT_URL_<ID>` and its key in a `services` section. */
export interface EndpointService {
  variable: string;
  servicesKey: string;
}

const STS_SERVICE: EndpointService = { variable: 'AWS_ENDPOINT_URL_STS', servicesKey: 'sts' };

/** The endpoint the user configured for a service (see resolveStsTarget for the order), if any. */
export function configuredEndpoint(config: LoadedConfig, top: Profile, env: Env, service: EndpointService = STS_SERVICE): Planned<string> | undefined {
  if (envFlag(env, 'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS') || settingIsTrue(top, 'ignore_configured_endpoint_urls')) {
    return undefined;
  }
  for (const variable of [service.variable, 'AWS_ENDPOINT_URL']) {
    const value = env[variable];
    if (value) return { value, source: { kind: 'env', variable } };
  }
  const servicesName = top.settings.get('services')?.value;
  const stsBlock = servicesName ? config.services.get(servicesName)?.settings.get(service.servicesKey) : undefined;
  const fromServices = stsBlock?.nested?.get('endpoint_url');
  if (fromServices?.value) return fromSetting(fromServices);
  const own = top.settings.get('endpoint_url');
  if (own?.value) return fromSetting(own);
  return undefined;
}

export function settingIsTrue(profile: Profile, key: string): boolean {
  return profile.settings.get(key)?.value.trim().toLowerCase() === 'true';
}

function dnsSuffix(region: string): string {
  return region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
}

function checkUrl(profile: string, endpoint: Planned<string>): void {
  let url: URL | undefined;
  try {
    url = new URL(endpoint.value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    throw new ConfigError(
      `profile "${profile}": STS endpoint "${endpoint.value}" is not an http(s) URL (${describeSource(endpoint.source)})`,
    );
  }
}
