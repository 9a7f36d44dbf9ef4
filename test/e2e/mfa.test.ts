// One MFA code for many roles, end to end. moto accepts the credentials its GetSessionToken
// returns only while authentication is off, so this file runs its own moto with it off.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AWSROLE_BIN, runAwsrole } from '../support/cli.js';
import { startMoto, type MotoServer } from '../support/moto.js';
import { shellQuote, waitFor } from '../support/shell.js';
import { createSandbox, type Sandbox } from '../support/sandbox.js';

const SERIAL = 'arn:aws:iam::123456789012:mfa/alice';
let moto: MotoServer;
let sandbox: Sandbox;
let env: Record<string, string>;

beforeAll(async () => {
  moto = await startMoto();
  const alice = await moto.createUser('alice');
  await moto.createRole('R1', { trust: [alice.arn] });
  await moto.createRole('R2', { trust: [alice.arn] });
  sandbox = createSandbox();
  sandbox.writeCredentials(`[base]\naws_access_key_id = ${alice.accessKeyId}\naws_secret_access_key = ${alice.secretAccessKey}\n`);
  sandbox.writeConfig(`[profile r1]
role_arn = arn:aws:iam::123456789012:role/R1
source_profile = base
mfa_serial = ${SERIAL}
duration_seconds = 7200

[profile r2]
role_arn = arn:aws:iam::123456789012:role/R2
source_profile = base
mfa_serial = ${SERIAL}
`);
  env = { ...sandbox.env(moto), USER: 'tester' };
});

afterAll(async () => {
  await moto?.stop();
  sandbox?.cleanup();
});

beforeEach(async () => {
  await runAwsrole(['cache', 'clear'], { env });
  await moto.startRecording();
});

