import type { Credentials } from '../run/credentials.js';
import { AwsroleError, ConfigError, ExitCode } from '../errors/errors.js';
import { maskAccessKeyId } from '../output/mask.js';
import { runHelper, splitHelperCommand } from '../process/helper-command.js';
import { formatTimestamp } from '../output/timestamp.js';
import type { ProcessStep } from '../plan/types.js';
import { timeFromParts } from '../time/time.js';
import { describeSource } from '../plan/where.js';
import type { SourceContext, SourceResult } from './types.js';

/** Long enough for a helper that opens a browser for a login, or waits for a touch. */
export const DEFAULT_PROCESS_TIMEOUT_MS = 60_000;

/** Credentials are a few kilobytes; more than this is not kept in memory and is an error. */
const MAX_OUTPUT_BYTES = 1024 * 1024;

const PROTOCOL_HINT =
  'it must print one JSON object on stdout: {"Version": 1, "AccessKeyId": "…", "SecretAccessKey": "…", "SessionToken": "…", "Expiration": "2026-11-28T10:00:00Z"} (the last two optional); messages belong on stderr';

export interface ProcessOptions {
  /** Default DEFAULT_PROCESS_TIMEOUT_MS; the helper is then stopped (SIGTERM). */
  timeoutMs?: number;
}

/**
 * `credential_process`, by botocore's rules: the command line is split like Python's shlex and run
 * without a shell, with awsrole's environment and stdin (a helper may ask for a password there);
 * its stdout is the credentials as JSON; its stderr goes straight to ours, so its prompts and
 * messages reach the user.
 *
 * Exit codes. The rule: exit 3 (configuration) when what must change is the configured helper;
 * exit 4 or 5 when the helper ran as configured and the credential source behind it would not or
 * could not answer, so that running again later (after logging in to it, say) may succeed. Exit 1
 * stays for awsrole's own bugs.
 *   3  the command line cannot be split, or is empty; the program does not exist or cannot be run;
 *      its output breaks the protocol: not JSON, not an object, Version not the number 1, a
 *      missing or non-string key, an Expiration that is not an ISO 8601 time with a zone.
 *   4  the helper exits non-zero or is killed (it refused: not logged in, locked, denied); it
 *      hands back credentials that have already expired (it followed the protocol, its state is
 *      stale) — like an expired SSO login, which is exit 4 too.
 *   5  it does not finish in time (like an endpoint that never answers).
 *
 * Messages name the profile, the program (argv[0] only: the arguments may carry a token) and
 * where the setting came from. The helper's stdout holds secrets and is never shown.
 */
export async function processCredentials(step: ProcessStep, context: SourceContext, options: ProcessOptions = {}): Promise<SourceResult> {
  const where = `profile "${step.profile}", ${describeSource(step.command.source)}`;
  const argv = parse(step.command.value, where);
  const program = argv[0]!;
  context.debug(`profile ${step.profile}: credential_process "${program}" (${describeSource(step.command.source)})`);

  const stdout = await run(argv, where, context, options.timeoutMs ?? DEFAULT_PROCESS_TIMEOUT_MS);
  const credentials = parseOutput(stdout, `credential_process "${program}"`, where);
  if (credentials.expiration && credentials.expiration.getTime() <= context.now().getTime()) {
    throw new AwsroleError(
      `credential_process "${program}" returned credentials that expired at ${formatTimestamp(credentials.expiration)} (${where})`,
      ExitCode.awsRefused,
      'the helper handed back stale credentials: renew its login or clear its cache',
    );
  }
  const key = maskAccessKeyId(credentials.accessKeyId);
  context.debug(
    `profile ${step.profile}: credential_process gave keys ${key}` +
      `${credentials.sessionToken ? ' with a session token' : ''}, ${credentials.expiration ? `expiring ${formatTimestamp(credentials.expiration)}` : 'not expiring'}`,
  );
  return {
    credentials,
    identity: `keys:${credentials.accessKeyId}`,
    caller: `credential_process of profile "${step.profile}" (${key})`,
  };
}

function parse(command: string, where: string): string[] {
  const split = splitHelperCommand(command);
  if ('problem' in split) throw new ConfigError(`credential_process ${split.problem} (${where})`);
  return split.argv;
}

