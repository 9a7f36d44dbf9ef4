/**
 * Errors that end the process. Each carries the exit code DESIGN.md assigns to its kind, and
 * optionally one hint line. Messages never contain secrets.
 */
export const ExitCode = {
  ok: 0,
  unexpected: 1,
  usage: 2,
  config: 3,
  awsRefused: 4,
  awsUnreachable: 5,
} as const;

export class AwsroleError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
    readonly hint?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Exit 2: a bad flag, an unknown profile, a missing argument. */
export class UsageError extends AwsroleError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.usage, hint);
  }
}

/** Exit 3: an unreadable or malformed file, a cycle, a missing source profile, an invalid value. */
export class ConfigError extends AwsroleError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.config, hint);
  }
}

/** Exit 4: AWS answered and refused (an STS error code). */
export class AwsRefusedError extends AwsroleError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.awsRefused, hint);
  }
}

/** Exit 5: AWS could not be reached (network, DNS, timeout). */
export class AwsUnreachableError extends AwsroleError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.awsUnreachable, hint);
  }
}
