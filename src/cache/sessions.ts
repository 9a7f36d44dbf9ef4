import type { AssumedRole } from '../sts/types.js';
import { readAwsCliSession, removeAwsCliSession, writeAwsCliSession, type AwsCliCacheArgs } from './aws-cli-cache.js';
import { openCacheStore, type CacheStore } from './store.js';

/** What an entry of awsrole's own cache holds. Listed by `cache list` without the secrets. */
export interface SessionEntry {
  version: 1;
  kind: 'assume-role' | 'mfa-session';
  /** The profile whose hop (or MFA device) produced it. */
  profile: string;
  /** The role, or the MFA serial for an MFA session. */
  subject: string;
  /** arn:aws:sts::…:assumed-role/… for a role; empty for an MFA session. */
  assumedRoleArn: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: string;
  obtainedAt: string;
}

export interface SessionCacheOptions {
  dir: string;
  /** The AWS CLI's cache directory, to share assume-role sessions with it; undefined turns that off. */
  awsCliDir?: string;
  now: () => Date;
  debug: (message: string) => void;
  /** For a session that could not be saved: the credentials are still good, so it only warns. */
  warn: (message: string) => void;
}

/**
 * Sessions by key, in awsrole's own store and, for assume-role hops, the AWS CLI's cache too: a
 * session either tool obtained serves the other. Reading the CLI's cache trusts its weaker key
 * (no source identity, no endpoint), exactly as the CLI itself does.
 */
export class SessionCache {
  private readonly store: CacheStore;

  constructor(private readonly options: SessionCacheOptions) {
    this.store = openCacheStore(options.dir, {
      lock: {
        onWait: (holder) =>
          options.debug(`cache: waiting for another awsrole${holder ? ` (pid ${holder.pid})` : ''} obtaining the same session`),
      },
    });
  }

  findRole(key: string, cliArgs: AwsCliCacheArgs, validUntil: Date): AssumedRole | undefined {
    const own = this.readEntry(key, 'assume-role', validUntil);
    if (own) return { credentials: toCredentials(own), assumedRoleArn: own.assumedRoleArn };
    if (!this.options.awsCliDir) return undefined;
    const shared = readAwsCliSession(this.options.awsCliDir, cliArgs);
    if (!shared || shared.assumed.credentials.expiration <= validUntil) return undefined;
    this.options.debug(`cache: using the AWS CLI's session ${shared.path}`);
    return shared.assumed;
  }

  saveRole(key: string, cliArgs: AwsCliCacheArgs, profile: string, assumed: AssumedRole): void {
    this.writeEntry(key, 'assume-role', profile, cliArgs.RoleArn, assumed.credentials, assumed.assumedRoleArn);
    const { awsCliDir } = this.options;
    if (awsCliDir) this.saving(`the AWS CLI's cache ${awsCliDir}`, () => writeAwsCliSession(awsCliDir, cliArgs, assumed));
  }

  findMfaSession(key: string, validUntil: Date): AssumedRole['credentials'] | undefined {
    const entry = this.readEntry(key, 'mfa-session', validUntil);
    return entry && toCredentials(entry);
  }

  saveMfaSession(key: string, profile: string, serial: string, credentials: AssumedRole['credentials']): void {
    this.writeEntry(key, 'mfa-session', profile, serial, credentials, '');
  }

  /** Every complete entry of awsrole's own cache. */
  entries(): Array<{ key: string; entry: SessionEntry }> {
    return this.store.list().flatMap(({ key, value }) => {
      const entry = parseEntry(value);
      return entry ? [{ key, entry }] : [];
    });
  }

  remove(key: string): boolean {
    return this.store.remove(key);
  }

  /** Removes the AWS CLI's entry for these arguments, if sharing is on and there is one. */
  removeAwsCli(args: AwsCliCacheArgs): boolean {
    return this.options.awsCliDir ? removeAwsCliSession(this.options.awsCliDir, args) : false;
  }

  withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    return this.store.withLock(key, fn);
  }

  private readEntry(key: string, kind: SessionEntry['kind'], validUntil: Date): SessionEntry | undefined {
    const entry = parseEntry(this.store.read(key));
    if (!entry || entry.kind !== kind) return undefined;
    if (new Date(entry.expiration) <= validUntil) {
      this.options.debug(`cache: ${kind} session of ${entry.profile} expires ${entry.expiration}: too soon to reuse`);
      return undefined;
    }
    this.options.debug(`cache: reusing the ${kind} session of ${entry.profile}, valid until ${entry.expiration}`);
    return entry;
  }

  private writeEntry(
    key: string,
    kind: SessionEntry['kind'],
    profile: string,
    subject: string,
    credentials: AssumedRole['credentials'],
    assumedRoleArn: string,
  ): void {
    const entry: SessionEntry = {
      version: 1,
      kind,
      profile,
      subject,
      assumedRoleArn,
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      sessionToken: credentials.sessionToken,
      expiration: credentials.expiration.toISOString(),
      obtainedAt: this.options.now().toISOString(),
    };
    this.saving(this.store.dir, () => this.store.write(key, entry));
  }

  private saving(where: string, write: () => void): void {
    try {
      write();
    } catch (error) {
      this.options.warn(`could not cache the session in ${where}: ${(error as Error).message}`);
    }
  }
}

/** A cache entry, or undefined for anything that is not a complete one (a miss, never a crash). */
export function parseEntry(value: unknown): SessionEntry | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const entry = value as Partial<SessionEntry>;
  const strings = ['profile', 'subject', 'assumedRoleArn', 'accessKeyId', 'secretAccessKey', 'sessionToken', 'expiration', 'obtainedAt'] as const;
  if (entry.version !== 1 || (entry.kind !== 'assume-role' && entry.kind !== 'mfa-session')) return undefined;
  if (!strings.every((field) => typeof entry[field] === 'string')) return undefined;
  if (Number.isNaN(new Date(entry.expiration!).getTime())) return undefined;
  return entry as SessionEntry;
}

function toCredentials(entry: SessionEntry): AssumedRole['credentials'] {
  return {
    accessKeyId: entry.accessKeyId,
    secretAccessKey: entry.secretAccessKey,
    sessionToken: entry.sessionToken,
    expiration: new Date(entry.expiration),
  };
}
