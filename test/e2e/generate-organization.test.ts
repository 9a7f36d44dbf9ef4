// `awsrole generate --from-organization` end to end: bin/awsrole against moto's Organizations
// (33 accounts: more than one ListAccounts page of 20) and STS with auth on, writing into a
// hand-written config file with comments, CRLF lines and odd spacing. What is checked is what a
// user would notice: the bytes outside the block, the profiles in it as botocore reads them, and
// that `awsrole use` of a generated profile ends as the role in that member account.
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AWSROLE_BIN, runAwsrole, runProgram, runPython, startupModules } from '../support/cli.js';
import { MOTO_ACCOUNT_ID, startMoto, type MotoServer, type UserCredentials } from '../support/moto.js';
import { createSandbox, type Sandbox } from '../support/sandbox.js';
import { shellQuote } from '../support/shell.js';

const ROLE = 'OrganizationAccountAccessRole';
// 31 members and the management account: 32 ACTIVE accounts, two pages of ListAccounts.
const MEMBER_NAMES = [
  ...Array.from({ length: 27 }, (_, i) => `Team ${String(i + 1).padStart(2, '0')} Prod`),
  'Shared', 'shared', // the same safe name: told apart by account id
  'Ünïcode & Co. (EU)',
  'Closing Soon',
];

// (moto names the management account "master"; generate leaves it out unless asked.)

// A file as people keep it: CRLF and LF lines mixed, comments of both kinds, odd spacing, a
// nested section, no blank line at the end, and a hand-written profile whose name generate would
// produce for "Team 01 Prod".
const HAND_WRITTEN = [
  '# my AWS config\r\n',
  '[default]\r\n',
  'region=eu-west-1\r\n',
  '\r\n',
  ';   the management account  \r\n',
  '[profile   mgmt]\n',
  'region    =   us-east-1\n',
  '  \n',
  '[profile team-01-prod-organizationaccountaccessrole]   \n',
  'role_arn = arn:aws:iam::999999999999:role/Mine\n',
  'source_profile = mgmt\n',
  's3 =\n',
  '    max_concurrent_requests = 20\n',
  '# trailing comment\n',
].join('');

let moto: MotoServer;
let admin: UserCredentials;
let nobody: UserCredentials;
let members: Array<{ name: string; id: string }>;
let sandbox: Sandbox;
let env: Record<string, string>;

const idOf = (name: string) => members.find((m) => m.name === name)!.id;

beforeAll(async () => {
  moto = await startMoto();
  admin = await moto.createUser('admin');
  await moto.allowUser('admin', 'organizations', ['organizations:*']);
  await moto.allowUser('admin', 'assume-member-roles', ['sts:AssumeRole'], [`arn:aws:iam::*:role/${ROLE}`]);
  nobody = await moto.createUser('nobody'); // no Organizations permission
  members = await moto.createOrganization(MEMBER_NAMES);
  await moto.enableAuth();
  sandbox = createSandbox({ moto });
  env = { ...sandbox.env({ AWS_ENDPOINT_URL_ORGANIZATIONS: moto.endpoint }), USER: 'tester' };
}, 60_000);

afterAll(async () => {
  await moto?.stop();
  sandbox?.cleanup();
});

beforeEach(() => {
  sandbox.writeConfig(HAND_WRITTEN);
  sandbox.writeCredentials([
    `[mgmt]\naws_access_key_id = ${admin.accessKeyId}\naws_secret_access_key = ${admin.secretAccessKey}\n`,
    `[nobody]\naws_access_key_id = ${nobody.accessKeyId}\naws_secret_access_key = ${nobody.secretAccessKey}\n`,
  ].join(''));
  rmSync(`${sandbox.configPath}.bak`, { force: true });
});

function generate(...args: string[]) {
  return runAwsrole(['generate', '--from-organization', 'mgmt', '--role', ROLE, ...args], { env, timeoutMs: 60_000 });
}

const config = () => readFileSync(sandbox.configPath, 'utf8');

/** The config file's text with the block cut out (from its begin line through its end line), and the block. */
function split(text: string): { outside: string; block: string } {
  const begin = text.indexOf('# awsrole generate: begin from-organization mgmt\n');
  const endMarker = '# awsrole generate: end from-organization mgmt\n';
  const end = text.indexOf(endMarker);
  expect(begin).toBeGreaterThanOrEqual(0);
  expect(end).toBeGreaterThan(begin);
  return { outside: text.slice(0, begin) + text.slice(end + endMarker.length), block: text.slice(begin, end + endMarker.length) };
}

