/**
 * Calls `work` for each item, at most `limit` at a time, starting them in the items' order, and
 * starts no more once `stopped()` says so. Settles when every started one has. `work` must not
 * reject: each item's failure is its own, not the pool's.
 */
export async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
  stopped: () => boolean,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length && !stopped()) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
