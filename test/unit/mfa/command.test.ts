// The code command runs for real (sh, node), without a shell of ours in between.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { AwsroleError, ExitCode } from '../../../src/errors/errors.js';
import { runMfaCommand } from '../../../src/mfa/command.js';

function collector(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { stream, text: () => text };
}

async function run(command: string, timeoutMs?: number) {
  const stderr = collector();
  const where = '--mfa-command';
  const started = Date.now();
  try {
    const code = await runMfaCommand({ command, where }, { env: process.env, stderr: stderr.stream, timeoutMs });
    return { code, stderr: stderr.text(), ms: Date.now() - started };
  } catch (error) {
    expect(error).toBeInstanceOf(AwsroleError);
    const { message, hint, exitCode } = error as AwsroleError;
    return { error: { message, hint, exitCode }, stderr: stderr.text(), ms: Date.now() - started };
  }
}

describe(runMfaCommand.name, () => {
  it('returns the trimmed stdout and passes stderr through', async () => {
    const result = await run(`sh -c 'echo "Touch your YubiKey..." >&2; printf "  654321\\n\\n"'`);
    expect(result).toMatchObject({ code: '654321', stderr: 'Touch your YubiKey...\n' });
  });

  it('runs without a shell: quotes are split like shlex, $VARS are not expanded', async () => {
    const result = await run(`node -e "process.argv[1] === '\\$HOME x' && console.log('123456')" '$HOME x'`);
    expect(result.code).toBe('123456');
  });

  it('gives the command its environment', async () => {
    const stderr = collector();
    const code = await runMfaCommand(
      { command: `sh -c 'echo "$CODE"'`, where: '--mfa-command' },
      { env: { PATH: process.env.PATH, CODE: '111222' }, stderr: stderr.stream },
    );
    expect(code).toBe('111222');
  });

  it('a non-zero exit: names the command and where it was set, shows its stderr, never its stdout', async () => {
    const result = await run(`sh -c 'echo 987654; echo "not signed in" >&2; exit 3'`);
    expect(result.error).toMatchObject({ exitCode: ExitCode.usage, message: 'MFA command "sh" failed with exit code 3 (--mfa-command)' });
    expect(result.stderr).toBe('not signed in\n');
    expect(JSON.stringify(result.error)).not.toContain('987654');
  });

  it.each([
    ['seven digits', `echo 1234567`],
    ['letters', `echo abcdef`],
    ['a secret printed by mistake', `echo hunter2-secret-value`],
    ['nothing', `true`],
    ['two codes', `printf '123456\\n654321\\n'`],
    ['non-ASCII digits', `echo ١٢٣٤٥٦`],
  ])('output that is not 6 digits (%s): an error without the output', async (_, command) => {
    const result = await run(`sh -c "${command}"`);
    expect(result.error).toMatchObject({ exitCode: ExitCode.usage, message: 'MFA command "sh" did not print a 6-digit code (--mfa-command)' });
    expect(result.error?.hint).toContain('only the code');
    for (const secret of ['1234567', 'abcdef', 'hunter2', '654321', '١٢٣']) expect(JSON.stringify(result.error)).not.toContain(secret);
  });

  it('a long output is not kept and is not a code', async () => {
    const result = await run(`node -e "process.stdout.write('1'.repeat(100000))"`);
    expect(result.error?.message).toContain('did not print a 6-digit code');
  });

  it('a timeout stops the command and says how long it waited', async () => {
    const result = await run(`sleep 10`, 300);
    expect(result.error).toMatchObject({ exitCode: ExitCode.usage, message: 'MFA command "sleep" did not finish within 0.3 s (--mfa-command)' });
    expect(result.ms).toBeLessThan(3000);
  });

  it('a timeout does not wait for a grandchild that holds the pipe open', async () => {
    const result = await run(`sh -c 'sleep 5 & sleep 5'`, 300);
    expect(result.error?.message).toContain('did not finish within 0.3 s');
    expect(result.ms).toBeLessThan(3000);
  });

  it('a timeout does not wait for a command that ignores SIGTERM', async () => {
    const result = await run(`sh -c 'trap "" TERM; sleep 2'`, 300);
    expect(result.error?.message).toContain('did not finish within 0.3 s');
    expect(result.ms).toBeLessThan(1500);
  });

  it('a command that does not exist', async () => {
    const result = await run('awsrole-no-such-otp-tool --otp');
    expect(result.error).toMatchObject({ exitCode: ExitCode.usage, message: 'MFA command "awsrole-no-such-otp-tool" was not found (--mfa-command)' });
  });

  it('a command killed by a signal', async () => {
    const result = await run(`sh -c 'kill -9 $$'`);
    expect(result.error?.message).toBe('MFA command "sh" was killed by SIGKILL (--mfa-command)');
  });

  it.each([
    ['an unclosed quote', `op item get 'AWS`, 'MFA command cannot be split into arguments: no closing quotation (--mfa-command)'],
    ['a trailing backslash', `op \\`, 'MFA command cannot be split into arguments: no escaped character (--mfa-command)'],
    ['nothing', '   ', 'MFA command is empty (--mfa-command)'],
  ])('a command line with %s', async (_, command, message) => {
    const result = await run(command);
    expect(result.error).toMatchObject({ exitCode: ExitCode.usage, message });
  });
});
