import type { Credentials } from '../run/credentials.js';

/**
 * A session is used at least this long before it is re-assumed, so that sessions no longer than
 * the window (900 s, STS's minimum) do not cost an AssumeRole per request: with the default window
 * such a session is renewed once a minute, always well before botocore's mandatory 10 minutes.
 * With --min-ttl the user chose the window, and the floor only stops a tight loop.
 */
export const DEFAULT_MINIMUM_USE_SECONDS = 60;
export const EXPLICIT_MINIMUM_USE_SECONDS = 5;

/** After a failed refresh, the next attempt waits this long (the old credentials serve meanwhile). */
export const RETRY_AFTER_FAILURE_SECONDS = 30;

export interface RefresherOptions {
  /** Runs the plan (cache first) and returns fresh credentials. */
  obtain: () => Promise<Credentials>;
  now: () => Date;
  /** Re-assume when less than this remains. */
  windowSeconds: number;
  minimumUseSeconds: number;
  retryAfterFailureSeconds?: number;
  /** For --debug: never given a secret. */
  debug: (message: string) => void;
  /** For people (stderr): a failed refresh. */
  warn: (message: string) => void;
  /** Schedule the next refresh ahead of any request (the default); tests may drive it by hand. */
  schedule?: boolean;
}

/** Credentials without an expiry (long-term keys) are handed out with this rolling one. */
const NON_EXPIRING_LEASE_SECONDS = 3600;

/**
 * The credentials a server hands out, renewed before the SDKs would refresh them: one refresh at
 * a time however many requests arrive meanwhile (they all wait for it), a timer so that requests
 * rarely wait at all, and when STS fails, the old credentials until they really expire.
 */
export class CredentialRefresher {
  private current: Credentials | undefined;
  private obtainedAt = 0;
  private refreshing: Promise<Credentials> | undefined;
  private lastFailure: { at: number; error: unknown } | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** How many times the credentials were obtained (for --debug and tests). */
  refreshes = 0;

  constructor(private readonly options: RefresherOptions) {}

  /** The first credentials; their errors (usage, config, STS) are the caller's to report. */
  async start(): Promise<Credentials> {
    const credentials = await this.options.obtain();
    this.accept(credentials);
    return credentials;
  }

  /** When the credentials will be re-assumed, or undefined when they never expire. */
  nextRefresh(): Date | undefined {
    if (!this.current?.expiration) return undefined;
    const { windowSeconds, minimumUseSeconds } = this.options;
    const beforeExpiry = this.current.expiration.getTime() - windowSeconds * 1000;
    const afterUse = this.obtainedAt + minimumUseSeconds * 1000;
    return new Date(Math.max(beforeExpiry, afterUse));
  }

  /** Credentials valid for the caller: the current ones, or fresh ones when they are due. */
  async credentials(): Promise<Credentials> {
    const now = this.options.now().getTime();
    const current = this.current;
    if (!current) return this.refresh();
    const due = this.nextRefresh();
    if (!due || now < due.getTime()) return this.served(current);
    if (this.refreshing) return this.refreshing.catch(() => this.fallback(current));
    if (this.lastFailure && now - this.lastFailure.at < (this.options.retryAfterFailureSeconds ?? RETRY_AFTER_FAILURE_SECONDS) * 1000) {
      return this.fallback(current);
    }
    return this.refresh().catch(() => this.fallback(current));
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** One refresh at a time: a caller that finds one running waits for it. */
  private refresh(): Promise<Credentials> {
    this.refreshing ??= (async () => {
      try {
        const credentials = await this.options.obtain();
        this.accept(credentials);
        return credentials;
      } catch (error) {
        this.lastFailure = { at: this.options.now().getTime(), error };
        const until = this.current?.expiration ? `; the current credentials serve until ${this.current.expiration.toISOString()}` : '';
        this.options.warn(`server: refreshing the credentials failed: ${describeError(error)}${until}`);
        this.scheduleRetry();
        throw error;
      } finally {
        this.refreshing = undefined;
      }
    })();
    return this.refreshing;
  }

  private accept(credentials: Credentials): void {
    this.current = credentials;
    this.obtainedAt = this.options.now().getTime();
    this.lastFailure = undefined;
    this.refreshes++;
    const next = this.nextRefresh();
    this.options.debug(
      `server: credentials ${credentials.expiration ? `until ${credentials.expiration.toISOString()}` : 'without expiry'}` +
        `${next ? `, next refresh at ${next.toISOString()} (in ${describeSpan(next.getTime() - this.obtainedAt)})` : ''}`,
    );
    this.scheduleAt(next);
  }

  private scheduleAt(when: Date | undefined): void {
    clearTimeout(this.timer);
    if (!when || this.stopped || this.options.schedule === false) return;
    // A few ms late rather than early: a timer that fires just before `when` would find nothing due.
    const delay = Math.max(0, when.getTime() - this.options.now().getTime()) + 10;
    // setTimeout cannot wait longer than 2^31-1 ms (~24.8 days); a later wake-up just re-arms.
    this.timer = setTimeout(() => void this.credentials().catch(() => undefined), Math.min(delay, 2 ** 31 - 1));
    // The server's listening socket keeps the process alive, never this timer.
    this.timer.unref();
  }

  private scheduleRetry(): void {
    const retry = new Date(this.options.now().getTime() + (this.options.retryAfterFailureSeconds ?? RETRY_AFTER_FAILURE_SECONDS) * 1000);
    this.scheduleAt(retry);
  }

  /** After a failed refresh: the old credentials while they last, else the failure. */
  private fallback(current: Credentials): Credentials {
    if (current.expiration && current.expiration.getTime() <= this.options.now().getTime()) {
      throw this.lastFailure?.error ?? new Error('the credentials have expired and could not be refreshed');
    }
    return this.served(current);
  }

  private served(credentials: Credentials): Credentials {
    if (credentials.expiration) return credentials;
    return { ...credentials, expiration: new Date(this.options.now().getTime() + NON_EXPIRING_LEASE_SECONDS * 1000) };
  }
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function describeSpan(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 120) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 120) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
