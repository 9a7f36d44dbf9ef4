// A temporary HOME per test, with the two AWS files inside it, and a child-process environment
// built from nothing: a developer's own ~/.aws, AWS_PROFILE or keys can never leak into a test.

import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface Sandbox {
  /** The temp directory, used as HOME. */
  readonly home: string;
  /** `<home>/.aws/config` (AWS_CONFIG_FILE); not created until writeConfig. */
  readonly configPath: string;
  /** `<home>/.aws/credentials` (AWS_SHARED_CREDENTIALS_FILE); not created until writeCredentials. */
  readonly credentialsPath: string;
  writeConfig(text: string): void;
  writeCredentials(text: string): void;
  /** Writes any file under home (e.g. a token file or a credential_process script); returns its path. */
  writeFile(relativePath: string, text: string, mode?: number): string;
  /**
   * A complete environment for a child process: PATH from the real environment, HOME,
   * AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE, AWS_EC2_METADATA_DISABLED=true,
   * AWS_ENDPOINT_URL_STS when given a moto server (here or to createSandbox) — and nothing else.
   * `extra` is applied last; an `undefined` value removes a variable.
   *   sandbox.env()  ·  sandbox.env({ AWS_PROFILE: 'x' })  ·  sandbox.env(moto)  ·  sandbox.env(moto, { … })
   */
  env(extra?: EnvExtra): Record<string, string>;
  env(moto: MotoEndpoint, extra?: EnvExtra): Record<string, string>;
  /** Removes the directory. */
  cleanup(): void;
}

/** A MotoServer, or anything with its `endpoint`. */
export interface MotoEndpoint {
  readonly endpoint: string;
}

export type EnvExtra = Record<string, string | undefined>;

export function createSandbox(options: { moto?: MotoEndpoint } = {}): Sandbox {
  const home = mkdtempSync(join(tmpdir(), 'awsrole-home-'));
  const awsDir = join(home, '.aws');
  mkdirSync(awsDir, { mode: 0o700 });
  const configPath = join(awsDir, 'config');
  const credentialsPath = join(awsDir, 'credentials');

  return {
    home,
    configPath,
    credentialsPath,
    writeConfig(text) {
      writeFileSync(configPath, text);
    },
    writeCredentials(text) {
      writeFileSync(credentialsPath, text, { mode: 0o600 });
    },
    writeFile(relativePath, text, mode) {
      const path = join(home, relativePath);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
      if (mode !== undefined) chmodSync(path, mode);
      return path;
    },
    env(first?: MotoEndpoint | EnvExtra, second?: EnvExtra) {
      // Environment variable names are never lower-case `endpoint`, so this tells the two apart.
      const moto = isMotoEndpoint(first) ? first : options.moto;
      const extra = (isMotoEndpoint(first) ? second : first) ?? {};
      const env: Record<string, string | undefined> = {
        PATH: process.env['PATH'] ?? '/usr/bin:/bin',
        HOME: home,
        AWS_CONFIG_FILE: configPath,
        AWS_SHARED_CREDENTIALS_FILE: credentialsPath,
        AWS_EC2_METADATA_DISABLED: 'true',
        ...(moto ? { AWS_ENDPOINT_URL_STS: moto.endpoint } : {}),
        ...extra,
      };
      return Object.fromEntries(
        Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined),
      );
    },
    cleanup() {
      rmSync(home, { recursive: true, force: true });
    },
  };
}

function isMotoEndpoint(value: MotoEndpoint | EnvExtra | undefined): value is MotoEndpoint {
  return value !== undefined && typeof (value as { endpoint?: unknown }).endpoint === 'string';
}