async function run(argv: string[], where: string, context: SourceContext, timeoutMs: number): Promise<string> {
  const name = `credential_process "${argv[0]}"`;
  const outcome = await runHelper(argv, { env: context.env, stderr: context.stderr, timeoutMs, maxOutputBytes: MAX_OUTPUT_BYTES });
  switch (outcome.kind) {
    case 'ok':
      return outcome.stdout;
    case 'too-much-output':
      throw new ConfigError(`${name} printed more than ${MAX_OUTPUT_BYTES} bytes (${where})`, PROTOCOL_HINT);
    case 'timed-out':
      throw new AwsroleError(`${name} did not finish within ${timeoutMs / 1000} s (${where})`, ExitCode.awsUnreachable, 'it was stopped; if it waits for a login or a touch, answer it sooner');
    case 'not-found':
      throw new ConfigError(`${name} was not found (${where})`, 'it is run without a shell: give the full path of the program, or make sure it is on PATH');
    case 'cannot-run':
      throw new ConfigError(`${name} could not be run: ${outcome.reason} (${where})`);
    case 'failed':
      throw new AwsroleError(`${name} ${outcome.how} (${where})`, ExitCode.awsRefused, 'its own messages, if any, are above');
  }
}

/** The credential_process protocol; every message says what is wrong without repeating a value. */
function parseOutput(stdout: string, name: string, where: string): Credentials {
  function fail(what: string): never {
    throw new ConfigError(`${name} ${what} (${where})`, PROTOCOL_HINT);
  }
  let document: unknown;
  try {
    document = JSON.parse(stdout);
  } catch {
    return fail(stdout.trim() === '' ? 'printed nothing on stdout' : 'did not print JSON on stdout');
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) return fail('did not print a JSON object');
  const fields = document as Record<string, unknown>;

  // botocore: `parsed.get('Version') != 1`. The number 1 only: "1" is refused by both SDKs.
  const version = fields.Version;
  if (version === undefined) fail('printed no "Version"; it must be the number 1');
  if (typeof version !== 'number') fail(`printed "Version" as ${typeName(version)}; it must be the number 1`);
  if (version !== 1) fail(`printed "Version": ${version}; awsrole supports only version 1`);

  const required = (key: string): string => {
    const value = fields[key];
    if (value === undefined || value === null) return fail(`printed no "${key}"`);
    if (typeof value !== 'string') return fail(`printed "${key}" as ${typeName(value)}; it must be a string`);
    if (value === '') return fail(`printed an empty "${key}"`);
    return value;
  };
  const credentials: Credentials = { accessKeyId: required('AccessKeyId'), secretAccessKey: required('SecretAccessKey') };

  // Optional fields: absent, null or "" mean "none", as botocore's parsed.get() and the JS SDK read them.
  const token = fields.SessionToken;
  if (token !== undefined && token !== null && typeof token !== 'string') fail(`printed "SessionToken" as ${typeName(token)}; it must be a string`);
  if (typeof token === 'string' && token !== '') credentials.sessionToken = token;

  const expiration = fields.Expiration;
  if (expiration !== undefined && expiration !== null && expiration !== '') {
    const date = typeof expiration === 'string' ? parseIsoTime(expiration) : undefined;
    if (!date) fail('printed an "Expiration" that is not an ISO 8601 time with a zone, like 2026-11-28T10:00:00Z');
    credentials.expiration = date;
  }
  return credentials;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'a boolean';
    default:
      return 'an object';
  }
}

/**
 * ISO 8601 date and time with a zone: `Z`, `UTC`, `±HH:MM` or `±HHMM`, optional fractional
 * seconds, `T` or a space between date and time. botocore reads the field with dateutil (which
 * takes almost anything); a time without a zone would crash its comparison with an aware `now`,
 * so it is refused here with a clear message.
 */
const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:Z|UTC|([+-])(\d{2}):?(\d{2}))$/i;

function parseIsoTime(text: string): Date | undefined {
  const m = ISO_TIME.exec(text.trim());
  if (!m) return undefined;
  const [, year, month, day, hour, minute, second, fraction, sign, offsetHours, offsetMinutes] = m as unknown as string[];
  return timeFromParts({
    year: year!, month: month!, day: day!, hour: hour!, minute: minute!, second: second!,
    ...(fraction && { fraction }),
    ...(sign && { offset: { sign, hours: offsetHours!, minutes: offsetMinutes! } }),
  });
}
