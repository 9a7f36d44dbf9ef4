// The parsers on text as proc(5) documents it; the readers on real processes (Linux).
import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { parsePendingSignals, parseStat, processTree, readProcessFacts } from '../../../src/process/linux-proc.js';
import { startSignalWitness } from '../../../src/process/signal-witness.js';
import { waitFor } from '../../support/shell.js';

const { SIGHUP, SIGINT, SIGTERM, SIGKILL } = constants.signals;
const started: ChildProcess[] = [];
afterEach(() => {
  for (const child of started.splice(0)) child.kill('SIGKILL');
});

function run(command: string): ChildProcess {
  const child = spawn('/bin/sh', ['-c', command], { stdio: 'ignore' });
  started.push(child);
  return child;
}

describe(parseStat.name, () => {
  it('reads state, parent and group after a command name holding spaces and parentheses', () => {
    expect(parseStat('4242 (a) b (c)) T 17 4240 4240 34816 4242 4194560 ...')).toEqual({ state: 'T', ppid: 17, pgrp: 4240 });
  });
});

describe(parsePendingSignals.name, () => {
  it('takes bit N-1 of SigPnd and ShdPnd as signal N', () => {
    // 0x4000 is bit 14: SIGTERM (15); 0x3 is SIGHUP and SIGINT; 0x100 is SIGKILL (9).
    const status = 'Name:\tsh\nSigQ:\t0/63\nSigPnd:\t0000000000000100\nShdPnd:\t0000000000004003\nSigBlk:\t0000000000010000\n';
    expect(parsePendingSignals(status)).toEqual(new Set([SIGKILL, SIGHUP, SIGINT, SIGTERM]));
  });
});

describe(readProcessFacts.name, () => {
  it('shows a signal sent to a stopped process as pending', async () => {
    const child = run('exec sleep 30');
    child.kill('SIGSTOP');
    await waitFor(() => readProcessFacts(child.pid!)?.state === 'T');
    child.kill('SIGTERM');
    expect(readProcessFacts(child.pid!)).toMatchObject({ state: 'T', ppid: process.pid, pending: new Set([SIGTERM]) });
  });

  it('is undefined for a process that is gone', async () => {
    const child = run('exit 0');
    await new Promise((resolve) => child.on('exit', resolve));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(readProcessFacts(child.pid!)).toBeUndefined();
  });
});

describe(processTree.name, () => {
  it('finds the children and grandchildren, parents first', async () => {
    const child = run('sh -c "sleep 30 & wait" & wait');
    await waitFor(() => processTree(child.pid!).length === 3);
    const tree = processTree(child.pid!);
    expect(tree[0]).toBe(child.pid);
    for (const pid of tree.slice(1)) expect(tree.indexOf(readProcessFacts(pid)!.ppid)).toBeLessThan(tree.indexOf(pid));
    expect(readProcessFacts(tree[2]!)?.ppid).toBe(tree[1]);
  });
});

describe(startSignalWitness.name, () => {
  it('shows what reached it until rearmed, and only while stopped', async () => {
    const witness = startSignalWitness()!;
    try {
      await witness.ready;
      expect(witness.groupSignals()).toEqual(new Set());
      // What a signal to the whole group does to it (here sent to it alone: the test's own group must be spared).
      const { pid } = witness;
      process.kill(pid, 'SIGHUP');
      process.kill(pid, 'SIGTERM');
      expect(witness.groupSignals()).toEqual(new Set([SIGHUP, SIGTERM]));
      witness.rearm();
      await waitFor(() => witness.groupSignals()?.size === 0);
      expect(readProcessFacts(pid)?.state).toBe('T');
    } finally {
      witness.stop();
    }
  });
});
