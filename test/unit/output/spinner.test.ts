import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { utf8Locale, withSpinner } from '../../../src/output/spinner.js';

/** A stream that records what was written; a terminal unless told otherwise. */
function fakeStream(isTTY = true, columns?: number) {
  const writes: string[] = [];
  return { isTTY, columns, writes, write: (text: string) => writes.push(text) };
}

/** Work that settles when the test says so. */
function controlled<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { work: () => promise, resolve, reject };
}

const UTF8 = { LANG: 'en_US.UTF-8' };

describe(withSpinner.name, () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it('draws nothing before the delay, so a fast call leaves no trace', async () => {
    const stream = fakeStream();
    const { work, resolve } = controlled<string>();
    const result = withSpinner(stream, 'assuming arn:aws:iam::123456789012:role/x', work, { env: UTF8 });
    await vi.advanceTimersByTimeAsync(249);
    expect(stream.writes).toEqual([]);
    resolve('done');
    await expect(result).resolves.toBe('done');
    await vi.advanceTimersByTimeAsync(1000);
    expect(stream.writes).toEqual([]);
  });

  it('after the delay, redraws a frame and the message every 80 ms, then erases its line', async () => {
    const stream = fakeStream();
    const { work, resolve } = controlled<number>();
    const result = withSpinner(stream, 'assuming arn:aws:iam::123456789012:role/x', work, { env: UTF8 });
    await vi.advanceTimersByTimeAsync(250);
    expect(stream.writes).toEqual(['\rawsrole: ⠋ assuming arn:aws:iam::123456789012:role/x']);
    await vi.advanceTimersByTimeAsync(160);
    expect(stream.writes.slice(1)).toEqual([
      '\rawsrole: ⠙ assuming arn:aws:iam::123456789012:role/x',
      '\rawsrole: ⠹ assuming arn:aws:iam::123456789012:role/x',
    ]);
    resolve(42);
    await expect(result).resolves.toBe(42);
    expect(stream.writes.at(-1)).toBe('\r\x1b[K');
    const count = stream.writes.length;
    await vi.advanceTimersByTimeAsync(1000);
    expect(stream.writes).toHaveLength(count);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('asks a message function again at every frame: progress as pages arrive', async () => {
    const stream = fakeStream();
    const { work, resolve } = controlled<void>();
    let pages = 1;
    const result = withSpinner(stream, () => `listing accounts: ${pages} page(s)`, work, { env: UTF8 });
    await vi.advanceTimersByTimeAsync(250);
    pages = 2;
    await vi.advanceTimersByTimeAsync(80);
    expect(stream.writes).toEqual(['\rawsrole: ⠋ listing accounts: 1 page(s)', '\rawsrole: ⠙ listing accounts: 2 page(s)']);
    resolve();
    await result;
  });

  it('uses |/-\\ when the locale is not UTF-8', async () => {
    const stream = fakeStream();
    const { work, resolve } = controlled<void>();
    const result = withSpinner(stream, 'getting an MFA session', work, { env: { LANG: 'C' }, delayMs: 0 });
    await vi.advanceTimersByTimeAsync(80 * 4);
    resolve();
    await result;
    expect(stream.writes.slice(0, 5)).toEqual(['|', '/', '-', '\\', '|'].map((frame) => `\rawsrole: ${frame} getting an MFA session`));
  });

  it('erases its line and passes the rejection on when the work fails', async () => {
    const stream = fakeStream();
    const { work, reject } = controlled<void>();
    const result = withSpinner(stream, 'assuming x', work, { env: UTF8 });
    const settled = expect(result).rejects.toThrow('AccessDenied');
    await vi.advanceTimersByTimeAsync(300);
    reject(new Error('AccessDenied'));
    await settled;
    expect(stream.writes.at(-1)).toBe('\r\x1b[K');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('passes a rejection on and draws nothing when the work fails fast', async () => {
    const stream = fakeStream();
    await expect(withSpinner(stream, 'assuming x', () => Promise.reject(new Error('refused')))).rejects.toThrow('refused');
    expect(stream.writes).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a work function that throws at once rejects too', async () => {
    const stream = fakeStream();
    const work = (): Promise<void> => {
      throw new Error('sync');
    };
    await expect(withSpinner(stream, 'x', work)).rejects.toThrow('sync');
    expect(vi.getTimerCount()).toBe(0);
  });

  it.each([false, undefined])('draws nothing at all when isTTY is %s', async (isTTY) => {
    const stream = { writes: [] as string[], isTTY, write(text: string) { this.writes.push(text); } };
    const { work, resolve } = controlled<string>();
    const result = withSpinner(stream, 'assuming x', work, { env: UTF8 });
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(5000);
    resolve('ok');
    await expect(result).resolves.toBe('ok');
    expect(stream.writes).toEqual([]);
  });

  it('keeps the line narrower than the terminal, so \\r can redraw it', async () => {
    const stream = fakeStream(true, 30);
    const { work, resolve } = controlled<void>();
    const result = withSpinner(stream, `assuming arn:aws:iam::123456789012:role/${'x'.repeat(64)}`, work, { env: UTF8 });
    await vi.advanceTimersByTimeAsync(250);
    resolve();
    await result;
    expect(stream.writes[0]).toBe('\rawsrole: ⠋ assuming arn:aws:i');
    expect([...stream.writes[0]!.slice(1)]).toHaveLength(29);
  });

  it('its timers are unref\'d: a spinner never keeps the process alive', async () => {
    vi.useRealTimers();
    const refs: boolean[] = [];
    const realSetTimeout = globalThis.setTimeout;
    const realSetInterval = globalThis.setInterval;
    const spy = <F extends typeof setTimeout | typeof setInterval>(real: F) =>
      ((...args: Parameters<F>) => {
        const timer = (real as (...a: unknown[]) => NodeJS.Timeout)(...args);
        queueMicrotask(() => refs.push(timer.hasRef()));
        return timer;
      }) as unknown as F;
    globalThis.setTimeout = spy(realSetTimeout);
    globalThis.setInterval = spy(realSetInterval);
    try {
      await withSpinner(fakeStream(), 'x', () => new Promise((resolve) => realSetTimeout(resolve, 60)), { delayMs: 5, intervalMs: 10 });
    } finally {
      globalThis.setTimeout = realSetTimeout;
      globalThis.setInterval = realSetInterval;
    }
    expect(refs.length).toBeGreaterThanOrEqual(2);
    expect(refs.every((ref) => !ref)).toBe(true);
  });
});

describe(utf8Locale.name, () => {
  it.each([
    [{}, false],
    [{ LANG: 'C' }, false],
    [{ LANG: 'en_US.UTF-8' }, true],
    [{ LANG: 'C.utf8' }, true],
    [{ LC_CTYPE: 'de_DE.UTF-8', LANG: 'C' }, true],
    [{ LC_ALL: 'C', LANG: 'en_US.UTF-8' }, false],
    [{ LC_ALL: '', LC_CTYPE: '', LANG: 'en_GB.UTF-8' }, true],
  ])('%j → %s', (env, expected) => {
    expect(utf8Locale(env)).toBe(expected);
  });
});
