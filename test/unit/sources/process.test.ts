// The helpers run for real: small scripts written to a temp dir, started without a shell.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsroleError, ExitCode } from '../../../src/errors/errors.js';
import type { ProcessStep } from '../../../src/plan/types.js';
import { processCredentials } from '../../../src/sources/process.js';
import type { SourceContext } from '../../../src/sources/types.js';
import { readProcessFacts } from '../../../src/process/linux-proc.js';
import { waitFor } from '../../support/shell.js';

const NOW = new Date('2026-06-01T12:00:00Z');
const SECRET = 'wJalrXUtnFEMI-process-secret';
const TOKEN = 'IQoJb3JpZ2luX2VjEXAMPLETOKEN';
const KEY_ID = 'ASIAPROCESSEXAMPLE01';

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'awsrole-process-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A `#!/bin/sh` helper in the temp dir (under `subdir`, which may hold spaces); returns its path. */
function helper(name: string, body: string, subdir = ''): string {
  const folder = join(dir, subdir);
  mkdirSync(folder, { recursive: true });
  const path = join(folder, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

/** A helper that prints `json` (any text) on stdout. */
function printing(name: string, json: unknown): string {
  const text = typeof json === 'string' ? json : JSON.stringify(json);
  return helper(name, `cat <<'EOF'\n${text}\nEOF`);
}

function step(command: string): ProcessStep {
  return { kind: 'process', profile: 'tool', command: { value: command, source: { kind: 'file', origin: { file: '/home/u/.aws/config', line: 7 } } } };
}

function context(env: Record<string, string | undefined> = {}) {
  const stderr = new PassThrough();
  let stderrText = '';
  stderr.on('data', (chunk: Buffer) => (stderrText += chunk.toString()));
  const debug: string[] = [];
  const ctx: SourceContext = {
    env: { PATH: process.env.PATH, ...env },
    now: () => NOW,
    sts: () => {
      throw new Error('credential_process makes no STS call');
    },
    debug: (message) => debug.push(message),
    stderr,
  };
  return { ctx, stderr: () => stderrText, debug };
}

async function failure(command: string, timeoutMs?: number) {
  const { ctx, stderr, debug } = context();
  try {
    await processCredentials(step(command), ctx, timeoutMs === undefined ? {} : { timeoutMs });
  } catch (error) {
    expect(error).toBeInstanceOf(AwsroleError);
    const { message, hint, exitCode } = error as AwsroleError;
    return { message, hint, exitCode, stderr: stderr(), debug };
  }
  throw new Error(`${command} did not fail`);
}

const GOOD = { Version: 1, AccessKeyId: KEY_ID, SecretAccessKey: SECRET, SessionToken: TOKEN, Expiration: '2026-06-01T13:00:00Z' };
const WHERE = '(profile "tool", /home/u/.aws/config:7)';

describe(processCredentials.name, () => {
  it('reads the credentials, with a session token and an expiration', async () => {
    const { ctx, debug } = context();
    const result = await processCredentials(step(printing('good', GOOD)), ctx);
    expect(result).toEqual({
      credentials: { accessKeyId: KEY_ID, secretAccessKey: SECRET, sessionToken: TOKEN, expiration: new Date('2026-06-01T13:00:00Z') },
      identity: `keys:${KEY_ID}`,
      caller: 'credential_process of profile "tool" (ASIA…LE01)',
    });
    expect(debug.join('\n')).not.toContain(SECRET);
    expect(debug.join('\n')).not.toContain(KEY_ID);
  });

  it('long-term keys: no SessionToken, no Expiration (never expires)', async () => {
    const { ctx } = context();
    const result = await processCredentials(step(printing('keys', { Version: 1, AccessKeyId: 'AKIAPROCESSEXAMPLE02', SecretAccessKey: SECRET })), ctx);
    expect(result.credentials).toEqual({ accessKeyId: 'AKIAPROCESSEXAMPLE02', secretAccessKey: SECRET });
    expect(result.identity).toBe('keys:AKIAPROCESSEXAMPLE02');
  });

  it.each([
    ['+00:00', '2026-06-01T13:00:00+00:00', '2026-06-01T13:00:00.000Z'],
    ['a fraction', '2026-06-01T13:00:00.123456Z', '2026-06-01T13:00:00.123Z'],
    ['another offset', '2026-06-01T15:00:00+02:00', '2026-06-01T13:00:00.000Z'],
    ['UTC', '2026-06-01T13:00:00UTC', '2026-06-01T13:00:00.000Z'],
  ])('Expiration with %s', async (_, written, expected) => {
    const { ctx } = context();
    const result = await processCredentials(step(printing(`exp-${_.replace(/\W/g, '')}`, { ...GOOD, Expiration: written })), ctx);
    expect(result.credentials.expiration?.toISOString()).toBe(expected);
  });

  it('null or empty optional fields mean none', async () => {
    const { ctx } = context();
    const result = await processCredentials(step(printing('nulls', { Version: 1, AccessKeyId: KEY_ID, SecretAccessKey: SECRET, SessionToken: null, Expiration: '' })), ctx);
    expect(result.credentials).toEqual({ accessKeyId: KEY_ID, secretAccessKey: SECRET });
  });

  it('passes the helper its stderr, and the environment it is given', async () => {
    const path = helper('env', `echo "Opening the browser to log in..." >&2\nprintf '{"Version": 1, "AccessKeyId": "%s", "SecretAccessKey": "s"}' "$HELPER_KEY"`);
    const { ctx, stderr } = context({ HELPER_KEY: 'AKIAFROMTHEENV000001' });
    const result = await processCredentials(step(path), ctx);
    expect(result.credentials.accessKeyId).toBe('AKIAFROMTHEENV000001');
    expect(stderr()).toBe('Opening the browser to log in...\n');
  });

  it('splits the command line like shlex: a quoted path with spaces, quoted arguments', async () => {
    const path = helper('echo key', `printf '{"Version": 1, "AccessKeyId": "%s", "SecretAccessKey": "%s"}' "$1" "$2"`, 'my tools');
    const { ctx } = context();
    const result = await processCredentials(step(`"${path}" 'AKIA QUOTED' two\\ words`), ctx);
    expect(result.credentials).toEqual({ accessKeyId: 'AKIA QUOTED', secretAccessKey: 'two words' });
  });

  it('runs without a shell: $HOME, globs and ; stay literal', async () => {
    const path = helper('argv', `printf '{"Version": 1, "AccessKeyId": "%s", "SecretAccessKey": "%s"}' "$1" "$2"`);
    const { ctx } = context({ HOME: '/home/someone' });
    const result = await processCredentials(step(`${path} $HOME *;echo`), ctx);
    expect(result.credentials).toEqual({ accessKeyId: '$HOME', secretAccessKey: '*;echo' });
  });

  describe('output that breaks the protocol: exit 3, the hint shows the shape, the output is never repeated', () => {
    const { Version: _, ...noVersion } = GOOD;
    const { AccessKeyId: _a, ...noKeyId } = GOOD;
    const { SecretAccessKey: _s, ...noSecret } = GOOD;
    it.each([
      ['Version 2', { ...GOOD, Version: 2 }, 'printed "Version": 2; awsrole supports only version 1'],
      ['Version "1" (a string)', { ...GOOD, Version: '1' }, 'printed "Version" as a string; it must be the number 1'],
      ['no Version', noVersion, 'printed no "Version"; it must be the number 1'],
      ['no AccessKeyId', noKeyId, 'printed no "AccessKeyId"'],
      ['no SecretAccessKey', noSecret, 'printed no "SecretAccessKey"'],
      ['an empty AccessKeyId', { ...GOOD, AccessKeyId: '' }, 'printed an empty "AccessKeyId"'],
      ['a numeric SecretAccessKey', { ...GOOD, SecretAccessKey: 12345 }, 'printed "SecretAccessKey" as a number; it must be a string'],
      ['a numeric SessionToken', { ...GOOD, SessionToken: 42 }, 'printed "SessionToken" as a number; it must be a string'],
      ['an Expiration without a zone', { ...GOOD, Expiration: '2026-06-01T13:00:00' }, 'printed an "Expiration" that is not an ISO 8601 time with a zone, like 2026-11-28T10:00:00Z'],
      ['an Expiration that is not a time', { ...GOOD, Expiration: `tomorrow ${SECRET}` }, 'printed an "Expiration" that is not an ISO 8601 time with a zone, like 2026-11-28T10:00:00Z'],
      ['not JSON', `AccessKeyId=${KEY_ID} SecretAccessKey=${SECRET}`, 'did not print JSON on stdout'],
      ['a JSON array', JSON.stringify([GOOD]), 'did not print a JSON object'],
      ['nothing', '', 'printed nothing on stdout'],
    ])('%s', async (label, output, what) => {
      const path = printing(`bad-${label.replace(/\W/g, '-')}`, output);
      const result = await failure(path);
      expect(result).toMatchObject({ exitCode: ExitCode.config, message: `credential_process "${path}" ${what} ${WHERE}` });
      expect(result.hint).toContain('"Version": 1');
      const shown = JSON.stringify(result);
      for (const secret of [SECRET, TOKEN, KEY_ID]) expect(shown).not.toContain(secret);
    });
  });

  it('a non-zero exit: exit 1, its stderr on ours, its stdout nowhere', async () => {
    const path = helper('fails', `echo '${JSON.stringify(GOOD)}'\necho "error: not logged in, run tool login" >&2\nexit 3`);
    const result = await failure(path);
    expect(result).toMatchObject({ exitCode: ExitCode.awsRefused, message: `credential_process "${path}" failed with exit code 3 ${WHERE}`, hint: 'its own messages, if any, are above' });
    expect(result.stderr).toBe('error: not logged in, run tool login\n');
    for (const secret of [SECRET, TOKEN, KEY_ID]) expect(JSON.stringify(result)).not.toContain(secret);
  });

  it('killed by a signal: exit 1', async () => {
    const path = helper('killed', 'kill -9 $$');
    expect(await failure(path)).toMatchObject({ exitCode: ExitCode.awsRefused, message: `credential_process "${path}" was killed by SIGKILL ${WHERE}` });
  });

  it('credentials that have already expired: exit 4 (refused, not printed), with the time', async () => {
    const path = printing('expired', { ...GOOD, Expiration: '2026-06-01T11:59:59Z' });
    const result = await failure(path);
    expect(result).toMatchObject({ exitCode: ExitCode.awsRefused, message: `credential_process "${path}" returned credentials that expired at 2026-06-01T11:59:59Z ${WHERE}` });
    expect(JSON.stringify(result)).not.toContain(SECRET);
  });

  it('a program that does not exist: exit 3, with a hint about PATH', async () => {
    const result = await failure('no-such-helper-awsrole --token sekrit-arg');
    expect(result).toMatchObject({ exitCode: ExitCode.config, message: `credential_process "no-such-helper-awsrole" was not found ${WHERE}` });
    expect(result.hint).toContain('without a shell');
    expect(JSON.stringify(result)).not.toContain('sekrit-arg');
  });

  it('a file that is not executable: exit 3', async () => {
    const path = join(dir, 'not-executable');
    writeFileSync(path, '#!/bin/sh\n', { mode: 0o644 });
    expect(await failure(path)).toMatchObject({ exitCode: ExitCode.config, message: `credential_process "${path}" could not be run: EACCES ${WHERE}` });
  });

  it.each([
    ['an unclosed quote', `helper 'unclosed`, 'credential_process cannot be split into arguments: no closing quotation'],
    ['a trailing backslash', 'helper \\', 'credential_process cannot be split into arguments: no escaped character'],
    ['only spaces', '   ', 'credential_process is empty'],
  ])('a command line with %s: exit 3', async (_, command, message) => {
    expect(await failure(command)).toMatchObject({ exitCode: ExitCode.config, message: `${message} ${WHERE}` });
  });

  it('a helper that hangs is stopped after the timeout: exit 1', async () => {
    const path = helper('hangs', 'exec sleep 30');
    const started = Date.now();
    const result = await failure(path, 300);
    expect(result).toMatchObject({ exitCode: ExitCode.awsUnreachable, message: `credential_process "${path}" did not finish within 0.3 s ${WHERE}` });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('a timeout does not wait for a grandchild that holds the pipe open', async () => {
    const path = helper('grandchild', 'sleep 3 &\nexec sleep 3');
    const started = Date.now();
    const result = await failure(path, 300);
    expect(result.message).toContain('did not finish within 0.3 s');
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('a timeout stops the helper\'s own children too', async () => {
    const pidFile = join(dir, 'grandchild.pid');
    const path = helper('parent', `sleep 30 &\necho $! > '${pidFile}'\nwait`);
    const result = await failure(path, 300);
    expect(result.message).toContain('did not finish within 0.3 s');
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    // Gone, or a zombie waiting for init to reap it.
    await waitFor(() => [undefined, 'Z'].includes(readProcessFacts(grandchild)?.state), 5000);
  });

  it('output over 1 MiB is refused, not kept', async () => {
    const path = helper('huge', `head -c 2000000 /dev/zero | tr '\\0' x`);
    expect(await failure(path)).toMatchObject({ exitCode: ExitCode.config, message: `credential_process "${path}" printed more than 1048576 bytes ${WHERE}` });
  });
});
