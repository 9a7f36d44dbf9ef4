// Signals and the processes awsrole starts: `exec`'s command gets each SIGINT, SIGTERM and SIGHUP
// exactly once, whether it was sent to awsrole alone or to its whole process group (a terminal,
// `timeout`, `kill -- -PGID`, a CI runner), with stdin a terminal (a real one, in tmux) or a pipe;
// and a credential_process helper, with its own children, ends with awsrole.
// No STS here: a static-keys profile, so that only processes and signals are under test.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { constants } from 'node:os';
import { processTree, readProcessFacts } from '../../src/process/linux-proc.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAwsrole } from '../support/cli.js';
import { createSandbox, type Sandbox } from '../support/sandbox.js';
import { shellQuote, waitFor } from '../support/shell.js';
import { startPane, type Pane } from '../support/tmux.js';

let sandbox: Sandbox;
let env: Record<string, string>;
let counter: string;
let runs = 0;

// The command under test counts what it receives: each delivery of each signal is one line in
// `marks` (node runs a handler per delivery). It waits a while after the first for any second
// copy to arrive, then dies of the first signal, so that awsrole's exit code shows 128+N.
const COUNTER = `
const fs = require('node:fs');
const [marks, ready] = process.argv.slice(2);
let first;
for (const name of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(name, () => {
    fs.appendFileSync(marks, name + '\\n');
    if (first) return;
    first = name;
    setTimeout(() => { process.removeAllListeners(first); process.kill(process.pid, first); }, 1500);
  });
}
const pgrp = fs.readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ')[2];
fs.writeFileSync(ready, process.ppid + ' ' + pgrp);
setInterval(() => {}, 1000);
`;

beforeAll(() => {
  sandbox = createSandbox();
  sandbox.writeCredentials('[static]\naws_access_key_id = AKIASIGNALSEXAMPLE01\naws_secret_access_key = signals-secret\n');
  counter = sandbox.writeFile('counter.cjs', COUNTER);
  env = sandbox.env();
});
afterAll(() => sandbox.cleanup());

const SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;
const TARGETS = ['awsrole', 'group'] as const;
const MATRIX = SIGNALS.flatMap((signal) => TARGETS.map((target) => [signal, target] as const));

/** Files of one run: where the command writes what it received, and its pids once it is ready. */
function runFiles() {
  const n = ++runs;
  return { marks: join(sandbox.home, `marks-${n}`), ready: join(sandbox.home, `ready-${n}`), status: join(sandbox.home, `status-${n}`) };
}

/** awsrole's pid and process group, as the command (awsrole's child) wrote them once running. */
async function whenReady(ready: string): Promise<{ awsrole: number; group: number }> {
  await waitFor(() => existsSync(ready) && readFileSync(ready, 'utf8').includes(' '), 15_000);
  const [awsrole, group] = readFileSync(ready, 'utf8').split(' ').map(Number);
  return { awsrole: awsrole!, group: group! };
}

function send(signal: string, target: 'awsrole' | 'group', pids: { awsrole: number; group: number }): void {
  if (target === 'awsrole') process.kill(pids.awsrole, signal);
  else process.kill(-pids.group, signal);
}

describe('exec: each signal reaches the command exactly once, stdin a pipe', () => {
  it.each(MATRIX)('%s sent to %s', async (signal, target) => {
    const files = runFiles();
    const running = startAwsrole(['exec', 'static', '--', process.execPath, counter, files.marks, files.ready], { env, detached: true });
    const pids = await whenReady(files.ready);
    expect(pids.group).toBe(pids.awsrole); // awsrole leads its group, which the command shares
    const family = processTree(pids.awsrole);
    send(signal, target, pids);
    const result = await running.result;
    expect(readFileSync(files.marks, 'utf8')).toBe(`${signal}\n`);
    expect(result.code, result.stderr).toBe(128 + constants.signals[signal]);
    // Nothing awsrole started outlives it.
    await waitFor(() => family.every(gone), 5000);
  });

  it('timeout(1) signals awsrole, then its group: still once', async () => {
    const files = runFiles();
    const running = startAwsrole(['exec', 'static', '--', process.execPath, counter, files.marks, files.ready], { env, detached: true });
    const pids = await whenReady(files.ready);
    // What coreutils' timeout does when its time is up (timeout.c, cleanup()).
    process.kill(pids.awsrole, 'SIGTERM');
    process.kill(-pids.group, 'SIGTERM');
    const result = await running.result;
    expect(readFileSync(files.marks, 'utf8')).toBe('SIGTERM\n');
    expect(result.code).toBe(143);
  });
});

