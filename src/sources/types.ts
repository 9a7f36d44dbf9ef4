import type { Credentials } from '../run/credentials.js';
import type { Env } from '../environment/env.js';
import type { StsCaller } from '../sts/types.js';

/** What a credential source may touch; passed in so tests can point it at stand-ins. */
export interface SourceContext {
  env: Env;
  now: () => Date;
  /** The STS caller (loads the AWS SDK on first use). */
  sts: () => StsCaller;
  debug: (message: string) => void;
  /** Where people see messages (stderr), e.g. the helper's own stderr for credential_process. */
  stderr: NodeJS.WritableStream;
  /** Runs a request to AWS with a spinner on a terminal (src/output/spinner.ts); none when absent. */
  spin?: <T>(message: string, work: () => Promise<T>) => Promise<T>;
  /** Credentials must last more than this (--min-ttl); a source that can renew early does so. */
  minTtlSeconds?: number;
  /** A lock shared by awsrole processes (the session cache's), so that concurrent runs renew once; none with --no-cache. */
  cache?: { withLock<T>(key: string, fn: () => Promise<T>): Promise<T> };
}

/** What a source produces: credentials, and a stable name of who they are, for cache keys. */
export interface SourceResult {
  credentials: Credentials;
  /**
   * Stable across runs for the same principal, so hops after this source can be cached: e.g.
   * `keys:<access key id>` for long-term keys, `sso:<account>:<role>:<start url>` for SSO.
   */
  identity: string;
  /** Who is calling, for messages: an ARN when known, else a description without secrets. */
  caller: string;
}
