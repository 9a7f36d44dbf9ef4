import type { AssumedRole } from '../sts/types.js';
import { readAwsCliSession, removeAwsCliSession, removeAwsCliSessionsWrittenBy, writeAwsCliSession, type AwsCliCacheArgs } from './aws-cli-cache.js';
import type { AwsCliShare } from './cli-cache-trust.js';
import type { EntrySealer } from '../keys/entry-sealer.js';
import { assumedRoleMatches } from './role-arn.js';
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

/** An MFA session from the cache, with when it was obtained (to name it if STS refuses it). */
export interface CachedMfaSession {
  credentials: AssumedRole['credentials'];
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
  /**
   * AWSROLE_CACHE_ENCRYPT=keystore: loads the sealer (keys/entry-sealer.ts) that encrypts the
   * secret fields of every entry; called once, by unlock().
   */
  loadSealer?: () => Promise<EntrySealer>;
}

/** The fields of an entry that a sealer encrypts; the rest stay clear for `cache list`. */
const SECRET_FIELDS = ['accessKeyId', 'secretAccessKey', 'sessionToken'] as const;

/** What a cached role session must be: the role and the session name asked for. */
export interface RoleAsked {
  roleArn: string;
  sessionName: string;
}

/**
 * Sessions by key, in awsrole's own store and, for assume-role hops, the AWS CLI's cache too: a
 * session either tool obtained serves the other. The CLI's key is weaker (no source identity, no
 * endpoint), so an entry there is used and written only as cli-cache-trust.ts allows, and only
 * after the same checks as our own (aws-cli-cache.ts). An entry of either cache is served only if
 * it is for the role asked for (from the assumed-role ARN STS gave) and not about to expire.
 */
export class SessionCache {
  private readonly store: CacheStore;
  private sealer: EntrySealer | undefined;

  constructor(private readonly options: SessionCacheOptions) {
    this.store = openCacheStore(options.dir, {
      lock: {
        onWait: (holder) =>
          options.debug(`cache: waiting for another awsrole${holder ? ` (pid ${holder.pid})` : ''} obtaining the same session`),
      },
    });
  }

  /** Loads the key of an encrypted cache (once); nothing to do for a plain one. Call before any find or save. */
  async unlock(): Promise<void> {
    if (this.options.loadSealer) this.sealer ??= await this.options.loadSealer();
  }

  findRole(key: string, asked: RoleAsked, cli: AwsCliShare, validUntil: Date): AssumedRole | undefined {
    const own = this.readEntry(key, 'assume-role', validUntil);
    if (own) {
      if (own.subject === asked.roleArn && assumedRoleMatches(own.assumedRoleArn, asked.roleArn, asked.sessionName)) {
        return { credentials: toCredentials(own), assumedRoleArn: own.assumedRoleArn };
      }
      this.options.debug(`cache: ignoring the entry ${key}: it holds a session of ${own.assumedRoleArn || own.subject}, not of ${asked.roleArn} (${asked.sessionName})`);
    }
    const { awsCliDir } = this.options;
    if (!awsCliDir) return undefined;
    if ('refused' in cli.args) {
      this.options.debug(`cache: not using the AWS CLI's cache for ${asked.roleArn}: ${cli.args.refused}`);
      return undefined;
    }
    const shared = readAwsCliSession(awsCliDir, cli.args);
    if (!shared) return undefined;
    if ('ignored' in shared) {
      this.options.debug(`cache: ignoring the AWS CLI's entry ${shared.path}: ${shared.ignored}`);
      return undefined;
    }
    if (shared.assumed.credentials.expiration <= validUntil) {
      this.options.debug(`cache: the AWS CLI's session ${shared.path} expires ${shared.assumed.credentials.expiration.toISOString()}: too soon to reuse`);
      return undefined;
    }
    const ambiguity = cli.ambiguity();
    if (ambiguity) {
      this.options.debug(`cache: ignoring the AWS CLI's entry ${shared.path}: ${ambiguity}`);
      return undefined;
    }
    this.options.debug(`cache: using the AWS CLI's session ${shared.path}`);
    return shared.assumed;
  }

