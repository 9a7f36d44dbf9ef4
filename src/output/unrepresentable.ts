import { AwsroleError, ExitCode } from '../errors/errors.js';

/**
 * The error for a value that a format cannot hold exactly. It is neither a usage nor a config
 * error (nothing the user typed is wrong), so it exits 1. `what` names the variable or field,
 * never its value: the value may be a secret.
 */
export function unrepresentable(what: string, format: string, reason: string, hint: string): AwsroleError {
  return new AwsroleError(`cannot write ${what} in the ${format} format: ${reason}`, ExitCode.unexpected, hint);
}

/** A NUL, or half of a UTF-16 surrogate pair (it would reach the output as U+FFFD). */
const NEVER_WRITABLE = /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Throws for what no format can carry: an environment variable cannot hold NUL, and a lone
 * surrogate cannot be encoded as UTF-8.
 */
export function assertWritable(value: string, what: string, format: string, hint: string): void {
  if (NEVER_WRITABLE.test(value)) {
    throw unrepresentable(what, format, 'the value contains a NUL character or invalid Unicode', hint);
  }
}
