import { forPeople } from '../output/for-people.js';

/** Nobody mistypes a name this long; comparing one costs time for nothing. */
const LONGEST_INPUT = 256;

/** The candidates closest to `input` by edit distance, for "did you mean" hints. */
export function closestMatches(input: string, candidates: Iterable<string>, limit = 3): string[] {
  if (input.length > LONGEST_INPUT) return [];
  const maxDistance = Math.max(2, Math.floor(input.length / 3));
  const scored: Array<{ name: string; distance: number }> = [];
  for (const name of candidates) {
    // The distance is at least the difference in length: a far longer name is never close.
    if (Math.abs(name.length - input.length) > maxDistance && !name.startsWith(input)) continue;
    const distance = name.startsWith(input) || input.startsWith(name) ? 1 : editDistance(input, name);
    if (distance <= maxDistance) scored.push({ name, distance });
  }
  scored.sort((a, b) => a.distance - b.distance || a.name.localeCompare(b.name));
  return scored.slice(0, limit).map((entry) => entry.name);
}

export function didYouMean(input: string, candidates: Iterable<string>): string | undefined {
  const matches = closestMatches(input, candidates);
  if (matches.length === 0) return undefined;
  return `did you mean ${matches.map((m) => `"${forPeople(m)}"`).join(' or ')}?`;
}

/** Levenshtein distance, two rows at a time. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length] as number;
}
