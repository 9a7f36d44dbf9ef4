/** Shared fixtures and process helpers for the output tests (no I/O at import time). */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Session } from '../../../src/run/credentials.js';

/** An assumed role: token, expiry (with milliseconds, which must be cut), region, role ARN. */
export const roleSession: Session = {
  profile: 'prod-admin',
  credentials: {
    accessKeyId: 'ASIAEXAMPLEKEY123456',
    secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    sessionToken: 'FwoGZXIvYXdzEJr//////////wEaDH+tok=',
    expiration: new Date('2026-11-28T10:00:00.750Z'),
  },
  region: 'eu-west-1',
  roleArn: 'arn:aws:iam::123456789012:role/admin',
};

/** Long-term keys: no token, no expiry, no region, no role. */
export const staticSession: Session = {
  profile: 'dev',
  credentials: {
    accessKeyId: 'AKIAEXAMPLEKEY654321',
    secretAccessKey: 'static/Secret+Key=',
  },
};

/** A session token with an expiry but no known region (an MFA session, say). */
export const noRegionSession: Session = {
  profile: 'mfa',
  credentials: {
    accessKeyId: 'ASIAMFAKEY',
    secretAccessKey: 'mfaSecret',
    sessionToken: 'mfaToken',
    expiration: new Date('2030-01-02T03:04:05Z'),
  },
};

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a program directly (no shell in between) with exactly `env`, with `input` on stdin.
 * stdin is a regular file rather than Node's stdin pipe: libuv's pipe is a socket, which fish
 * 3.6 refuses to read a script from ("Unable to read input file").
 */
export function run(command: string, args: readonly string[], env: Record<string, string>, input = ''): RunResult {
  const dir = tempDir('stdin');
  const path = join(dir, 'input');
  writeFileSync(path, input);
  const fd = openSync(path, 'r');
  try {
    const result = spawnSync(command, args, {
      env,
      stdio: [fd, 'pipe', 'pipe'],
      encoding: 'utf8',
      timeout: 20_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    if (result.error) throw result.error;
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  } finally {
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  }
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `awsrole-${prefix}-`));
}

/** Whether `python3` can import a module (the tests that need it say so when it cannot). */
export function pythonHas(module: string): boolean {
  const result = spawnSync('python3', ['-c', `import ${module}`], { encoding: 'utf8' });
  return result.status === 0;
}

/**
 * An environment for Python that cannot see the developer's AWS files or reach instance
 * metadata: HOME, AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE all point into `dir`.
 */
export function isolatedAwsEnv(dir: string, files: { config: string; credentials: string }): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: dir,
    LANG: 'C.UTF-8',
    AWS_CONFIG_FILE: files.config,
    AWS_SHARED_CREDENTIALS_FILE: files.credentials,
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}
