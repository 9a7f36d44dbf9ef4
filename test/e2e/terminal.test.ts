// What a person at a terminal sees, and what a script reading a pipe gets: `list` coloured only
// on a terminal, and the spinner on stderr while STS is slow — drawn in a real interactive bash
// in tmux, never in piped output. A loopback stand-in plays the slow STS; no moto needed.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runAwsrole } from '../support/cli.js';
import { createSandbox, type Sandbox } from '../support/sandbox.js';
import { shellQuote, waitFor } from '../support/shell.js';
import { startPane, type Pane } from '../support/tmux.js';

const ESC = '\x1b';
const STS_DELAY_MS = 1500;
const SPINNER = /awsrole: [⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏|/\\-] assuming arn:aws:iam::123456789012:role\/A/;

let sandbox: Sandbox;
let slowSts: Server;
let slowEndpoint: string;
let env: Record<string, string>;
let scratch: string;
let pane: Pane | undefined;

beforeAll(async () => {
  // STS that takes its time, then refuses: the spinner has something to wait on, and the
  // answer is quick to tell from the spinner's own line.
  slowSts = createServer((request, response) => {
    request.resume();
    setTimeout(() => {
      response.writeHead(403, { 'content-type': 'text/xml' });
      response.end(
        '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>' +
          '<Code>AccessDenied</Code><Message>slow and no</Message></Error><RequestId>r-1</RequestId></ErrorResponse>',
      );
    }, STS_DELAY_MS);
  });
  await new Promise<void>((resolve) => slowSts.listen(0, '127.0.0.1', resolve));
  slowEndpoint = `http://127.0.0.1:${(slowSts.address() as AddressInfo).port}`;

  sandbox = createSandbox();
  sandbox.writeCredentials('[base]\naws_access_key_id = AKIAEXAMPLE000000001\naws_secret_access_key = not-a-real-secret\n');
  sandbox.writeConfig(`[profile a]
role_arn = arn:aws:iam::123456789012:role/A
source_profile = base
region = eu-west-1

[profile sso-dev]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = Developer

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-west-1
`);
  env = sandbox.env({ AWS_ENDPOINT_URL_STS: slowEndpoint, AWSROLE_STS_TIMEOUT: '10', LANG: 'C.UTF-8' });
  scratch = mkdtempSync(join(tmpdir(), 'awsrole-terminal-'));
});

afterEach(() => {
  pane?.kill();
  pane = undefined;
});

afterAll(() => {
  slowSts?.close();
  sandbox?.cleanup();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

async function bash(extraEnv: Record<string, string> = {}): Promise<Pane> {
  pane = await startPane({ shell: 'bash', env: { ...env, ...extraEnv }, dir: scratch, rc: [] });
  return pane;
}

describe('list', () => {
  const TABLE = [
    'PROFILE  KIND         ACCOUNT       ROLE       REGION     SOURCE',
    'a        role         123456789012  A          eu-west-1  base',
    'base     static keys  -             -          -          -',
    'sso-dev  sso          111122223333  Developer  -          -',
    '',
  ].join('\n');

  it('piped: plain aligned columns with account and role name, no escape byte', async () => {
    const result = await runAwsrole(['list'], { env });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(TABLE);
    expect(result.stdout).not.toContain(ESC);
    expect(result.stderr).toBe('');
  });

  it('--json keeps the role ARN and adds account and roleName', async () => {
    const result = await runAwsrole(['list', '--json'], { env });
    expect(JSON.parse(result.stdout)).toEqual([
      { name: 'a', kind: 'role', roleArn: 'arn:aws:iam::123456789012:role/A', account: '123456789012', roleName: 'A', source: 'base', region: 'eu-west-1' },
      { name: 'base', kind: 'static keys', roleArn: null, account: null, roleName: null, source: null, region: null },
      { name: 'sso-dev', kind: 'sso', roleArn: null, account: '111122223333', roleName: 'Developer', source: null, region: null },
    ]);
  });

  it('on a terminal: a coloured header, the same columns on screen', async () => {
    const shell = await bash();
    shell.send('awsrole list', 'Enter');
    await shell.waitForScreen(/^sso-dev .*Developer/m);
    const header = shell.screen({ escapes: true }).split('\n').find((line) => line.includes('PROFILE'))!;
    expect(header).toContain(`${ESC}[1mPROFILE`);
    expect(shell.screen({ escapes: true })).toContain(`${ESC}[36mrole`);
    // What is visible is the plain table: escapes took no room.
    expect(shell.screen()).toContain(TABLE.trimEnd());
  });

  it('on a terminal with NO_COLOR=1: no escape at all', async () => {
    const shell = await bash({ NO_COLOR: '1' });
    shell.send('awsrole list', 'Enter');
    await shell.waitForScreen(/^sso-dev .*Developer/m);
    expect(shell.screen({ escapes: true })).not.toContain(ESC);
    expect(shell.screen()).toContain(TABLE.trimEnd());
  });
});

describe('the spinner while STS is slow', () => {
  it('shows on the terminal (stderr) while AssumeRole waits, and leaves no trace', async () => {
    const shell = await bash();
    const out = join(scratch, 'use.out');
    shell.type(`awsrole use a --shell bash > ${shellQuote(out)}; echo "exit=$?"`);
    shell.send('Enter');
    await shell.waitForScreen(SPINNER, 5000);
    await shell.waitForScreen(/^exit=4$/m, 10_000);
    const screen = shell.screen();
    expect(screen).toMatch(/AccessDenied/);
    expect(screen).not.toMatch(SPINNER);
    expect(readFileSync(out, 'utf8')).toBe('(exit 4)\n');
  });

  it('is erased by Ctrl-C, which still ends awsrole as a SIGINT does', async () => {
    const shell = await bash();
    shell.type('awsrole use a --shell bash > /dev/null; echo "exit=$?"');
    shell.send('Enter');
    await shell.waitForScreen(SPINNER, 5000);
    shell.send('C-c');
    // The prompt comes back on a clean line: nothing of the spinner is left on the screen.
    await shell.waitForScreen(/^READY>\s*$/m, 10_000);
    expect(shell.screen()).not.toMatch(/assuming|[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/);
    // bash abandons the rest of the line only when its command died of SIGINT: awsrole did.
    expect(shell.screen()).not.toMatch(/^exit=/m);
  });

  it('not with --quiet', async () => {
    const shell = await bash();
    shell.type('awsrole use a --shell bash --quiet > /dev/null; echo "exit=$?"');
    shell.send('Enter');
    // The screen, sampled every 50 ms through the whole wait.
    const screens: string[] = [];
    await waitFor(() => {
      screens.push(shell.screen());
      return /^exit=4$/m.test(screens.at(-1)!);
    }, 10_000);
    expect(screens.length).toBeGreaterThan(STS_DELAY_MS / 100);
    expect(screens.filter((screen) => SPINNER.test(screen))).toEqual([]);
  });

  it('not when stderr is a pipe: no frame, no \\r', async () => {
    const started = Date.now();
    const result = await runAwsrole(['use', 'a', '--shell', 'bash'], { env });
    expect(Date.now() - started).toBeGreaterThanOrEqual(STS_DELAY_MS);
    expect(result.code).toBe(4);
    expect(result.stdout).toBe('(exit 4)\n');
    expect(result.stderr).toMatch(/^awsrole: .*AccessDenied/);
    expect(result.stderr).not.toMatch(/[\r\x1b⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/);
    expect(result.stderr).not.toContain('assuming');
  });
});