describe('exec: each signal reaches the command exactly once, stdin a terminal', () => {
  let pane: Pane;
  beforeAll(async () => {
    // An interactive bash with job control, as at a terminal: awsrole runs as a foreground job in
    // a process group of its own, so that signalling the group does not touch the shell.
    pane = await startPane({ shell: 'bash', env, dir: join(sandbox.home, 'pane'), rc: [] });
  });
  afterAll(() => pane.kill());

  it.each(MATRIX)('%s sent to %s', async (signal, target) => {
    const files = runFiles();
    pane.type(`awsrole exec static -- ${shellQuote(process.execPath)} ${shellQuote(counter)} ${shellQuote(files.marks)} ${shellQuote(files.ready)}; echo $? > ${shellQuote(files.status)}`);
    pane.send('Enter');
    const pids = await whenReady(files.ready);
    const finished = () => existsSync(files.status) && readFileSync(files.status, 'utf8').trim() !== '';
    try {
      send(signal, target, pids);
      await waitFor(finished, 15_000);
    } finally {
      // A signal that never arrived must not leave the command running into the next case.
      if (!finished()) process.kill(-pids.group, 'SIGKILL');
    }
    expect(readFileSync(files.marks, 'utf8')).toBe(`${signal}\n`);
    expect(readFileSync(files.status, 'utf8').trim()).toBe(String(128 + constants.signals[signal]));
  });
});

describe('exec: job control at a terminal still works', () => {
  it.each(['Ctrl-C', 'SIGINT to awsrole alone'])('Ctrl-Z, fg, then %s: the command is stopped, resumed, and interrupted once', async (how) => {
    const pane = await startPane({ shell: 'bash', env, dir: join(sandbox.home, 'pane-jobs'), rc: [] });
    try {
      const files = runFiles();
      pane.type(`awsrole exec static -- ${shellQuote(process.execPath)} ${shellQuote(counter)} ${shellQuote(files.marks)} ${shellQuote(files.ready)}`);
      pane.send('Enter');
      const pids = await whenReady(files.ready);
      pane.send('C-z');
      await pane.waitForScreen(/Stopped/);
      expect(readProcessFacts(pids.awsrole)?.state).toBe('T');
      pane.type(`fg; echo $? > ${shellQuote(files.status)}`);
      pane.send('Enter');
      // Resumed: awsrole runs again, and whatever else it started has settled back (its witness stops itself).
      const others = processTree(pids.awsrole).filter((pid) => pid !== pids.awsrole && readProcessFacts(pid)?.ppid === pids.awsrole);
      await waitFor(() => readProcessFacts(pids.awsrole)?.state !== 'T' && others.some((pid) => readProcessFacts(pid)?.state === 'T'));
      if (how === 'Ctrl-C') pane.send('C-c');
      else process.kill(pids.awsrole, 'SIGINT');
      await waitFor(() => existsSync(files.status) && readFileSync(files.status, 'utf8').trim() !== '', 15_000);
      expect(readFileSync(files.marks, 'utf8')).toBe('SIGINT\n');
      expect(readFileSync(files.status, 'utf8').trim()).toBe('130');
    } finally {
      pane.kill();
    }
  });
});

describe('a credential_process helper ends with awsrole', () => {
  it.each(TARGETS)('SIGTERM sent to %s while the helper runs: the helper and its child die too', async (target) => {
    const pids = join(sandbox.home, `helper-pids-${target}`);
    const helper = sandbox.writeFile(`slow-helper-${target}`, `#!/bin/sh\nsleep 60 &\necho "$$ $!" > ${shellQuote(pids)}\nwait\n`, 0o755);
    sandbox.writeConfig(`[profile slow]\ncredential_process = ${helper}\n`);
    const running = startAwsrole(['export', 'slow', '--format', 'env'], { env, detached: true });
    await waitFor(() => existsSync(pids) && readFileSync(pids, 'utf8').includes(' '), 15_000);
    const [helperPid, grandchildPid] = readFileSync(pids, 'utf8').trim().split(' ').map(Number);
    send('SIGTERM', target, { awsrole: running.child.pid!, group: running.child.pid! });
    const result = await running.result;
    expect(result.stdout).toBe('');
    expect(result.signal).toBe('SIGTERM'); // as without a handler: a shell shows 143
    await waitFor(() => gone(helperPid!) && gone(grandchildPid!), 10_000);
  });
});

/** Gone, or a zombie waiting for init to reap it. */
function gone(pid: number): boolean {
  return [undefined, 'Z'].includes(readProcessFacts(pid)?.state);
}