/** Runs awsrole in a new session, so that it has no controlling terminal at all. */
function withoutTerminal(args: string[]) {
  return spawnSync('setsid', ['-w', process.execPath, AWSROLE_BIN, ...args], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

async function stsCalls() {
  return (await moto.recordedStsActions()).map((call) => ({ action: call.action, role: call.params.RoleArn?.split('/').pop(), serial: call.params.SerialNumber, code: call.params.TokenCode, duration: call.params.DurationSeconds }));
}

describe('one MFA code for every role that shares the device', () => {
  it('--mfa-code buys one MFA session; the second role needs no code and no terminal', async () => {
    const first = await runAwsrole(['use', 'r1', '--shell', 'bash', '--mfa-code', '123456'], { env });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const second = withoutTerminal(['use', 'r2', '--shell', 'bash']);
    expect(second.stderr).toBe('');
    expect(second.status).toBe(0);
    expect(second.stdout).toMatch(/^export AWS_SESSION_TOKEN='/m);
    expect(await stsCalls()).toEqual([
      { action: 'GetSessionToken', role: undefined, serial: SERIAL, code: '123456', duration: '129600' },
      // Assumed with the MFA session: no code of their own, and not capped at an hour.
      { action: 'AssumeRole', role: 'R1', serial: undefined, code: undefined, duration: '7200' },
      { action: 'AssumeRole', role: 'R2', serial: undefined, code: undefined, duration: undefined },
    ]);
  });

  it('with no code and no terminal, fails with exit 2 and says how to pass one', async () => {
    const result = withoutTerminal(['use', 'r1', '--shell', 'bash']);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('(exit 2)\n');
    expect(result.stderr).toMatch(/--mfa-code/);
    expect(result.stderr).toMatch(/mfa_process|--mfa-command/);
    expect(await stsCalls()).toEqual([]);
  });

  it('refuses a code that is not 6 digits before sending it', async () => {
    const result = await runAwsrole(['use', 'r1', '--shell', 'bash', '--mfa-code', '12345'], { env });
    expect(result.code).toBe(2);
    expect(result.stderr).not.toContain('12345');
    expect(await stsCalls()).toEqual([]);
  });

  it('takes the code from --mfa-command', async () => {
    const script = sandbox.writeFile('bin/otp', '#!/bin/sh\necho 246810\n', 0o755);
    const result = await runAwsrole(['use', 'r2', '--shell', 'bash', '--mfa-command', script], { env });
    expect(result.code).toBe(0);
    expect((await stsCalls())[0]).toMatchObject({ action: 'GetSessionToken', code: '246810' });
  });

  it('prompts on the terminal, without echo, and keeps stdout clean', async () => {
    const out = join(sandbox.home, 'use.out');
    const status = join(sandbox.home, 'use.status');
    const socket = `awsrole-mfa-${process.pid}`;
    const tmux = (...args: string[]) => spawnSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
    const envArgs = Object.entries(env).map(([k, v]) => `${k}=${shellQuote(v)}`).join(' ');
    const command = `env -i ${envArgs} ${shellQuote(process.execPath)} ${shellQuote(AWSROLE_BIN)} use r1 --shell bash > ${shellQuote(out)}; echo $? > ${shellQuote(status)}; sleep 30`;
    try {
      expect(tmux('new-session', '-d', '-x', '150', '-y', '20', '/bin/sh', '-c', command).status).toBe(0);
      await waitFor(() => tmux('capture-pane', '-p').stdout.includes(`Enter MFA code for ${SERIAL}:`));
      tmux('send-keys', '135791', 'Enter');
      await waitFor(() => existsSync(status) && readFileSync(status, 'utf8').trim() !== '');
      expect(readFileSync(status, 'utf8').trim()).toBe('0');
      expect(tmux('capture-pane', '-p').stdout).not.toContain('135791');
      const stdout = readFileSync(out, 'utf8');
      expect(stdout).not.toContain('MFA');
      expect(stdout).toMatch(/^export AWS_ACCESS_KEY_ID='/m);
      expect((await stsCalls())[0]).toMatchObject({ action: 'GetSessionToken', serial: SERIAL, code: '135791' });
    } finally {
      tmux('kill-server');
    }
  });
});

describe('renewing and clearing the MFA session', () => {
  it('--refresh-mfa asks for a new code and renews the MFA session and the role session', async () => {
    expect((await runAwsrole(['use', 'r1', '--shell', 'bash', '--mfa-code', '123456'], { env })).code).toBe(0);
    await moto.startRecording();
    const refreshed = await runAwsrole(['use', 'r1', '--shell', 'bash', '--refresh-mfa', '--mfa-code', '654321'], { env });
    expect(refreshed.stderr).toBe('');
    expect(refreshed.code).toBe(0);
    expect(await stsCalls()).toEqual([
      { action: 'GetSessionToken', role: undefined, serial: SERIAL, code: '654321', duration: '129600' },
      { action: 'AssumeRole', role: 'R1', serial: undefined, code: undefined, duration: '7200' },
    ]);
    // --refresh alone renews the role session with the MFA session it has: no code needed.
    await moto.startRecording();
    const again = withoutTerminal(['use', 'r1', '--shell', 'bash', '--refresh']);
    expect(again.status).toBe(0);
    expect((await stsCalls()).map((call) => call.action)).toEqual(['AssumeRole']);
  });

  it('cache clear <profile> removes the MFA session that serves it: the next use needs a code', async () => {
    expect((await runAwsrole(['use', 'r1', '--shell', 'bash', '--mfa-code', '123456'], { env })).code).toBe(0);
    const clear = await runAwsrole(['cache', 'clear', 'r2'], { env }); // r2 shares r1's device
    expect(clear.code).toBe(0);
    expect(clear.stderr).toBe('awsrole: removed 1 cached session\n');
    const after = withoutTerminal(['use', 'r2', '--shell', 'bash']);
    expect(after.status).toBe(2);
    expect(after.stderr).toMatch(/--mfa-code/);
  });
});
