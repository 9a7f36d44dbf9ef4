import { describe, expect, it } from 'vitest';
import { formatDuration, outcomeRecord, overallExitCode, type Outcome } from '../../../src/many/outcome.js';
import { summaryTable } from '../../../src/many/summary.js';

const ran = (profile: string, exitCode: number, more: Partial<Extract<Outcome, { kind: 'ran' }>> = {}): Outcome => ({ kind: 'ran', profile, exitCode, durationMs: 1200, ...more });
const noCredentials = (profile: string, exitCode: number): Outcome => ({ kind: 'no-credentials', profile, error: { message: `AccessDenied for ${profile}`, exitCode } });
const notRun = (profile: string): Outcome => ({ kind: 'not-run', profile, because: 'fail-fast' });

describe(overallExitCode.name, () => {
  it.each<[string, Outcome[], NodeJS.Signals | undefined, number]>([
    ['all succeeded', [ran('a', 0), ran('b', 0)], undefined, 0],
    ['one command failed: its code', [ran('a', 0), ran('b', 3)], undefined, 3],
    ['the first failure in the order given', [ran('a', 0), noCredentials('b', 4), ran('c', 7)], undefined, 4],
    ['killed by a signal: 128+N', [ran('a', 143, { signal: 'SIGTERM' })], undefined, 143],
    ['--fail-fast: the failure, not the ones not run', [ran('a', 5), notRun('b')], undefined, 5],
    ['interrupted: 128+N of the signal awsrole got', [ran('a', 0), notRun('b')], 'SIGINT', 130],
  ])('%s', (_, outcomes, signal, code) => {
    expect(overallExitCode(outcomes, signal)).toBe(code);
  });
});

describe(formatDuration.name, () => {
  it.each([
    [400, '0.4s'],
    [12_049, '12.0s'],
    [65_000, '1m05s'],
    [3_599_000, '59m59s'],
    [7_380_000, '2h03m'],
  ])('%d ms is %s', (ms, text) => expect(formatDuration(ms)).toBe(text));
});

describe(summaryTable.name, () => {
  it('has a row per profile in order, the exit code, the time and the first error line, then a tally', () => {
    const table = summaryTable(
      [
        ran('prod-a', 0, { firstErrorLine: 'a warning, not an error' }),
        ran('prod-bb', 2, { firstErrorLine: 'aws: error: argument --bucket is required' }),
        ran('prod-c', 130, { signal: 'SIGINT' }),
        noCredentials('audit', 4),
        notRun('dev'),
      ],
      false,
    );
    expect(table).toBe(
      [
        'PROFILE  EXIT  TIME  FIRST ERROR LINE',
        'prod-a   0     1.2s',
        'prod-bb  2     1.2s  aws: error: argument --bucket is required',
        'prod-c   130   1.2s  killed by SIGINT',
        'audit    -     -     no credentials: AccessDenied for audit',
        'dev      -     -     not run (--fail-fast)',
        '5 profiles: 1 succeeded, 2 failed, 1 without credentials, 1 not run',
        '',
      ].join('\n'),
    );
  });

  it('escapes control characters from the command and cuts a long line', () => {
    const table = summaryTable([ran('p', 1, { firstErrorLine: `\x1b]0;title\x07${'x'.repeat(300)}` })], false);
    expect(table).not.toContain('\x1b');
    expect(table).toContain('\\x1b]0;title');
    expect(table.split('\n')[1]!.length).toBeLessThan(160);
  });
});

describe(outcomeRecord.name, () => {
  it('has every key for every kind of outcome', () => {
    const keys = ['profile', 'status', 'exitCode', 'signal', 'durationMs', 'stdout', 'stderr', 'truncated', 'error'];
    expect(Object.keys(outcomeRecord(ran('a', 0), { stdout: 'x', stderr: '', truncated: false }))).toEqual(keys);
    expect(Object.keys(outcomeRecord(noCredentials('a', 4)))).toEqual(keys);
    expect(Object.keys(outcomeRecord(notRun('a')))).toEqual(keys);
  });

  it('says why no command ran', () => {
    expect(outcomeRecord(noCredentials('a', 4))).toMatchObject({ status: 'no-credentials', exitCode: null, error: { message: 'AccessDenied for a', hint: null, exitCode: 4 } });
    expect(outcomeRecord(ran('a', 127, { startError: 'command not found: nope' }), { truncated: false })).toMatchObject({
      status: 'failed',
      exitCode: 127,
      error: { message: 'command not found: nope' },
    });
  });
});
