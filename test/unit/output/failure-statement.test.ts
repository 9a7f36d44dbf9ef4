import { describe, expect, it } from 'vitest';
import { shellForFailure } from '../../../src/commands/choose-shell.js';
import { failureStatement } from '../../../src/output/failure-statement.js';

// Real bash, zsh, dash and fish evaluate these in test/e2e/failed-use.test.ts; there is no
// PowerShell here, so its line is checked as reviewed by hand: $LASTEXITCODE for whoever looks,
// and a terminating error that stops a script but leaves an interactive session open.
describe(failureStatement.name, () => {
  it.each([
    ['bash', 'use', 2, '(exit 2)\n'],
    ['zsh', 'use', 4, '(exit 4)\n'],
    ['sh', 'unset', 2, '(exit 2)\n'],
    ['fish', 'use', 5, 'return 5\n'],
    ['powershell', 'use', 3, "$global:LASTEXITCODE = 3; throw 'awsrole use failed with exit code 3'\n"],
    ['powershell', 'unset', 2, "$global:LASTEXITCODE = 2; throw 'awsrole unset failed with exit code 2'\n"],
  ] as const)('%s, %s, exit %i → %j', (shell, command, code, statement) => {
    expect(failureStatement(shell, command, code)).toBe(statement);
  });

  it('never writes a status of 0, which would be success', () => {
    expect(failureStatement('bash', 'use', 0)).toBe('(exit 1)\n');
  });
});

describe(shellForFailure.name, () => {
  it.each([
    ['fish', {}, 'fish'],
    [undefined, { AWSROLE_SHELL: 'zsh', SHELL: '/usr/bin/fish' }, 'zsh'],
    [undefined, { SHELL: '/usr/bin/fish' }, 'fish'],
    // The refused name itself falls through to what else is known.
    ['tcsh', { AWSROLE_SHELL: 'pwsh' }, 'powershell'],
    ['tcsh', { AWSROLE_SHELL: 'nu', SHELL: '/bin/zsh' }, 'zsh'],
    [undefined, { SHELL: '/bin/tcsh' }, 'sh'],
    [undefined, {}, 'sh'],
  ] as const)('--shell %j with %j → %s', (flag, env, shell) => {
    expect(shellForFailure(flag, env)).toBe(shell);
  });
});
