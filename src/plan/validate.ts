import { ConfigError, UsageError } from '../errors/errors.js';
import type { Planned } from './types.js';
import { describeSource } from './where.js';

// The patterns STS itself enforces (API reference, AssumeRole request parameters), so a bad
// value is reported with its file and line before any call is made.
const ROLE_ARN = /^arn:aws(?:-[a-z]+)*:iam::\d{12}:role\/[\w+=,.@\/-]{1,512}$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const EXTERNAL_ID = /^[\w+=,.@:\/-]{2,1224}$/;
const MFA_SERIAL = /^[\w+=\/:,.@-]{9,256}$/;
// botocore's validate_region_name (utils.py): a region is a DNS label, checked before any call.
const REGION = /^(?![0-9]+$)(?!-)[a-zA-Z0-9-]{0,63}(?<!-)$/;
export const MIN_DURATION = 900;
export const MAX_DURATION = 43200;

function invalid(what: string, value: Planned<unknown>, hint: string): Error {
  const where = describeSource(value.source);
  // A bad flag is a usage error (exit 2); a bad file value is a configuration error (exit 3).
  return value.source.kind === 'flag'
    ? new UsageError(`${what} (${where})`, hint)
    : new ConfigError(`${what} (${where})`, hint);
}

export function checkRoleArn(profile: string, arn: Planned<string>): void {
  if (!ROLE_ARN.test(arn.value)) {
    throw invalid(
      `profile "${profile}": role_arn "${arn.value}" is not an IAM role ARN`,
      arn,
      'expected arn:aws:iam::<12-digit account>:role/<name>',
    );
  }
}

export function checkSessionName(profile: string, name: Planned<string>): void {
  if (!SESSION_NAME.test(name.value)) {
    throw invalid(
      `profile "${profile}": role_session_name "${name.value}" is not a valid session name`,
      name,
      'STS accepts 2 to 64 letters, digits and + = , . @ _ -',
    );
  }
}

export function checkExternalId(profile: string, id: Planned<string>): void {
  // The external id is not a secret by AWS's definition, but it is not echoed either:
  // some teams treat it as one.
  if (!EXTERNAL_ID.test(id.value)) {
    throw invalid(
      `profile "${profile}": external_id is not valid`,
      id,
      'STS accepts 2 to 1224 letters, digits and + = , . @ : / _ -',
    );
  }
}

export function checkMfaSerial(profile: string, serial: Planned<string>): void {
  if (!MFA_SERIAL.test(serial.value)) {
    throw invalid(
      `profile "${profile}": mfa_serial "${serial.value}" is not an MFA device serial number or ARN`,
      serial,
      'STS accepts 9 to 256 letters, digits and + = / : , . @ _ -, e.g. arn:aws:iam::123456789012:mfa/alice',
    );
  }
}

/**
 * botocore refuses a region that is not a DNS label (InvalidRegionError) before calling anything;
 * a comment after the value (`region = eu-west-1 ; Ireland`) is part of the value in both.
 */
export function checkRegion(profile: string, region: Planned<string>): void {
  if (!REGION.test(region.value)) {
    throw invalid(
      `profile "${profile}": region "${region.value}" is not a region name`,
      region,
      'a region is letters, digits and hyphens, e.g. eu-west-1; the files have no inline comments',
    );
  }
}

/** botocore silently drops a non-integer duration_seconds; awsrole says so instead. */
export function parseDuration(profile: string, raw: Planned<string>): Planned<number> {
  const text = raw.value.trim();
  const seconds = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(seconds) || seconds < MIN_DURATION || seconds > MAX_DURATION) {
    throw invalid(
      `profile "${profile}": duration_seconds "${raw.value}" is not a whole number of seconds from ${MIN_DURATION} to ${MAX_DURATION}`,
      raw,
      'STS accepts 900 (15 minutes) to 43200 (12 hours), capped by the role\'s maximum session duration',
    );
  }
  return { value: seconds, source: raw.source };
}
