/**
 * Quoting a value for each target so that it reads back exactly and nothing in it runs as code.
 * Each quoter takes the value and the name of the variable it belongs to; the name appears in
 * errors, the value never does (it may be a secret).
 */
import { AwsroleError, ExitCode } from '../errors/errors.js';
import { assertWritable, unrepresentable } from './unrepresentable.js';

const MALFORMED_HINT = 'the credential source returned a malformed value';

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Names are constants of ours; this guards against a programming error, not user input. */
export function assertVariableName(name: string): void {
  if (!VARIABLE_NAME.test(name)) {
    throw new AwsroleError(`internal error: "${name}" is not a valid environment variable name`, ExitCode.unexpected);
  }
}

/**
 * sh, bash, zsh, dash, ksh: inside single quotes nothing is special, and a single quote cannot
 * appear at all, so each `'` becomes `'\''` (close, escaped quote, reopen).
 */
export function quotePosix(value: string, name: string): string {
  assertWritable(value, name, 'shell', MALFORMED_HINT);
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/**
 * fish: inside single quotes `\\` means `\` and `\'` means `'` (any other backslash is literal),
 * so both backslash and quote are escaped with a backslash. Line breaks need nothing.
 */
export function quoteFish(value: string, name: string): string {
  assertWritable(value, name, 'fish', MALFORMED_HINT);
  return `'${value.replace(/[\\']/g, '\\$&')}'`;
}

/**
 * PowerShell: a single-quoted string has no escapes; a quote is written twice. PowerShell treats
 * the typographic single quotes U+2018, U+2019, U+201A and U+201B as quotes too (a doubled pair
 * stands for its second character), so they are doubled as well.
 */
export function quotePowerShell(value: string, name: string): string {
  assertWritable(value, name, 'powershell', MALFORMED_HINT);
  return `'${value.replace(/['\u2018\u2019\u201A\u201B]/g, '$&$&')}'`;
}

const DOTENV_HINT = 'use --format json, or awsrole exec to pass the credentials to a command';

/**
 * Characters that mean nothing to any dotenv reader outside quotes: base64 (`+/=`), ISO 8601
 * timestamps (`:`), regions and most profile names. npm `dotenv` takes an unquoted value up to a
 * `#` and trims it; python-dotenv cuts ` #…` and trims it, and expands `${NAME}`; a leading quote
 * would start a quoted value for both. None of that can happen to these characters.
 */
const DOTENV_BARE = /^[A-Za-z0-9_./+=:@,-]*$/;

/**
 * dotenv files: `K=value` bare when the value needs no quotes (see DOTENV_BARE), else
 * `K='value'`, single quotes, value taken literally. It is the one quoted form that the npm
 * `dotenv` package and python-dotenv both read back unchanged, provided the value has none of:
 * - `'` (neither parser has an escape that the other reads the same way);
 * - `$` (python-dotenv expands `${NAME}` even inside single quotes; dotenv-expand, the usual
 *   companion of npm `dotenv`, expands `$NAME` and `${NAME}`);
 * - two backslashes in a row, or a backslash at the end (python-dotenv turns `\\` into `\`, and a
 *   final `\` would escape the closing quote for it; npm `dotenv` keeps backslashes);
 * - a line break (npm `dotenv` before 15 and many line-based readers take one line per variable;
 *   npm `dotenv` turns CR into LF).
 * Such a value is rejected rather than written in a form some reader would change.
 */
export function quoteDotenv(value: string, name: string): string {
  assertWritable(value, name, 'dotenv', MALFORMED_HINT);
  if (DOTENV_BARE.test(value)) return value;
  if (/['$\r\n]|\\\\|\\$/.test(value)) {
    throw unrepresentable(
      name,
      'dotenv',
      "the value contains a single quote, a $, a line break, a double backslash or a final backslash, which dotenv parsers do not read back alike",
      DOTENV_HINT,
    );
  }
  return `'${value}'`;
}

/**
 * docker: a line of `docker run --env-file`, written bare. Docker takes everything after the
 * first `=` as the value, exactly — no quotes, escapes or comments are recognised, nothing is
 * trimmed (docker/cli `pkg/kvfile`, formerly `opts/envfile.go`: "value is returned as-is").
 * Lines are split at LF and a CR before it is dropped (Go's bufio.ScanLines), so a line break
 * cannot be written at all; such a value is refused.
 */
export function dockerEnvValue(value: string, name: string): string {
  assertWritable(value, name, 'docker', MALFORMED_HINT);
  if (/[\r\n]/.test(value)) {
    throw unrepresentable(
      name,
      'docker',
      'a docker env file has no way to write a line break, and the value contains one',
      'use awsrole exec to pass the credentials to docker (docker run -e NAME passes a variable through)',
    );
  }
  return value;
}

/**
 * windows-cmd: the operand of `set "K=V"` (quotes included). cmd has no escape that works both
 * on the command line and in a batch file: `%` expands variables (and `%%` means `%` only in a
 * batch file), `!` expands under delayed expansion, a `"` ends the quoting so that `&`, `|`, `<`,
 * `>` after it would run, and a line break ends the command. Outside ASCII the meaning depends on
 * the code page. So a value is written only when it is printable ASCII without `%`, `!` and `"`;
 * inside the quotes everything else (`^ & | < > ( )`, spaces) is literal.
 */
export function quoteWindowsCmdAssignment(name: string, value: string): string {
  assertVariableName(name);
  assertWritable(value, name, 'windows-cmd', MALFORMED_HINT);
  if (!/^[\x20-\x7E]*$/.test(value) || /[%!"]/.test(value)) {
    throw unrepresentable(
      name,
      'windows-cmd',
      'cmd cannot quote %, !, ", line breaks or characters outside printable ASCII, and the value contains one',
      'use --format powershell, or awsrole exec to pass the credentials to a command',
    );
  }
  return `"${name}=${value}"`;
}
