import { ConfigError, UsageError } from '../errors/errors.js';
import type { Env } from '../environment/env.js';
import { openTerminal, type Terminal } from '../mfa/terminal.js';

/** The variable that holds the encrypted file's passphrase for scripts and CI (never passed on to children). */
export const PASSPHRASE_VARIABLE = 'AWSROLE_FILE_PASSPHRASE';

/** Tries on a terminal before giving up: a typo or two is normal. */
const ATTEMPTS = 3;

/**
 * Asks for the passphrase until `accept` takes one: from AWSROLE_FILE_PASSPHRASE (one try: a
 * variable does not change), else on the terminal (/dev/tty, never stdin, which may carry keys).
 * `accept` throws WrongPassphrase-like errors through `isWrong`; other errors end the loop.
 */
export async function withPassphrase<T>(
  env: Env,
  request: { prompt: string; path: string; isWrong: (error: unknown) => boolean },
  accept: (passphrase: string) => T,
): Promise<T> {
  const fromEnv = env[PASSPHRASE_VARIABLE];
  const wrong = () =>
    new ConfigError(`wrong passphrase for the encrypted key file (${request.path})`, fromEnv ? `${PASSPHRASE_VARIABLE} does not unlock it` : undefined);
  if (fromEnv) {
    try {
      return accept(fromEnv);
    } catch (error) {
      if (request.isWrong(error)) throw wrong();
      throw error;
    }
  }
  const terminal = needTerminal(request.path);
  try {
    for (let attempt = 1; ; attempt++) {
      const passphrase = await terminal.readHidden(request.prompt);
      if (!passphrase) throw new UsageError(`no passphrase entered for the encrypted key file (${request.path})`);
      try {
        return accept(passphrase);
      } catch (error) {
        if (!request.isWrong(error) || attempt >= ATTEMPTS) throw request.isWrong(error) ? wrong() : error;
        terminal.write('Wrong passphrase; try again.\n');
      }
    }
  } finally {
    terminal.close();
  }
}

/** A new passphrase, typed twice on the terminal, or AWSROLE_FILE_PASSPHRASE. */
export async function newPassphrase(env: Env, path: string): Promise<string> {
  const fromEnv = env[PASSPHRASE_VARIABLE];
  if (fromEnv) return fromEnv;
  const terminal = needTerminal(path);
  try {
    terminal.write(`awsrole keeps the keys in an encrypted file (${path}); choose its passphrase.\n`);
    const first = await terminal.readHidden('New passphrase: ');
    if (!first) throw new UsageError(`no passphrase entered for the encrypted key file (${path})`);
    const second = await terminal.readHidden('Repeat it: ');
    if (first !== second) throw new UsageError('the two passphrases differ; nothing was stored');
    return first;
  } finally {
    terminal.close();
  }
}

function needTerminal(path: string): Terminal {
  const terminal = openTerminal('/dev/tty', 'passphrase prompt');
  if (!terminal) {
    throw new ConfigError(
      `the encrypted key file needs a passphrase, and there is no terminal to ask on (${path})`,
      `set ${PASSPHRASE_VARIABLE}, or run awsrole on a terminal`,
    );
  }
  return terminal;
}
