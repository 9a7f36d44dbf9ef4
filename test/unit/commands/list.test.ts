import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listCommand, parseRoleArn } from '../../../src/commands/list.js';
import type { CommandContext } from '../../../src/commands/context.js';
import { stripSgr } from '../../../src/output/colour.js';
import { createSandbox, type Sandbox } from '../../support/sandbox.js';

describe(parseRoleArn.name, () => {
  it.each([
    ['arn:aws:iam::123456789012:role/Admin', '123456789012', 'Admin'],
    ['arn:aws:iam::123456789012:role/teams/ops/Deployer', '123456789012', 'Deployer'],
    ['arn:aws-cn:iam::210987654321:role/Reader', '210987654321', 'Reader'],
    ['arn:aws:iam::12345:role/Short', null, 'Short'],
    ['arn:aws:iam::123456789012:user/alice', '123456789012', null],
    ['not-an-arn', null, null],
    ['', null, null],
  ])('%s → %s, %s', (arn, account, roleName) => {
    expect(parseRoleArn(arn)).toEqual({ account, roleName });
  });

  it('reads what splitting at every colon reads, for texts of every shape', () => {
    // The rule as first written (split at ':'), against the indexOf version on generated texts.
    const bySplit = (arn: string) => {
      const parts = arn.split(':');
      const path = parts.slice(5).join(':');
      return {
        account: parts[0] === 'arn' && parts[4] !== undefined && /^\d{12}$/.test(parts[4]) ? parts[4] : null,
        roleName: parts[0] === 'arn' && parts[2] === 'iam' && path.startsWith('role/') ? path.split('/').at(-1) || null : null,
      };
    };
    const pieces = ['arn', 'iam', 'aws', '', '123456789012', '1234', 'role/A', 'role/', 'role/p/B', 'user/x', 'ar', 'iamx', ':', '/'];
    let seed = 7;
    const pick = () => pieces[(seed = (seed * 1103515245 + 12345) % 2147483648) % pieces.length]!;
    for (let i = 0; i < 5000; i++) {
      const arn = Array.from({ length: 1 + (i % 8) }, pick).join(i % 3 === 0 ? '' : ':');
      expect(parseRoleArn(arn), arn).toEqual(bySplit(arn));
    }
  });
});

describe(listCommand.name, () => {
  let sandbox: Sandbox;
  beforeAll(() => {
    sandbox = createSandbox();
    sandbox.writeCredentials('[base]\naws_access_key_id = AKIAEXAMPLE000000001\naws_secret_access_key = secret\n');
    sandbox.writeConfig(`[profile admin]
role_arn = arn:aws:iam::123456789012:role/Admin
source_profile = base
region = eu-west-1

[profile dev]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = Developer

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-west-1
`);
  });
  afterAll(() => sandbox.cleanup());

  function run(options: { json?: boolean }, isTTY: boolean, extra: Record<string, string> = {}): string {
    let out = '';
    const context: CommandContext = {
      env: sandbox.env(extra),
      stdout: { isTTY, write: (text: string) => ((out += text), true) } as unknown as CommandContext['stdout'],
      stderr: { write: () => true } as unknown as CommandContext['stderr'],
      debug: () => {},
      info: () => {},
      warn: () => {},
    };
    listCommand(options, context);
    return out;
  }

  const PLAIN = [
    'PROFILE  KIND         ACCOUNT       ROLE       REGION     SOURCE',
    'admin    role         123456789012  Admin      eu-west-1  base',
    'base     static keys  -             -          -          -',
    'dev      sso          111122223333  Developer  -          -',
    '',
  ].join('\n');

  it('piped: a plain table with account and role name', () => {
    expect(run({}, false)).toBe(PLAIN);
  });

  it('on a terminal: the same columns, coloured (bold header, a colour per kind, dim dashes)', () => {
    const out = run({}, true);
    expect(stripSgr(out)).toBe(PLAIN);
    expect(out.split('\n')[0]).toMatch(/^\x1b\[1mPROFILE\x1b\[22m/);
    expect(out).toContain('\x1b[36mrole\x1b[39m');
    expect(out).toContain('\x1b[32msso\x1b[39m');
    expect(out).toContain('\x1b[2m-\x1b[22m');
  });

  it('on a terminal with NO_COLOR set: plain', () => {
    expect(run({}, true, { NO_COLOR: '1' })).toBe(PLAIN);
  });

  it('sorts by name in character-code order, whatever the locale: capitals first, digits by character', () => {
    const other = createSandbox();
    try {
      other.writeConfig(['[profile dev]', '[profile Prod]', '[profile acct-10]', '[profile acct-9]', '[profile acct_1]', '[default]', ''].join('\nregion = x\n'));
      let out = '';
      const context: CommandContext = {
        env: { ...other.env(), LANG: 'de_DE.UTF-8', LC_ALL: 'de_DE.UTF-8' },
        stdout: { isTTY: false, write: (text: string) => ((out += text), true) } as unknown as CommandContext['stdout'],
        stderr: { write: () => true } as unknown as CommandContext['stderr'],
        debug: () => {},
        info: () => {},
        warn: () => {},
      };
      listCommand({}, context);
      expect(out.split('\n').slice(1, -1).map((line) => line.split(' ')[0])).toEqual(['Prod', 'acct-10', 'acct-9', 'acct_1', 'default', 'dev']);
    } finally {
      other.cleanup();
    }
  });

  it('--json keeps the role ARN and adds account and roleName; never coloured', () => {
    const profiles = JSON.parse(run({ json: true }, true)) as unknown[];
    expect(profiles).toEqual([
      { name: 'admin', kind: 'role', roleArn: 'arn:aws:iam::123456789012:role/Admin', account: '123456789012', roleName: 'Admin', source: 'base', region: 'eu-west-1' },
      { name: 'base', kind: 'static keys', roleArn: null, account: null, roleName: null, source: null, region: null },
      { name: 'dev', kind: 'sso', roleArn: null, account: '111122223333', roleName: 'Developer', source: null, region: null },
    ]);
  });
});
