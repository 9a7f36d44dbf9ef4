import { describe, expect, it } from 'vitest';
import type { Credentials } from '../../../src/run/credentials.js';
import { CredentialRefresher } from '../../../src/server/refresher.js';

const MINUTE = 60_000;

/** A refresher on a hand-moved clock, whose STS is a counter that can be made to fail or stall. */
function setUp(options: { windowMinutes?: number; sessionMinutes?: number; minimumUseSeconds?: number } = {}) {
  let now = Date.parse('2026-12-01T12:00:00Z');
  let calls = 0;
  let failing = false;
  let release: (() => void) | undefined;
  let stalled = false;
  const warnings: string[] = [];
  const refresher = new CredentialRefresher({
    obtain: async (): Promise<Credentials> => {
      calls++;
      if (stalled) await new Promise<void>((resolve) => (release = resolve));
      if (failing) throw new Error('STS said no');
      return { accessKeyId: `ASIA${calls}`, secretAccessKey: 's', sessionToken: 't', expiration: new Date(now + (options.sessionMinutes ?? 60) * MINUTE) };
    },
    now: () => new Date(now),
    windowSeconds: (options.windowMinutes ?? 15) * 60,
    minimumUseSeconds: options.minimumUseSeconds ?? 60,
    retryAfterFailureSeconds: 30,
    debug: () => {},
    warn: (message) => warnings.push(message),
    schedule: false,
  });
  return {
    refresher,
    warnings,
    calls: () => calls,
    advance: (ms: number) => (now += ms),
    fail: (value: boolean) => (failing = value),
    stall: () => (stalled = true),
    release: () => {
      stalled = false;
      release?.();
    },
  };
}

describe(CredentialRefresher.name, () => {
  it('serves the same credentials until less than the window remains, then renews once', async () => {
    const t = setUp();
    await t.refresher.start();
    t.advance(44 * MINUTE);
    expect((await t.refresher.credentials()).accessKeyId).toBe('ASIA1');
    t.advance(2 * MINUTE); // 14 minutes left
    expect((await t.refresher.credentials()).accessKeyId).toBe('ASIA2');
    expect((await t.refresher.credentials()).accessKeyId).toBe('ASIA2');
    expect(t.calls()).toBe(2);
  });

  it('makes one call for twenty requests that arrive while it renews', async () => {
    const t = setUp();
    await t.refresher.start();
    t.advance(50 * MINUTE);
    t.stall();
    const waiting = Array.from({ length: 20 }, () => t.refresher.credentials());
    t.release();
    const keys = new Set((await Promise.all(waiting)).map((credentials) => credentials.accessKeyId));
    expect([...keys]).toEqual(['ASIA2']);
    expect(t.calls()).toBe(2);
  });

  it('keeps serving the old credentials when renewing fails, retries after a pause, and fails once they expire', async () => {
    const t = setUp();
    await t.refresher.start();
    t.advance(50 * MINUTE);
    t.fail(true);
    expect((await t.refresher.credentials()).accessKeyId).toBe('ASIA1');
    expect(t.warnings).toHaveLength(1);
    expect(t.warnings[0]).toContain('STS said no');
    expect((await t.refresher.credentials()).accessKeyId).toBe('ASIA1');
    expect(t.calls()).toBe(2); // no second attempt within 30 s
    t.advance(31_000);
    await t.refresher.credentials();
    expect(t.calls()).toBe(3);
    t.advance(10 * MINUTE); // past the expiry
    await expect(t.refresher.credentials()).rejects.toThrow('STS said no');
    t.fail(false);
    t.advance(31_000);
    expect((await t.refresher.credentials()).accessKeyId).toBe('ASIA5');
  });

  it('uses a session no longer than the window for a minute before renewing it', async () => {
    const t = setUp({ sessionMinutes: 15 });
    await t.refresher.start();
    expect(t.refresher.nextRefresh()!.getTime() - Date.parse('2026-12-01T12:00:00Z')).toBe(MINUTE);
    t.advance(30_000);
    await t.refresher.credentials();
    expect(t.calls()).toBe(1);
    t.advance(31_000);
    expect((await t.refresher.credentials()).accessKeyId).toBe('ASIA2');
  });

  it('hands out credentials that never expire with a rolling one-hour expiry, and never renews them', async () => {
    let now = 0;
    const refresher = new CredentialRefresher({
      obtain: async () => ({ accessKeyId: 'AKIA1', secretAccessKey: 's' }),
      now: () => new Date(now),
      windowSeconds: 900,
      minimumUseSeconds: 60,
      debug: () => {},
      warn: () => {},
      schedule: false,
    });
    await refresher.start();
    now += 10 * 60 * MINUTE;
    const served = await refresher.credentials();
    expect(served.expiration!.getTime()).toBe(now + 60 * MINUTE);
    expect(refresher.refreshes).toBe(1);
  });
});
