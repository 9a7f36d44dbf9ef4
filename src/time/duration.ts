import { UsageError } from '../errors/errors.js';

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600 };

/** `300`, `300s`, `5m`, `1h` → seconds; anything else is a usage error naming the flag. */
export function parseSeconds(text: string, flag: string): number {
  const match = /^(\d+)([smh]?)$/.exec(text.trim());
  if (!match) throw new UsageError(`${flag} takes a duration such as 300, 300s, 5m or 1h, not "${text}"`);
  return Number(match[1]) * UNITS[match[2] || 's']!;
}
