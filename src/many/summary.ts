/** The table `awsrole run` ends with, on stderr: one row per profile, in the order given. Pure. */
import { palette } from '../output/colour.js';
import { forPeople, NAME_LIMIT } from '../output/for-people.js';
import { alignColumns } from '../output/table.js';
import { formatDuration, succeeded, type Outcome } from './outcome.js';

/** A summary line is read at a glance: a longer error line is cut (its full text is in the output above). */
const ERROR_COLUMN_LIMIT = 120;

export function summaryTable(outcomes: readonly Outcome[], colour: boolean): string {
  const paint = palette(colour);
  const rows = [['PROFILE', 'EXIT', 'TIME', 'FIRST ERROR LINE'].map(paint.bold)];
  for (const outcome of outcomes) {
    const profile = forPeople(outcome.profile, NAME_LIMIT);
    if (outcome.kind === 'ran') {
      const code = String(outcome.exitCode);
      const why = outcome.firstErrorLine ?? (outcome.signal ? `killed by ${outcome.signal}` : '');
      rows.push([profile, outcome.exitCode === 0 ? paint.green(code) : paint.red(code), formatDuration(outcome.durationMs), outcome.exitCode === 0 ? '' : cut(why)]);
    } else if (outcome.kind === 'no-credentials') {
      rows.push([profile, paint.red('-'), '-', cut(`no credentials: ${outcome.error.message}`)]);
    } else {
      rows.push([profile, paint.dim('-'), '-', outcome.because === 'fail-fast' ? 'not run (--fail-fast)' : 'not run (interrupted)']);
    }
  }
  return alignColumns(rows).replace(/ +$/gm, '') + tally(outcomes);
}

/** `12 profiles: 10 succeeded, 1 failed, 1 without credentials`. */
function tally(outcomes: readonly Outcome[]): string {
  const count = (test: (outcome: Outcome) => boolean) => outcomes.filter(test).length;
  const parts = [
    [count(succeeded), 'succeeded'],
    [count((o) => o.kind === 'ran' && o.exitCode !== 0), 'failed'],
    [count((o) => o.kind === 'no-credentials'), 'without credentials'],
    [count((o) => o.kind === 'not-run'), 'not run'],
  ] as const;
  const said = parts.filter(([n], index) => n > 0 || index === 0).map(([n, what]) => `${n} ${what}`);
  return `${outcomes.length} profile${outcomes.length === 1 ? '' : 's'}: ${said.join(', ')}\n`;
}

function cut(text: string): string {
  return forPeople(text, ERROR_COLUMN_LIMIT);
}
