import { describe, expect, it } from 'vitest';
import { forEachLimited } from '../../../src/many/pool.js';

/** Work that ends when told to, so that a test decides the order things finish in. */
function controlled() {
  const started: number[] = [];
  const finish = new Map<number, () => void>();
  const work = (item: number) =>
    new Promise<void>((resolve) => {
      started.push(item);
      finish.set(item, resolve);
    });
  return { started, finish: (item: number) => finish.get(item)!(), work };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe(forEachLimited.name, () => {
  it('keeps at most `limit` going, starting the next in order as one ends', async () => {
    const { started, finish, work } = controlled();
    const done = forEachLimited([1, 2, 3, 4, 5], 2, work, () => false);
    await turn();
    expect(started).toEqual([1, 2]);
    finish(2);
    await turn();
    expect(started).toEqual([1, 2, 3]);
    finish(1);
    finish(3);
    await turn();
    expect(started).toEqual([1, 2, 3, 4, 5]);
    finish(4);
    finish(5);
    await done;
  });

  it('starts nothing more once stopped, and waits for what has started', async () => {
    const { started, finish, work } = controlled();
    let stopped = false;
    let settled = false;
    const done = forEachLimited([1, 2, 3, 4], 2, work, () => stopped).then(() => (settled = true));
    await turn();
    stopped = true;
    finish(1);
    await turn();
    expect(started).toEqual([1, 2]);
    expect(settled).toBe(false);
    finish(2);
    await done;
    expect(started).toEqual([1, 2]);
  });
});
