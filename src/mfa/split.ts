/**
 * Splits a command line into argv the way botocore splits `credential_process`: Python's
 * `shlex.split(command)` in POSIX mode, comments off. No shell runs, so nothing is expanded:
 * `$HOME`, `~`, `*`, `|` and `;` are ordinary characters.
 *
 * shlex's rules, which differ from sh in a few places (kept on purpose, for parity):
 * - outside quotes a backslash takes the next character literally, even a newline;
 * - inside double quotes a backslash escapes only `"` and `\`, and is kept before anything else
 *   (`"\$"` stays `\$`);
 * - inside single quotes nothing is special;
 * - whitespace is exactly space, tab, CR and LF;
 * - `''` and `""` give an empty argument.
 */
export class CommandLineSyntaxError extends Error {
  override name = 'CommandLineSyntaxError';
}

const WHITESPACE = new Set([' ', '\t', '\r', '\n']);

export function splitCommandLine(command: string): string[] {
  const args: string[] = [];
  let token = '';
  // True once the current argument has any content or quotes: `''` is an argument, `` is not.
  let started = false;
  let quote: '"' | "'" | undefined;
  let escaped = false;

  for (const char of command) {
    if (escaped) {
      // In double quotes, shlex keeps the backslash unless it escapes `"` or `\`.
      if (quote === '"' && char !== '"' && char !== '\\') token += '\\';
      token += char;
      escaped = false;
    } else if (quote === "'") {
      if (char === "'") quote = undefined;
      else token += char;
    } else if (quote === '"') {
      if (char === '"') quote = undefined;
      else if (char === '\\') escaped = true;
      else token += char;
    } else if (WHITESPACE.has(char)) {
      if (started) args.push(token);
      token = '';
      started = false;
    } else {
      started = true;
      if (char === '\\') escaped = true;
      else if (char === '"' || char === "'") quote = char;
      else token += char;
    }
  }
  // shlex checks the escape before the quote: `"a\` is "No escaped character".
  if (escaped) throw new CommandLineSyntaxError('No escaped character');
  if (quote) throw new CommandLineSyntaxError('No closing quotation');
  if (started) args.push(token);
  return args;
}
