import { envFlag, type Env } from '../environment/env.js';
import { UsageError } from '../errors/errors.js';

/** Where one of the two IAM Identity Center services is reached, and why there. */
export interface SsoEndpoint {
  url: string;
  /** For --debug: `$AWS_ENDPOINT_URL_SSO`, or `default for eu-west-1`. */
  source: string;
}

/**
 * The SSO portal (GetRoleCredentials): botocore's service id `SSO`, so `AWS_ENDPOINT_URL_SSO`,
 * then `AWS_ENDPOINT_URL`, else `https://portal.sso.<region>.amazonaws.com`.
 */
export function portalEndpoint(env: Env, region: string): SsoEndpoint {
  return endpoint(env, 'AWS_ENDPOINT_URL_SSO', `https://portal.sso.${region}.${dnsSuffix(region)}`, region);
}

/**
 * SSO OIDC (RegisterClient, StartDeviceAuthorization, CreateToken): service id `SSO OIDC`, so
 * `AWS_ENDPOINT_URL_SSO_OIDC`, then `AWS_ENDPOINT_URL`, else `https://oidc.<region>.amazonaws.com`.
 */
export function oidcEndpoint(env: Env, region: string): SsoEndpoint {
  return endpoint(env, 'AWS_ENDPOINT_URL_SSO_OIDC', `https://oidc.${region}.${dnsSuffix(region)}`, region);
}

function endpoint(env: Env, variable: string, fallback: string, region: string): SsoEndpoint {
  // AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true turns every configured endpoint off, as in botocore.
  if (!envFlag(env, 'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS')) {
    for (const name of [variable, 'AWS_ENDPOINT_URL']) {
      const value = env[name]?.trim();
      if (value) return { url: value.replace(/\/+$/, ''), source: `$${name}` };
    }
  }
  return { url: fallback, source: `default for ${region}` };
}

/** The China regions live under amazonaws.com.cn; every other partition these services are in, amazonaws.com. */
function dnsSuffix(region: string): string {
  return region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
}

/** How long one request may take: AWSROLE_STS_TIMEOUT (seconds), which awsrole uses for every AWS call; default 10 s. */
export function requestTimeoutMs(env: Env): number {
  const raw = env.AWSROLE_STS_TIMEOUT;
  if (raw === undefined || raw === '') return 10_000;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new UsageError(`AWSROLE_STS_TIMEOUT must be a positive number of seconds, not "${raw}"`);
  }
  return seconds * 1000;
}