  saveRole(key: string, profile: string, cli: AwsCliShare, assumed: AssumedRole, roleArn: string): void {
    this.writeEntry(key, 'assume-role', profile, roleArn, assumed.credentials, assumed.assumedRoleArn);
    const { awsCliDir } = this.options;
    if (!awsCliDir) return;
    const { args } = cli;
    if ('refused' in args) {
      this.options.debug(`cache: not saving the session in the AWS CLI's cache: ${args.refused}`);
      return;
    }
    const ambiguity = cli.ambiguity();
    if (ambiguity) {
      this.options.debug(`cache: not saving the session in the AWS CLI's cache: ${ambiguity}`);
      return;
    }
    this.saving(`the AWS CLI's cache ${awsCliDir}`, () => writeAwsCliSession(awsCliDir, args, assumed, profile));
  }

  findMfaSession(key: string, serial: string, validUntil: Date): CachedMfaSession | undefined {
    const entry = this.readEntry(key, 'mfa-session', validUntil);
    if (!entry) return undefined;
    if (entry.subject !== serial) {
      this.options.debug(`cache: ignoring the entry ${key}: it holds the MFA session of ${entry.subject}, not of ${serial}`);
      return undefined;
    }
    return { credentials: toCredentials(entry), obtainedAt: entry.obtainedAt };
  }

  saveMfaSession(key: string, profile: string, serial: string, credentials: AssumedRole['credentials']): void {
    this.writeEntry(key, 'mfa-session', profile, serial, credentials, '');
  }

  /** Every complete entry of awsrole's own cache. */
  entries(): Array<{ key: string; entry: SessionEntry }> {
    return this.store.list().flatMap(({ key, value }) => {
      // Listing needs no secret: a sealed entry is listed with its clear fields only.
      const entry = parseEntry(value) ?? (isSealed(value) ? parseEntry({ ...value, accessKeyId: '', secretAccessKey: '', sessionToken: '' }) : undefined);
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

  /** Removes every AWS CLI cache entry awsrole wrote for `profile` (or for any profile), if sharing is on. */
  removeAwsCliWrittenBy(profile: string | undefined): number {
    return this.options.awsCliDir ? removeAwsCliSessionsWrittenBy(this.options.awsCliDir, profile) : 0;
  }

  withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    return this.store.withLock(key, fn);
  }

  private readEntry(key: string, kind: SessionEntry['kind'], validUntil: Date): SessionEntry | undefined {
    const entry = this.unseal(this.store.read(key));
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
    this.saving(this.store.dir, () => this.store.write(key, this.seal(entry)));
  }

  /** With a sealer, the entry as written: its secret fields replaced by `sealed`. */
  private seal(entry: SessionEntry): unknown {
    const { sealer } = this;
    if (!sealer) {
      if (this.options.loadSealer) throw new Error('internal error: the encrypted session cache was written before unlock()');
      return entry;
    }
    const { accessKeyId, secretAccessKey, sessionToken, ...clear } = entry;
    return { ...clear, sealed: sealer.seal(JSON.stringify({ accessKeyId, secretAccessKey, sessionToken }), JSON.stringify(clear)) };
  }

  /**
   * An entry as read. With a sealer only sealed entries count (a plaintext one from before
   * encryption was switched on is a miss, and is replaced on the next write); without one, a
   * sealed entry is incomplete, so a miss as well.
   */
  private unseal(value: unknown): SessionEntry | undefined {
    const { sealer } = this;
    if (!sealer) {
      if (this.options.loadSealer) throw new Error('internal error: the encrypted session cache was read before unlock()');
      return parseEntry(value);
    }
    if (!isSealed(value)) return undefined;
    const { sealed, ...clear } = value;
    const opened = sealer.open(sealed, JSON.stringify(clear));
    if (opened === undefined) {
      this.options.debug('cache: an encrypted entry does not open with the keystore\'s key: a miss');
      return undefined;
    }
    try {
      const secrets = JSON.parse(opened) as Record<string, unknown>;
      return parseEntry({ ...clear, ...Object.fromEntries(SECRET_FIELDS.map((field) => [field, secrets[field]])) });
    } catch {
      return undefined;
    }
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

function isSealed(value: unknown): value is Record<string, unknown> & { sealed: string } {
  return typeof value === 'object' && value !== null && typeof (value as { sealed?: unknown }).sealed === 'string';
}

function toCredentials(entry: SessionEntry): AssumedRole['credentials'] {
  return {
    accessKeyId: entry.accessKeyId,
    secretAccessKey: entry.secretAccessKey,
    sessionToken: entry.sessionToken,
    expiration: new Date(entry.expiration),
  };
}
