// The provider's choice of source and the prompt's logic, with a scripted terminal. The real
// terminal is driven through a pseudo-terminal in terminal.test.ts.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { AwsroleError, ExitCode, UsageError } from '../../../src/errors/errors.js';
import { createMfaCodeProvider, type MfaCodeRequest, type MfaOptions, type Terminal } from '../../../src/mfa/index.js';

const SERIAL = 'arn:aws:iam::111111111111:mfa/alice';

/** A terminal that answers each prompt with the next scripted line and records what was shown. */
function scriptedTerminal(answers: Array<string | undefined | Error>) {
  const shown: string[] = [];
  let closed = 0;
  const terminal: Terminal = {
    async readHidden(prompt) {
      shown.push(prompt);
      if (answers.length === 0) throw new Error('asked more often than scripted');
      const answer = answers.shift();
      if (answer instanceof Error) throw answer;
      return answer;
    },
    write: (text) => void shown.push(text),
    close: () => void closed++,
  };
  return { terminal, shown, closedCount: () => closed, opened: () => terminal };
}

function provider(options: MfaOptions, openTerminal: () => Terminal | undefined = () => undefined) {
  return createMfaCodeProvider(options, { env: process.env, stderr: new PassThrough(), openTerminal });
}

const request: MfaCodeRequest = { serial: SERIAL, profile: 'prod-admin' };
const withProcess = (command: string): MfaCodeRequest => ({ ...request, mfaProcess: { command, origin: '/home/a/.aws/config:7' } });

async function failure(promise: Promise<unknown>): Promise<AwsroleError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(AwsroleError);
  return error as AwsroleError;
}

describe('precedence', () => {
  const printing = (code: string) => `sh -c 'echo ${code}'`;

  it('--mfa-code wins over every command and the terminal', async () => {
    const tty = scriptedTerminal(['333333']);
    const get = provider({ code: '111111', command: printing('222222') }, tty.opened);
    expect(await get(withProcess(printing('444444')))).toBe('111111');
    expect(tty.shown).toEqual([]);
  });

  it('--mfa-command wins over mfa_process and the terminal', async () => {
    const tty = scriptedTerminal(['333333']);
    expect(await provider({ command: printing('222222') }, tty.opened)(withProcess(printing('444444')))).toBe('222222');
    expect(tty.shown).toEqual([]);
  });

  it('mfa_process wins over the terminal', async () => {
    const tty = scriptedTerminal(['333333']);
    expect(await provider({}, tty.opened)(withProcess(printing('444444')))).toBe('444444');
    expect(tty.shown).toEqual([]);
  });

  it('the terminal comes last, and is closed after', async () => {
    const tty = scriptedTerminal(['333333']);
    expect(await provider({}, tty.opened)(request)).toBe('333333');
    expect(tty.shown).toEqual([`Enter MFA code for ${SERIAL}: `]);
    expect(tty.closedCount()).toBe(1);
  });

  it('a failing command does not fall back to the terminal', async () => {
    const tty = scriptedTerminal(['333333']);
    const error = await failure(provider({}, tty.opened)(withProcess('false')));
    expect(error.message).toBe('MFA command "false" failed with exit code 1 (mfa_process, /home/a/.aws/config:7)');
    expect(tty.shown).toEqual([]);
  });
});

describe('--mfa-code', () => {
  it.each(['12345', '1234567', '12345a', ' 123456', '１２３４５６', ''])('%j is a usage error that does not repeat it', async (code) => {
    const error = await failure(provider({ code })(request));
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toBe('--mfa-code must be 6 digits');
  });
});

describe('the prompt', () => {
  it('asks again when what was typed is not 6 digits, without repeating it', async () => {
    const tty = scriptedTerminal(['12a', '', ' 123456 ']);
    expect(await provider({}, tty.opened)(request)).toBe('123456');
    const prompt = `Enter MFA code for ${SERIAL}: `;
    const again = 'The MFA code must be 6 digits; try again.\n';
    expect(tty.shown).toEqual([prompt, again, prompt, again, prompt]);
  });

  it('gives up after three tries', async () => {
    const tty = scriptedTerminal(['1', '2', '3', '123456']);
    const error = await failure(provider({}, tty.opened)(request));
    expect(error).toMatchObject({ exitCode: ExitCode.usage, message: `no valid MFA code for ${SERIAL} after 3 tries: it must be 6 digits` });
    expect(tty.closedCount()).toBe(1);
  });

  it('end of input (Ctrl-D) stops asking and says how else to pass a code', async () => {
    const tty = scriptedTerminal([undefined]);
    const error = await failure(provider({}, tty.opened)(request));
    expect(error).toMatchObject({ exitCode: ExitCode.usage, message: `no MFA code entered for ${SERIAL}` });
    expect(error.hint).toMatch(/--mfa-code.*--mfa-command.*mfa_process/);
  });

  it('Ctrl-C (the terminal rejects) passes through, and the terminal is closed', async () => {
    const tty = scriptedTerminal([new AwsroleError('MFA code prompt cancelled', 130)]);
    const error = await failure(provider({}, tty.opened)(request));
    expect(error.exitCode).toBe(130);
    expect(tty.closedCount()).toBe(1);
  });

  it('with no terminal: a usage error naming the three ways', async () => {
    const error = await failure(provider({}, () => undefined)(request));
    expect(error).toMatchObject({
      exitCode: ExitCode.usage,
      message: `profile "prod-admin" needs an MFA code for ${SERIAL} and there is no terminal to ask on`,
    });
    expect(error.hint).toMatch(/--mfa-code 123456.*--mfa-command.*mfa_process = <command> in the profile/);
  });

  it('asks each time it is called: caching is the caller\'s', async () => {
    const tty = scriptedTerminal(['111111', '222222']);
    const get = provider({}, tty.opened);
    expect([await get(request), await get(request)]).toEqual(['111111', '222222']);
  });
});
