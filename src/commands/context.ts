import type { Env } from '../environment/env.js';
import type { OutputStream } from '../terminal/standard-output.js';

/** What every command receives from the CLI layer: the environment and the two streams. */
export interface CommandContext {
  env: Env;
  /** awsrole's stdout (terminal/standard-output.ts), which only `eval`, parsers and SDKs read. */
  stdout: OutputStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  /** Writes a line to stderr under --debug; never given a secret. */
  debug: (message: string) => void;
  /** Writes a line for people to stderr unless --quiet. */
  info: (message: string) => void;
  /** A warning for people on stderr unless --quiet. */
  warn: (message: string) => void;
}

/** Flags shared by the commands that obtain credentials. */
export interface CredentialOptions {
  region?: string;
  duration?: string;
  sessionName?: string;
  externalId?: string;
  mfaCode?: string;
  mfaCommand?: string;
  /** MFA session length: --mfa-duration. */
  mfaDuration?: string;
  /** false with --no-cache. */
  cache?: boolean;
  /** false with --no-cli-cache. */
  cliCache?: boolean;
  refresh?: boolean;
  /** --refresh-mfa: a new MFA session (and new role sessions) even if the cached ones are valid. */
  refreshMfa?: boolean;
  minTtl?: string;
}
