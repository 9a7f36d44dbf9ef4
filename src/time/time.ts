/**
 * A point in time from the parts a timestamp pattern matched, or undefined when the date or time
 * does not exist (31 April, 25:00, an offset of +24:00). Each reader keeps its own pattern: the
 * spellings it accepts follow the writers of the file it reads.
 */
export interface TimeParts {
  year: string;
  month: string;
  day: string;
  hour: string;
  minute: string;
  second?: string;
  /** Digits after the decimal point; beyond milliseconds they are cut. */
  fraction?: string;
  /** Absent for UTC (`Z`, `UTC`, `GMT`, or no zone where a reader allows that). */
  offset?: { sign: string; hours: string; minutes?: string };
}

export function timeFromParts(parts: TimeParts): Date | undefined {
  const [year, month, day, hour, minute, second] = [parts.year, parts.month, parts.day, parts.hour, parts.minute, parts.second ?? '0'].map(Number) as [
    number, number, number, number, number, number,
  ];
  const millis = Number((parts.fraction ?? '').padEnd(3, '0').slice(0, 3));
  const utc = new Date(Date.UTC(year, month - 1, day, hour, minute, second, millis));
  // Date.UTC rolls over (31 April becomes 1 May): a time that does not exist is no time.
  const exact =
    utc.getUTCFullYear() === year && utc.getUTCMonth() === month - 1 && utc.getUTCDate() === day &&
    utc.getUTCHours() === hour && utc.getUTCMinutes() === minute && utc.getUTCSeconds() === second;
  if (!exact) return undefined;
  if (!parts.offset) return utc;
  const offsetHours = Number(parts.offset.hours);
  const offsetMinutes = Number(parts.offset.minutes ?? '0');
  if (offsetHours > 23 || offsetMinutes > 59) return undefined;
  const offsetMs = (parts.offset.sign === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * 60_000;
  return new Date(utc.getTime() - offsetMs);
}
