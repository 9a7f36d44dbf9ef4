import { describe, expect, it } from 'vitest';
import { formatSession } from '../../../src/output/formats.js';
import { parseShellName, shellFromPath, unsetScript, useScript } from '../../../src/output/use-script.js';
import { roleSession, staticSession } from './helpers.js';

describe(parseShellName.name, () => {
  it.each([
    ['bash', 'bash'],
    ['zsh', 'zsh'],
    ['sh', 'sh'],
    ['fish', 'fish'],
    ['powershell', 'powershell'],
    ['pwsh', 'powershell'],
    ['Bash', undefined],
    ['csh', undefined],
    ['', undefined],
    ['/bin/bash', undefined],
  ])('%j → %j', (input, shell) => {
    expect(parseShellName(input)).toBe(shell);
  });
});

describe(shellFromPath.name, () => {
  it.each([
    ['/bin/bash', 'bash'],
    ['/usr/bin/zsh', 'zsh'],
    ['/usr/local/bin/fish', 'fish'],
    ['/opt/homebrew/bin/fish', 'fish'],
    ['/bin/sh', 'sh'],
    ['/bin/dash', 'sh'],
    ['/bin/ksh', 'sh'],
    ['/bin/mksh', 'sh'],
    ['/bin/busybox', 'sh'],
    ['/usr/bin/pwsh', 'powershell'],
    ['C:\\Program Files\\PowerShell\\7\\pwsh.exe', 'powershell'],
    ['C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe', 'powershell'],
    ['bash', 'bash'],
    ['-zsh', 'zsh'],
    ['/bin/tcsh', undefined],
    ['/bin/csh', undefined],
    ['/usr/bin/nu', undefined],
    ['/usr/bin/xonsh', undefined],
    ['', undefined],
    ['/', undefined],
  ])('%j → %j', (path, shell) => {
    expect(shellFromPath(path)).toBe(shell);
  });
});

describe(useScript.name, () => {
  it.each([
    ['bash', 'env'],
    ['zsh', 'env'],
    ['sh', 'env'],
    ['fish', 'fish'],
    ['powershell', 'powershell'],
  ] as const)('%s is the %s format', (shell, format) => {
    expect(useScript(shell, roleSession)).toBe(formatSession(format, roleSession));
    expect(useScript(shell, staticSession)).toBe(formatSession(format, staticSession));
  });
});

describe(unsetScript.name, () => {
  it('POSIX shells: sets the remembered region variables back, clears the rest', () => {
    const expected = `unset AWS_ACCESS_KEY_ID
unset AWS_SECRET_ACCESS_KEY
unset AWS_SESSION_TOKEN
unset AWS_CREDENTIAL_EXPIRATION
unset AWS_SESSION_EXPIRATION
unset AWSROLE_PROFILE
unset AWSROLE_USER_REGION
unset AWS_REGION
export AWS_DEFAULT_REGION='us-east-1'
`;
    expect(unsetScript('bash', { AWS_DEFAULT_REGION: 'us-east-1' })).toBe(expected);
    expect(unsetScript('zsh', { AWS_DEFAULT_REGION: 'us-east-1' })).toBe(expected);
    expect(unsetScript('sh', { AWS_DEFAULT_REGION: 'us-east-1' })).toBe(expected);
  });

  it('clears both region variables when the user had neither', () => {
    expect(unsetScript('bash', {})).toContain('unset AWS_REGION\nunset AWS_DEFAULT_REGION\n');
  });

  it('leaves the region variables alone when no use remembered them', () => {
    const script = unsetScript('bash');
    expect(script).toContain('unset AWS_ACCESS_KEY_ID\n');
    expect(script).toContain('unset AWSROLE_PROFILE\n');
    expect(script).not.toMatch(/AWS_(DEFAULT_)?REGION\b/);
  });

  it('fish', () => {
    expect(unsetScript('fish')).toBe(`if set -q -g AWS_ACCESS_KEY_ID; set -e -g AWS_ACCESS_KEY_ID; end
if set -q -g AWS_SECRET_ACCESS_KEY; set -e -g AWS_SECRET_ACCESS_KEY; end
if set -q -g AWS_SESSION_TOKEN; set -e -g AWS_SESSION_TOKEN; end
if set -q -g AWS_CREDENTIAL_EXPIRATION; set -e -g AWS_CREDENTIAL_EXPIRATION; end
if set -q -g AWS_SESSION_EXPIRATION; set -e -g AWS_SESSION_EXPIRATION; end
if set -q -g AWSROLE_PROFILE; set -e -g AWSROLE_PROFILE; end
if set -q -g AWSROLE_USER_REGION; set -e -g AWSROLE_USER_REGION; end
`);
  });

  it('powershell', () => {
    expect(unsetScript('powershell')).toBe(`Remove-Item Env:AWS_ACCESS_KEY_ID -ErrorAction SilentlyContinue
Remove-Item Env:AWS_SECRET_ACCESS_KEY -ErrorAction SilentlyContinue
Remove-Item Env:AWS_SESSION_TOKEN -ErrorAction SilentlyContinue
Remove-Item Env:AWS_CREDENTIAL_EXPIRATION -ErrorAction SilentlyContinue
Remove-Item Env:AWS_SESSION_EXPIRATION -ErrorAction SilentlyContinue
Remove-Item Env:AWSROLE_PROFILE -ErrorAction SilentlyContinue
Remove-Item Env:AWSROLE_USER_REGION -ErrorAction SilentlyContinue
`);
  });
});
