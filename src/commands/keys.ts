import { mkdirSync, readFileSync, realpathSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../cache/atomic-file.js';
import { userInfo } from 'node:os';
import { loadConfig } from '../config/load.js';
import type { IniSection, LoadedConfig, Profile } from '../config/types.js';
import { ConfigError, UsageError } from '../errors/errors.js';
import { appendSection, insertLineAfter, replaceKeyLines } from '../keys/file-edit.js';
import { keystoreFor } from '../keys/keystore.js';
import type { LongTermKeys } from '../keys/types.js';
import { openTerminal } from '../mfa/terminal.js';
import { maskAccessKeyId } from '../output/mask.js';
import { alignColumns } from '../output/table.js';
import { keysHelperCommand, ownKeysHelperProfile } from '../plan/own-keys-helper.js';
import { didYouMean } from '../plan/suggest.js';
import { formatOrigin } from '../plan/where.js';
import { resolvePlan } from '../plan/resolve.js';
import { cacheClearCommand } from './cache.js';
import type { CommandContext } from './context.js';

/** Long-term key ids of IAM users start so; ASIA… keys are temporary and expire. */
const LONG_TERM_KEY_ID = /^AKIA[A-Z0-9]{12,124}$/;
/** More than two lines of keys is not what --stdin expects; this bounds what is read. */
const STDIN_MAX_BYTES = 64 * 1024;

/** Settings that make a profile something other than a holder of keys: it gets its credentials elsewhere. */
const OTHER_SOURCES = ['role_arn', 'credential_source', 'web_identity_token_file', 'sso_session', 'sso_start_url', 'sso_account_id', 'login_session'];

/**
 * `keys add <profile>`: the key id and secret from the terminal (no echo) or, with --stdin, two
 * lines of stdin — never from the command line, where `ps` and the shell history would show them.
 */
export async function keysAddCommand(profile: string, options: { stdin?: boolean }, context: CommandContext): Promise<void> {
  const config = loadConfig(context.env);
  checkCanHoldKeys(profile, config);
  const keys = options.stdin ? parseKeyLines(await readStdin()) : await promptForKeys(profile);
  const keystore = keystoreFor(context.env);
  const previous = keystore.list().find((entry) => entry.profile === profile);
  const stored = await keystore.put(profile, keys, context.info);
  context.info(`stored keys ${maskAccessKeyId(keys.accessKeyId)} of profile ${profile} in ${stored.description}`);
  if (previous && previous.accessKeyId !== keys.accessKeyId) forgetSessionsFrom(profile, context);
  // Under the keystore's lock: two keys add at once must not both rewrite the credentials file from the same old text.
  await keystore.withLock(async () => pointProfileAtKeystore(profile, loadConfig(context.env), context));
}

/**
 * `keys import <profile>`: moves the profile's keys out of the credentials file. The keystore's
 * copy is read back first; only then are the two key lines replaced by the credential_process
 * line, the rest of the file byte for byte as it was.
 */
export async function keysImportCommand(profile: string, context: CommandContext): Promise<void> {
  const first = importPlan(profile, loadConfig(context.env));
  const keystore = keystoreFor(context.env);
  const stored = await keystore.put(profile, first.keys, context.info);
  // Written only after the keystore's copy has read back (put() checks): the file's copy may go.
  // Worked out again under the lock, from the file as it is now (a keys add may have appended to it).
  const plan = await keystore.withLock(async () => {
    const now = importPlan(profile, loadConfig(context.env));
    if (now.keys.accessKeyId !== first.keys.accessKeyId || now.keys.secretAccessKey !== first.keys.secretAccessKey) {
      throw new ConfigError(`the keys of profile "${profile}" changed in ${now.file} while they were being stored; nothing was removed from it`, `run awsrole keys import ${profile} again`);
    }
    writeFileAtomic(now.path, now.edited);
    return now;
  });
  context.info(`moved keys ${maskAccessKeyId(plan.keys.accessKeyId)} of profile ${profile} into ${stored.description}`);
  context.info(`${plan.file}: the two key lines are now credential_process = ${keysHelperCommand(profile)}`);
  if (plan.otherKeys) {
    // Not read any more (credential_process comes first, in botocore and here), but still a secret in plain text.
    context.warn(`profile ${profile} also has keys in ${plan.otherKeys}, left as they were: remove them`);
  }
}

/** What `keys import` takes and writes: the keys, and the file's text without them; errors for what it cannot import. */
function importPlan(profile: string, config: LoadedConfig): { keys: LongTermKeys; file: string; path: string; edited: string; otherKeys?: string } {
  const found = profileNamed(profile, config);
  const section = [found.fromCredentials, found.fromConfig].find((candidate) => candidate?.settings.get('aws_access_key_id'));
  if (!section) {
    const helper = ownKeysHelperProfile(found.settings.get('credential_process')?.value ?? '');
    throw new UsageError(
      helper ? `profile "${profile}" has its keys in awsrole's keystore already` : `profile "${profile}" has no aws_access_key_id to import`,
      helper ? undefined : `store keys for it with: awsrole keys add ${profile}`,
    );
  }
  const id = section.settings.get('aws_access_key_id')!;
  const secret = section.settings.get('aws_secret_access_key');
  const where = formatOrigin(id.origin);
  if (!secret?.value) throw new ConfigError(`profile "${profile}" has aws_access_key_id but no aws_secret_access_key beside it (${where})`);
  if (section.settings.get('aws_session_token')?.value) {
    throw new ConfigError(`profile "${profile}" holds temporary keys (aws_session_token is set); only an IAM user's long-term keys belong in the keystore (${where})`);
  }
  let keys: LongTermKeys;
  try {
    keys = checkKeys({ accessKeyId: id.value, secretAccessKey: secret.value });
  } catch (error) {
    // What is in the file is configuration, not something typed: exit 3.
    throw new ConfigError(`profile "${profile}": ${(error as Error).message} (${where})`);
  }
  const path = realpathSync(id.origin.file); // a symlinked file is edited where it is, not replaced by a copy
  let edited: string;
  try {
    edited = replaceKeyLines(readFileSync(path, 'utf8'), { accessKeyLine: id.origin.line, secretKeyLine: secret.origin.line }, `credential_process = ${keysHelperCommand(profile)}`);
  } catch (error) {
    throw new ConfigError(`cannot take the keys of profile "${profile}" out of the file: ${(error as Error).message} (${where})`, 'edit it so that each key is on one line of its own');
  }
  const other = [found.fromCredentials, found.fromConfig].find((candidate) => candidate && candidate !== section && candidate.settings.get('aws_secret_access_key'));
  const plan: { keys: LongTermKeys; file: string; path: string; edited: string; otherKeys?: string } = { keys, file: id.origin.file, path, edited };
  if (other) plan.otherKeys = formatOrigin(other.settings.get('aws_secret_access_key')!.origin);
  return plan;
}

/** `keys list`: profile, key id (masked), age, backend; nothing is unlocked. */
export function keysListCommand(options: { json?: boolean }, context: CommandContext): void {
  const entries = keystoreFor(context.env).list();
  const now = Date.now();
  if (options.json) {
    const rows = entries.map((entry) => ({ profile: entry.profile, accessKeyId: maskAccessKeyId(entry.accessKeyId), storedAt: entry.storedAt, backend: entry.backend }));
    context.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  if (entries.length === 0) {
    context.info('no keys in the keystore yet: awsrole keys import <profile> moves them out of ~/.aws/credentials');
    return;
  }
  const rows = entries.map((entry) => [entry.profile, maskAccessKeyId(entry.accessKeyId), age(now - new Date(entry.storedAt).getTime()), entry.backend]);
  context.stdout.write(alignColumns([['PROFILE', 'ACCESS KEY', 'AGE', 'BACKEND'], ...rows]));
}

/** `keys remove <profile>`: the stored keys go; the profile's credential_process line stays (said so). */
export async function keysRemoveCommand(profile: string, context: CommandContext): Promise<void> {
  const { removed, description } = await keystoreFor(context.env).remove(profile);
  if (!removed) throw new UsageError(`profile "${profile}" has no keys in awsrole's keystore`, 'awsrole keys list shows the profiles that have');
  context.info(`removed the keys of profile ${profile} from ${description}`);
  forgetSessionsFrom(profile, context);
  const line = loadConfig(context.env).profiles.get(profile)?.settings.get('credential_process');
  if (line && ownKeysHelperProfile(line.value) === profile) {
    context.warn(`profile ${profile} still says credential_process = ${line.value} (${formatOrigin(line.origin)}); it fails until keys are added again`);
  }
}

/** `credential-process --keys <profile>`: the stored keys in the credential_process protocol, for the AWS CLI and SDKs. */
export async function keysCredentialProcessCommand(profile: string, context: CommandContext): Promise<void> {
  const { keys } = await keystoreFor(context.env).get(profile);
  context.stdout.write(`${JSON.stringify({ Version: 1, AccessKeyId: keys.accessKeyId, SecretAccessKey: keys.secretAccessKey })}\n`);
}

/**
 * Removes the cached role sessions of every chain that starts from the keystore entry. Cached hops
 * are keyed by the entry's name, not the key (so a cached use needs no unlock): keys replaced by
 * other ones — perhaps another IAM user's — must not inherit the sessions the old ones obtained.
 * (Rotation keeps them: the new key is the same user's.)
 */
function forgetSessionsFrom(entry: string, context: CommandContext): void {
  const config = loadConfig(context.env);
  const hopProfiles = new Set<string>();
  for (const name of config.profiles.keys()) {
    try {
      const plan = resolvePlan({ config, env: context.env, localUser: () => userInfo().username }, name);
      const [first, ...hops] = plan.steps;
      if (first.kind === 'keystore' && first.entry.value === entry) for (const hop of hops) hopProfiles.add(hop.profile);
    } catch {
      // A profile that does not resolve has no sessions to forget.
    }
  }
  for (const profile of hopProfiles) cacheClearCommand(profile, {}, { ...context, info: context.debug });
  if (hopProfiles.size > 0) context.info(`forgot the cached sessions obtained with the previous keys (${[...hopProfiles].join(', ')})`);
}

function profileNamed(profile: string, config: LoadedConfig): Profile {
  const found = config.profiles.get(profile);
  if (!found) throw new UsageError(`profile "${profile}" is not in ${config.configFile} or ${config.credentialsFile}`, didYouMean(profile, config.profiles.keys()));
  return found;
}

/** A profile that gets its credentials elsewhere (a role, SSO…) or has keys in a file already cannot take stored keys. */
function checkCanHoldKeys(profile: string, config: LoadedConfig): void {
  const found = config.profiles.get(profile);
  if (!found) return; // a new profile: `[profile]` is added to the credentials file
  const other = OTHER_SOURCES.find((name) => found.settings.get(name)?.value);
  if (other) {
    const origin = formatOrigin(found.settings.get(other)!.origin);
    throw new UsageError(`profile "${profile}" gets its credentials through ${other}, not from keys of its own (${origin})`, 'store the keys of the profile it starts from');
  }
  if (found.settings.get('aws_access_key_id')?.value) {
    throw new UsageError(
      `profile "${profile}" has keys in a file already (${formatOrigin(found.settings.get('aws_access_key_id')!.origin)})`,
      `move them into the keystore with: awsrole keys import ${profile}`,
    );
  }
  const process = found.settings.get('credential_process');
  if (process?.value && ownKeysHelperProfile(process.value) !== profile) {
    throw new UsageError(`profile "${profile}" has a credential_process of its own (${formatOrigin(process.origin)})`, 'remove that line first if the keys should replace it');
  }
}

/** Makes the profile's credential_process awsrole's keys helper, in the credentials file, unless it is already. */
function pointProfileAtKeystore(profile: string, config: LoadedConfig, context: CommandContext): void {
  const found = config.profiles.get(profile);
  const current = found?.settings.get('credential_process');
  if (current && ownKeysHelperProfile(current.value) === profile) return;
  const line = `credential_process = ${keysHelperCommand(profile)}`;
  const section: IniSection | undefined = found?.fromCredentials;
  const path = realpathOrSelf(config.credentialsFile);
  const text = readIfPresent(path);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 }); // a first profile: ~/.aws may not exist yet
  if (section) {
    const last = Math.max(section.origin.line, ...[...section.settings.values()].map((setting) => setting.origin.line));
    writeFileAtomic(path, insertLineAfter(text, last, line));
  } else {
    writeFileAtomic(path, appendSection(text, `[${profile}]`, line));
  }
  context.info(`${config.credentialsFile}: profile ${profile} has credential_process = ${keysHelperCommand(profile)}`);
}

function realpathOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

function readIfPresent(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw error;
  }
}

async function promptForKeys(profile: string): Promise<LongTermKeys> {
  const terminal = openTerminal('/dev/tty', 'key prompt');
  if (!terminal) throw new UsageError('no terminal to ask for the keys on', `pipe them in: printf '%s\\n' "$KEY_ID" "$SECRET" | awsrole keys add ${profile} --stdin`);
  try {
    terminal.write(`Keys for profile ${profile} (typed without echo)\n`);
    const accessKeyId = (await terminal.readHidden('Access key id: '))?.trim() ?? '';
    const secretAccessKey = (await terminal.readHidden('Secret access key: '))?.trim() ?? '';
    return checkKeys({ accessKeyId, secretAccessKey });
  } finally {
    terminal.close();
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    size += (chunk as Buffer).length;
    if (size > STDIN_MAX_BYTES) throw new UsageError(`--stdin takes two lines (the key id, then the secret), not ${STDIN_MAX_BYTES} bytes and more`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Two lines: the access key id, then the secret access key (blank lines ignored). */
export function parseKeyLines(text: string): LongTermKeys {
  const lines = text.split(/\r?\n/).map((line) => line.trim()).filter(Boolean);
  if (lines.length !== 2) throw new UsageError(`--stdin takes two lines, the access key id and then the secret access key; it got ${lines.length}`);
  return checkKeys({ accessKeyId: lines[0]!, secretAccessKey: lines[1]! });
}

/** Whether these look like an IAM user's long-term keys; a message never repeats the secret. */
export function checkKeys(keys: LongTermKeys): LongTermKeys {
  if (!keys.accessKeyId) throw new UsageError('no access key id given');
  if (keys.accessKeyId.startsWith('ASIA')) throw new UsageError('that access key id is a temporary one (ASIA…): only an IAM user\'s long-term keys (AKIA…) belong in the keystore');
  if (!LONG_TERM_KEY_ID.test(keys.accessKeyId)) throw new UsageError(`"${maskAccessKeyId(keys.accessKeyId)}" is not an access key id: AKIA followed by letters and digits`);
  if (!keys.secretAccessKey) throw new UsageError('no secret access key given');
  if (/\s/.test(keys.secretAccessKey)) throw new UsageError('the secret access key holds white space: it is not one');
  return keys;
}

function age(milliseconds: number): string {
  const days = Math.floor(milliseconds / 86_400_000);
  if (days >= 1) return `${days} day${days === 1 ? '' : 's'}`;
  const hours = Math.floor(milliseconds / 3_600_000);
  if (hours >= 1) return `${hours} h`;
  return `${Math.max(0, Math.floor(milliseconds / 60_000))} min`;
}
