import { timeFromParts } from '../time/time.js';

/**
 * The timestamps of the SSO token cache. Every writer spells them its own way and botocore reads
 * them all with dateutil.parser:
 *
 * - AWS CLI v2 and botocore (`_sso_json_dumps`): `2024-05-01T12:00:00Z`
 * - older CLI v2 / botocore's default JSONFileCache dumps (`%Z`): `2024-05-01T12:00:00UTC`
 * - the JavaScript SDK (`toISOString`): `2024-05-01T12:00:00.000Z`
 * - Python `isoformat()`: `2024-05-01T12:00:00+00:00`, with microseconds `…00.123456+00:00`
 *
 * Accepted here: date, `T` or a space, time (seconds optional), an optional fraction, and `Z`,
 * `UTC`, `GMT` or a numeric offset (`+00:00`, `+0000`, `+00`). Without a zone the time is taken
 * as UTC (every writer means UTC; botocore itself crashes comparing such a naive time).
 */
const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)? *(?:(Z|UTC|GMT)|([+-])(\d{2})(?::?(\d{2}))?)?$/i;

export function parseSsoTimestamp(text: string): Date | undefined {
  const match = TIMESTAMP.exec(text.trim());
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second, fraction, , sign, offsetHours, offsetMinutes] = match as unknown as string[];
  return timeFromParts({
    year: year!, month: month!, day: day!, hour: hour!, minute: minute!,
    ...(second && { second }),
    ...(fraction && { fraction }),
    ...(sign && { offset: { sign, hours: offsetHours!, ...(offsetMinutes && { minutes: offsetMinutes }) } }),
  });
}

/** The AWS CLI's own spelling, `%Y-%m-%dT%H:%M:%SZ` (whole seconds, rounded down). */
export function formatSsoTimestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