/** Every profile as botocore reads the config file: name → settings (nested ones as dicts). */
async function botocoreProfiles(): Promise<Record<string, Record<string, unknown>>> {
  const result = await runPython(`
import json, botocore.session
print(json.dumps(botocore.session.Session().full_config['profiles']))
`, env);
  expect(result.stderr).toBe('');
  return JSON.parse(result.stdout) as Record<string, Record<string, unknown>>;
}

describe('generate --from-organization', () => {
  it('writes a profile for every active account, past the first page, and nothing outside its block', async () => {
    const result = await generate('--region', 'eu-west-1', '--debug');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('');
    // Two pages of ListAccounts (at most 20 accounts each).
    expect(result.stderr).toContain("listing the organization's accounts: 32 in 2 page(s)");
    const { outside, block } = split(config());
    expect(outside).toBe(HAND_WRITTEN);

    const profiles = await botocoreProfiles();
    const generated = Object.keys(profiles).filter((name) => block.includes(`[profile ${name}]`));
    // 32 accounts, less the management account and the one whose name is hand-written.
    expect(generated).toHaveLength(30);
    expect(result.stderr).toContain(`the management account ${MOTO_ACCOUNT_ID} ("master") is left out: --include-management-account adds it`);
    expect(generated.filter((name) => name.startsWith('master'))).toEqual([]);
    expect(profiles['team-02-prod-organizationaccountaccessrole']).toEqual({
      role_arn: `arn:aws:iam::${idOf('Team 02 Prod')}:role/${ROLE}`,
      source_profile: 'mgmt',
      region: 'eu-west-1',
    });
    expect(profiles['unicode-co.-eu-organizationaccountaccessrole']?.role_arn).toBe(`arn:aws:iam::${idOf('Ünïcode & Co. (EU)')}:role/${ROLE}`);
    // "Shared" and "shared": both named after their account id too.
    expect(profiles[`shared-organizationaccountaccessrole-${idOf('Shared')}`]?.role_arn).toContain(idOf('Shared'));
    expect(profiles[`shared-organizationaccountaccessrole-${idOf('shared')}`]?.role_arn).toContain(idOf('shared'));
    // The hand-written profile of the same name is as it was, and the user was told.
    expect(profiles['team-01-prod-organizationaccountaccessrole']).toEqual({
      role_arn: 'arn:aws:iam::999999999999:role/Mine',
      source_profile: 'mgmt',
      s3: { max_concurrent_requests: '20' },
    });
    expect(result.stderr).toMatch(/warning: skipped profile "team-01-prod-organizationaccountaccessrole": a profile of that name is already defined outside the block/);
    // The block uses the file's own line break: more of its lines end in LF than in CRLF.
    expect(block).not.toContain('\r');
    expect(readFileSync(`${sandbox.configPath}.bak`, 'utf8')).toBe(HAND_WRITTEN);
  }, 90_000);

  it('reads back the same with botocore and with awsrole', async () => {
    expect((await generate()).code).toBe(0);
    const botocore = await botocoreProfiles();
    const { loadConfig } = await import('../../src/config/load.js');
    const ours = loadConfig(env).profiles;
    const asData = (settings: Map<string, { value: string; nested?: Map<string, { value: string }> }>) =>
      Object.fromEntries([...settings].map(([key, s]) => [key, s.nested ? Object.fromEntries([...s.nested].map(([k, n]) => [k, n.value])) : s.value]));
    expect(Object.fromEntries([...ours].map(([name, profile]) => [name, asData(profile.settings)]))).toEqual(botocore);
  }, 90_000);

  it('ends as the role in the member account: awsrole use of a generated profile, in bash', async () => {
    expect((await generate()).code).toBe(0);
    const script = `eval "$(${shellQuote(process.execPath)} ${shellQuote(AWSROLE_BIN)} use team-07-prod-organizationaccountaccessrole --shell bash)" && printf '%s\\n' "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" "$AWS_SESSION_TOKEN"`;
    const result = await runProgram('bash', ['-c', script], { env, timeoutMs: 30_000 });
    expect(result.code, result.stderr).toBe(0);
    const [accessKeyId, secretAccessKey, sessionToken] = result.stdout.trim().split('\n');
    const identity = await moto.callerIdentity({ accessKeyId: accessKeyId!, secretAccessKey: secretAccessKey!, sessionToken });
    expect(identity.Account).toBe(idOf('Team 07 Prod'));
    expect(identity.Arn).toMatch(new RegExp(`^arn:aws:sts::${idOf('Team 07 Prod')}:assumed-role/${ROLE}/`));
  }, 90_000);

  it('regenerates in place: a second run changes no byte and makes no backup', async () => {
    expect((await generate()).code).toBe(0);
    const first = config();
    writeFileSync(`${sandbox.configPath}.bak`, 'old backup');
    const again = await generate();
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain('is up to date');
    expect(config()).toBe(first);
    expect(readFileSync(`${sandbox.configPath}.bak`, 'utf8')).toBe('old backup');
  }, 90_000);

  it('--dry-run writes nothing and prints a diff that patch(1) turns into what a real run writes', async () => {
    const dry = await generate('--dry-run', '--exclude-account', `${idOf('Team 03 Prod')},Shared`, '--name', '{account_id}-admin');
    expect(dry.code, dry.stderr).toBe(0);
    expect(config()).toBe(HAND_WRITTEN);
    expect(existsSync(`${sandbox.configPath}.bak`)).toBe(false);
    expect(dry.stdout).toMatch(new RegExp(`^--- ${sandbox.configPath}\\n\\+\\+\\+ ${sandbox.configPath} \\(awsrole generate\\)\\n@@ `));
    expect(dry.stderr).toContain('nothing written');
    const patchedCopy = join(sandbox.home, 'patched');
    writeFileSync(patchedCopy, HAND_WRITTEN);
    const patch = await runProgram('patch', ['--silent', patchedCopy], { env, input: dry.stdout });
    expect(patch.code, patch.stderr + patch.stdout).toBe(0);

    const real = await generate('--exclude-account', `${idOf('Team 03 Prod')},Shared`, '--name', '{account_id}-admin');
    expect(real.code, real.stderr).toBe(0);
    expect(readFileSync(patchedCopy, 'utf8')).toBe(config());
    expect(config()).not.toContain(`${idOf('Team 03 Prod')}-admin`);
    expect(config()).not.toContain(`${idOf('Shared')}-admin`);
    expect(config()).toContain(`[profile ${idOf('shared')}-admin]`);
  }, 90_000);

  it('--include-management-account adds the management account', async () => {
    const result = await generate('--include-management-account');
    expect(result.code, result.stderr).toBe(0);
    expect((await botocoreProfiles())['master-organizationaccountaccessrole']?.role_arn).toBe(`arn:aws:iam::${MOTO_ACCOUNT_ID}:role/${ROLE}`);
    expect(config()).toContain('# Written by: awsrole generate --from-organization mgmt --role OrganizationAccountAccessRole --include-management-account\n');
  }, 90_000);

  it('--json prints each profile and what became of it', async () => {
    const result = await generate('--json', '--dry-run', '--set', 'output=json');
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as { written: boolean; profiles: Array<Record<string, unknown>> };
    expect(report.written).toBe(false);
    expect(report.profiles).toHaveLength(31);
    expect(report.profiles.find((p) => p['name'] === 'team-05-prod-organizationaccountaccessrole')).toEqual({
      name: 'team-05-prod-organizationaccountaccessrole',
      status: 'new',
      accountId: idOf('Team 05 Prod'),
      accountName: 'Team 05 Prod',
      roleName: ROLE,
      settings: { role_arn: `arn:aws:iam::${idOf('Team 05 Prod')}:role/${ROLE}`, source_profile: 'mgmt', output: 'json' },
    });
    expect(report.profiles.find((p) => p['name'] === 'team-01-prod-organizationaccountaccessrole')).toMatchObject({ status: 'skipped' });
  }, 90_000);

  it('writes through a symlinked config file, keeps its mode, and replaces it by rename (no partial file, no leftovers)', async () => {
    const dotfiles = join(sandbox.home, 'dotfiles');
    mkdirSync(dotfiles, { recursive: true });
    const target = join(dotfiles, 'aws-config');
    writeFileSync(target, '[profile mine]\nregion = eu-north-1');
    chmodSync(target, 0o640);
    const link = join(sandbox.home, 'linked-config');
    symlinkSync(target, link);
    const inodeBefore = statSync(target).ino;
    const result = await runAwsrole(['generate', '--from-organization', 'mgmt', '--role', ROLE], { env: { ...env, AWS_CONFIG_FILE: link }, timeoutMs: 60_000 });
    // The credentials file has mgmt's keys; the linked config file has no [profile mgmt], which is fine.
    expect(result.code, result.stderr).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(statSync(target).mode & 0o777).toBe(0o640);
    expect(statSync(`${target}.bak`).mode & 0o777).toBe(0o640);
    expect(statSync(target).ino).not.toBe(inodeBefore);
    const text = readFileSync(target, 'utf8');
    // The last line had no line break: it got one, the only byte added outside the block.
    expect(text.startsWith('[profile mine]\nregion = eu-north-1\n# awsrole generate: begin from-organization mgmt\n')).toBe(true);
    expect(readdirSync(dotfiles).sort()).toEqual(['aws-config', 'aws-config.bak']);
  }, 90_000);

  it.each([
    [['--from-organization', 'mgmt'], 2, /--from-organization needs --role/],
    [['--from-organization', 'mgmt', '--from-sso', 'x', '--role', ROLE], 2, /one of --from-sso .* and --from-organization/],
    [['--from-organization', 'mgnt', '--role', ROLE], 2, /unknown profile "mgnt"[\s\S]*did you mean "mgmt"/],
    [['--from-organization', 'mgmt', '--role', ROLE, '--name', '{acount}'], 2, /unknown placeholder \{acount\}/],
    [['--from-organization', 'mgmt', '--role', ROLE, '--set', 'role_arn=x'], 2, /generate writes role_arn itself/],
    [['--from-organization', 'mgmt', '--role', ROLE, '--set', 'aws_secret_access_key=x'], 2, /does not copy a secret into every generated profile/],
    [['--from-organization', 'nobody', '--role', ROLE], 4, /Organizations refused ListAccounts: HTTP 403 \(profile "nobody"[^\n]*\n  hint: the profile's identity needs organizations:ListAccounts/],
  ])('awsrole generate %j exits %i and writes nothing', async (args, code, message) => {
    const result = await runAwsrole(['generate', ...args], { env, timeoutMs: 60_000 });
    expect(result.stderr).toMatch(message);
    expect(result.code).toBe(code);
    expect(result.stdout).toBe('');
    expect(config()).toBe(HAND_WRITTEN);
  });

  it('refuses to touch a block whose end line is gone (exit 3)', async () => {
    sandbox.writeConfig(`${HAND_WRITTEN}# awsrole generate: begin from-organization mgmt\n[profile x]\nregion = a\n`);
    const result = await generate();
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/"# awsrole generate: begin from-organization mgmt" without its end line \(.*config:15\)/);
  }, 90_000);

  it('is not on the startup path', () => {
    const startup = startupModules();
    expect(startup.filter((id) => id.includes('src/generate/') || id.includes('commands/generate') || id.includes('client-organizations'))).toEqual([]);
  }, 90_000);

  it('from an empty config: one command writes the profiles, another runs in every account as that account', async () => {
    sandbox.writeConfig('');
    const generated = await generate('--name', 'acct-{account_name}-admin');
    expect(generated.code, generated.stderr).toBe(0);
    const keys = 'printf "%s %s %s" "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" "$AWS_SESSION_TOKEN"';
    const run = await runAwsrole(['run', '--profiles', 'acct-*', '--parallel', '4', '--json', '--', 'sh', '-c', keys], { env, timeoutMs: 120_000 });
    expect(run.code, run.stderr).toBe(0);
    const records = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as { profile: string; status: string; stdout: string });
    // Every member account once (the management account is left out, and the file had no other
    // profile), each profile running as the account its role_arn names, as botocore reads it.
    const profiles = await botocoreProfiles();
    const accounts: string[] = [];
    for (const record of records) {
      expect(record.status, record.profile).toBe('succeeded');
      const [accessKeyId, secretAccessKey, sessionToken] = record.stdout.split(' ');
      const identity = await moto.callerIdentity({ accessKeyId: accessKeyId!, secretAccessKey: secretAccessKey!, sessionToken });
      expect(identity.Arn).toMatch(new RegExp(`^arn:aws:sts::${/::(\d{12}):/.exec(String(profiles[record.profile]?.role_arn))?.[1]}:assumed-role/${ROLE}/`));
      accounts.push(identity.Account);
    }
    expect(accounts.sort()).toEqual(members.map((m) => m.id).sort());
  }, 180_000);

  it('keeps the profile of an account that left unless --prune, and the outside stays byte for byte', async () => {
    expect((await generate()).code).toBe(0);
    const before = split(config());
    // The user edits around the block between runs: that is theirs too.
    const edited = `${config()}[profile added-later]\r\nregion = ap-south-1\r\n`;
    writeFileSync(sandbox.configPath, edited);
    await moto.organizations('CloseAccount', { AccountId: idOf('Closing Soon') }, admin);
    // (The last test of the file: the account stays closed.)
    const kept = await generate();
    expect(kept.code, kept.stderr).toBe(0);
    expect(kept.stderr).toContain('1 profile(s) no longer listed are kept: --prune drops them');
    expect(config()).toBe(edited);

    const pruned = await generate('--prune');
    expect(pruned.code, pruned.stderr).toBe(0);
    const after = split(config());
    expect(after.outside).toBe(`${before.outside}[profile added-later]\r\nregion = ap-south-1\r\n`);
    expect(after.block).not.toContain('closing-soon');
    expect(before.block.replace(/\n\[profile closing-soon-organizationaccountaccessrole\]\nrole_arn = [^\n]*\nsource_profile = mgmt\n/, '')).toBe(after.block);
    expect(readFileSync(`${sandbox.configPath}.bak`, 'utf8')).toBe(edited);
  }, 90_000);
});
