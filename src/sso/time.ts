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
  const [, year, month, day, hour, minute, second = '0', fraction = '', , sign, offsetHours = '0', offsetMinutes = '0'] = match;
  const parts = [year, month, day, hour, minute, second].map(Number) as [number, number, number, number, number, number];
  const [y, mo, d, h, mi, s] = parts;
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return undefined;
  const millis = Math.floor(Number(`0.${fraction || '0'}`) * 1000);
  const local = Date.UTC(y, mo - 1, d, h, mi, s, millis);
  // Date.UTC rolls 31 April over to 1 May; a day that does not exist is not a timestamp.
  if (new Date(local).getUTCDate() !== d) return undefined;
  const oh = Number(offsetHours);
  const om = Number(offsetMinutes);
  if (oh > 23 || om > 59) return undefined;
  const offsetMs = (sign === '-' ? -1 : 1) * (oh * 60 + om) * 60_000;
  return new Date(local - (sign ? offsetMs : 0));
}

/** The AWS CLI's own spelling, `%Y-%m-%dT%H:%M:%SZ` (whole seconds, rounded down). */
export function formatSsoTimestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
