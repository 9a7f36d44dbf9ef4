// The AWS CLI's assume-role cache (~/.aws/cli/cache/<key>.json), read and written as botocore
// does, so a session obtained by either tool serves the other. Rules cited from botocore 1.43
// (credentials.py: BaseAssumeRoleCredentialFetcher, CachedCredentialFetcher, AssumeRoleProvider;
// utils.py: JSONFileCache) and awscli (customizations/assumerole.py, scalarparse.py).

import { readdirSync, unlinkSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import type { AssumedRole } from '../sts/types.js';
import { timeFromParts } from '../time/time.js';
import { directoryNotTrusted, makePrivateDirectories, notTrusted, readFileWithStats, writeFileAtomic } from './atomic-file.js';
import { assumedRoleMatches } from './role-arn.js';
import { sha1Hex } from './digest.js';

/** The AssumeRole arguments botocore puts in its cache key; only the ones that are configured. */
export interface AwsCliCacheArgs {
  RoleArn: string;
  RoleSessionName?: string;
  ExternalId?: string;
  SerialNumber?: string;
  DurationSeconds?: number;
}

/** awscli/customizations/assumerole.py: CACHE_DIR = ~/.aws/cli/cache (also for web identity). */
export function awsCliCacheDir(home: string): string {
  return join(home, '.aws', 'cli', 'cache');
}

/**
 * botocore's `_create_cache_key`: sha1(json.dumps(args, sort_keys=True).encode('utf-8')).hexdigest(),
 * then `_make_file_safe` (':' and '/' → '_', a no-op on hex). `args` are the AssumeRole kwargs:
 * RoleArn plus whatever the profile configures (AssumeRoleProvider adds a key when its setting is
 * not None, so an empty external_id counts). An empty or absent RoleSessionName makes botocore
 * generate `botocore-session-<epoch>` and drop it from the key. DurationSeconds is `int(...)`.
 */
export function awsCliCacheKey(args: AwsCliCacheArgs): string {
  const members: [string, string][] = [];
  for (const [name, value] of Object.entries(args) as [string, unknown][]) {
    if (value === undefined) continue;
    if (name === 'RoleSessionName' && value === '') continue;
    if (typeof value === 'number') {
      if (!Number.isSafeInteger(value)) throw new RangeError(`DurationSeconds must be an integer, not ${value}`);
      members.push([name, String(value)]); // json.dumps of a Python int: its decimal digits
    } else {
      members.push([name, pythonJsonString(String(value))]);
    }
  }
  // sort_keys=True sorts by code point; the names are ASCII, so JS's default sort agrees.
  members.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const text = `{${members.map(([name, json]) => `${pythonJsonString(name)}: ${json}`).join(', ')}}`;
  return sha1Hex(text).replace(/[:/\\]/g, '_');
}

/**
 * json.dumps(str) with the default ensure_ascii=True: `\\` and `"` escaped, every character outside
 * ' '..'~' escaped (ESCAPE_ASCII = r'([\\"]|[^\ -~])') — \n \r \t \b \f by name, the rest as
 * lowercase \uXXXX per UTF-16 unit, so astral characters become surrogate pairs, as in Python.
 */
function pythonJsonString(value: string): string {
  const named: Record<string, string> = { '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };
  const body = value.replace(/[\\"]|[^ -~]/g, (ch) => named[ch] ?? `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `"${body}"`;
}

/** What reading the AWS CLI's cache found: a session, or why an entry there was not used. */
export type AwsCliRead = { assumed: AssumedRole; path: string } | { ignored: string; path: string };

/** An AssumeRole response is a few kilobytes; a bigger file is not one, and is not read into memory. */
const ENTRY_MAX_BYTES = 1024 * 1024;

/**
 * The cached session for `args`: undefined when there is no entry, `ignored` with the reason when
 * there is one we do not trust or cannot use. The checks are those of awsrole's own cache
 * (store.ts), since anyone who can write here can hand us credentials: the directory must be a
 * real directory of ours that others cannot write, the entry a regular file of ours that others
 * cannot write (a symlink is not followed), of a sane size, with all four Credentials, and made
 * for the role asked for — its AssumedRoleUser.Arn names that role (and the session name, when the
 * key holds one), so a file copied under another role's key is not served.
 * botocore raises on some of these (a truncated file, a naive Expiration); they are a miss here.
 * The expiry is returned as found: the caller decides whether enough time remains (botocore
 * reuses an entry only while >= 15 minutes remain: CachedCredentialFetcher._is_expired).
 */
export function readAwsCliSession(dir: string, args: AwsCliCacheArgs): AwsCliRead | undefined {
  const path = cachePath(dir, args);
  const ignored = (why: string) => ({ ignored: why, path });
  let text: string;
  try {
    // Never follows a symlink, never blocks on a FIFO, throws for anything but a regular file.
    const file = readFileWithStats(path, ENTRY_MAX_BYTES);
    if (!file) return undefined;
    const distrust = awsCliDirectoryProblem(dir) ?? untrustedFile(file.stats);
    if (distrust) return ignored(distrust);
    text = file.text;
  } catch (error) {
    return ignored(`unreadable: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }

  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return ignored('not JSON');
  }
  const creds = field(data, 'Credentials');
  const accessKeyId = field(creds, 'AccessKeyId');
  const secretAccessKey = field(creds, 'SecretAccessKey');
  const sessionToken = field(creds, 'SessionToken');
  const expirationText = field(creds, 'Expiration');
  if (!nonEmpty(accessKeyId) || !nonEmpty(secretAccessKey) || !nonEmpty(sessionToken) || typeof expirationText !== 'string') {
    return ignored('not a complete set of credentials');
  }
  const expiration = parseExpiration(expirationText);
  if (!expiration) return ignored(`an Expiration we cannot read: ${JSON.stringify(expirationText.slice(0, 40))}`);
  const arn = field(field(data, 'AssumedRoleUser'), 'Arn');
  if (typeof arn !== 'string' || !assumedRoleMatches(arn, args.RoleArn, args.RoleSessionName || undefined)) {
    const found = typeof arn === 'string' ? `is for ${JSON.stringify(arn.slice(0, 200))}` : 'does not say which role it is for';
    return ignored(`the session ${found}, not for ${args.RoleArn}${args.RoleSessionName ? ` with session name ${args.RoleSessionName}` : ''}`);
  }
  return {
    assumed: {
      credentials: { accessKeyId, secretAccessKey, sessionToken, expiration },
      assumedRoleArn: arn,
    },
    path,
  };
}

/** Why the AWS CLI's cache directory cannot be trusted, or undefined when it can (see directoryNotTrusted). */
export function awsCliDirectoryProblem(dir: string): string | undefined {
  return directoryNotTrusted(dir);
}

function untrustedFile(stats: Stats): string | undefined {
  return notTrusted(stats, 'the entry');
}

/**
 * Writes the session where botocore looks for it, in the shape it writes: the AssumeRole response
 * (Credentials, AssumedRoleUser) with Credentials.AccountId taken from the assumed-role ARN, as
 * botocore adds it (_add_account_id_to_response). botocore's reader needs only the four
 * Credentials; AssumedRoleId is unknown to us and omitted, as is ResponseMetadata.
 *
 * Expiration is written as STS sends it and the AWS CLI v1 stores it: `YYYY-MM-DDTHH:MM:SSZ`
 * (whole seconds, rounded down so we never claim more time than STS granted).
 *
 * Like JSONFileCache.__setitem__ (through writeFileAtomic): create the directories if needed, write a temp file beside the
 * target, fsync, rename over `<key>.json`. Stricter than botocore: directories we create are 0700
 * (botocore: os.makedirs, 0777 & ~umask, so usually 0755) and the temp file is opened
 * O_EXCL|O_NOFOLLOW and set to 0600 whatever the umask (botocore: mkstemp, 0600). rename replaces
 * a symlink at the target rather than writing through it. An existing directory is left as it is.
 * Throws on I/O errors: the caller decides whether a cache failure matters.
 */
export function writeAwsCliSession(dir: string, args: AwsCliCacheArgs, assumed: AssumedRole, profile: string): void {
  const { accessKeyId, secretAccessKey, sessionToken, expiration } = assumed.credentials;
  const accountId = /^arn:[^:]+:sts::(\d{12}):/.exec(assumed.assumedRoleArn)?.[1];
  const response = {
    Credentials: {
      AccessKeyId: accessKeyId,
      SecretAccessKey: secretAccessKey,
      SessionToken: sessionToken,
      Expiration: `${expiration.toISOString().slice(0, 19)}Z`,
      ...(accountId ? { AccountId: accountId } : {}),
    },
    ...(assumed.assumedRoleArn ? { AssumedRoleUser: { Arn: assumed.assumedRoleArn } } : {}),
    [WRITER]: { profile },
  };

  makePrivateDirectories(dir);
  const problem = awsCliDirectoryProblem(dir);
  if (problem) throw new Error(problem);
  writeFileAtomic(cachePath(dir, args), JSON.stringify(response));
}

/**
 * Marks the entries awsrole writes, with the profile they were obtained for, so that `cache clear`
 * finds every one (whatever key it has) and never removes one the AWS CLI wrote. botocore reads
 * only Credentials from an entry; other members are ignored (CachedCredentialFetcher).
 */
const WRITER = 'AwsroleWrittenFor';

/**
 * Removes the entries awsrole wrote (for `profile`, or for any profile), and says how many. Only
 * regular files of ours are read; a file that cannot be read or parsed is left alone.
 */
export function removeAwsCliSessionsWrittenBy(dir: string, profile: string | undefined, removedFile: (path: string) => void = () => {}): number {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return 0; // no cache, or not one we can read: nothing of ours to remove
  }
  let removed = 0;
  for (const name of names) {
    if (!/^[0-9a-f]{40}\.json$/.test(name)) continue;
    const path = join(dir, name);
    try {
      const file = readFileWithStats(path, ENTRY_MAX_BYTES);
      if (!file || untrustedFile(file.stats)) continue;
      const writer = field(JSON.parse(file.text), WRITER);
      const writtenFor = field(writer, 'profile');
      if (typeof writtenFor !== 'string' || (profile !== undefined && writtenFor !== profile)) continue;
      unlinkSync(path);
      removed++;
      removedFile(path);
    } catch {
      // Unreadable, not JSON, or gone meanwhile: not ours to judge.
    }
  }
  return removed;
}

/** Deletes the cached session for `args` (a symlink there is removed, not followed). True if one was there. */
export function removeAwsCliSession(dir: string, args: AwsCliCacheArgs): boolean {
  try {
    unlinkSync(cachePath(dir, args));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------

/** JSONFileCache._convert_cache_key: <dir>/<key>.json */
function cachePath(dir: string, args: AwsCliCacheArgs): string {
  return join(dir, `${awsCliCacheKey(args)}.json`);
}

function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>)[name] : undefined;
}

function nonEmpty(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

/**
 * The three spellings writers leave in this cache, each with optional fractional seconds:
 *   `…Z`       the AWS CLI v1 (cli_timestamp_format wire, its default: STS's own text);
 *   `…+00:00`  the AWS CLI with cli_timestamp_format iso8601 (v2's default): datetime.isoformat();
 *   `…UTC`     botocore/boto3 with a JSONFileCache: strftime('%Y-%m-%dT%H:%M:%S%Z').
 * botocore reads them with dateutil.parser.parse; any ±HH:MM offset is accepted here too.
 * A time without a zone is refused: botocore would crash comparing it with an aware `now`.
 */
const EXPIRATION = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|UTC|([+-])(\d{2}):(\d{2}))$/;

function parseExpiration(text: string): Date | undefined {
  const m = EXPIRATION.exec(text);
  if (!m) return undefined;
  const [, year, month, day, hour, minute, second, fraction, , sign, offsetHours, offsetMinutes] = m as unknown as string[];
  return timeFromParts({
    year: year!, month: month!, day: day!, hour: hour!, minute: minute!, second: second!,
    ...(fraction && { fraction }),
    ...(sign && { offset: { sign, hours: offsetHours!, minutes: offsetMinutes! } }),
  });
}
