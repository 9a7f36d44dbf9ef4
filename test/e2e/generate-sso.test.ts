// `awsrole generate --from-sso` end to end: bin/awsrole against the loopback IAM Identity Center
// stand-in (ListAccounts and ListAccountRoles two entries a page, so every listing takes pages),
// with the token the AWS CLI would have cached; then `awsrole use` of a generated profile gets
// that account's role credentials through the same token, and boto3 reads the same profiles.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AWSROLE_BIN, runAwsrole, runProgram, runPython } from '../support/cli.js';
import { ssoRoleSession, startMoto, type MotoServer, type SessionKeys } from '../support/moto.js';
import { createSandbox, type Sandbox } from '../support/sandbox.js';
import { shellQuote, waitFor } from '../support/shell.js';
import { startSsoStandIn, type SsoStandIn } from '../support/sso-standin.js';
import { startPane } from '../support/tmux.js';
import { tokenCacheKey } from '../../src/sso/token-cache.js';

const START_URL = 'https://corp-portal.awsapps.com/start';
// Seven accounts, one to three roles each: 11 profiles.
const ACCOUNTS: Array<[id: string, name: string, roles: string[]]> = [
  ['111111111111', 'Dev', ['AdministratorAccess', 'ReadOnlyAccess']],
  ['222222222222', 'Prod', ['ReadOnlyAccess']],
  ['333333333333', 'Staging EU', ['AdministratorAccess', 'Billing', 'ReadOnlyAccess']],
  ['444444444444', 'Sandbox', ['AdministratorAccess']],
  ['555555555555', 'Logs', ['ReadOnlyAccess', 'SecurityAudit']],
  ['666666666666', 'Shared', ['ReadOnlyAccess']],
  ['777777777777', 'Network', ['NetworkAdministrator']],
];

const HAND_WRITTEN = `# hand-written\r
[sso-session corp]\r
sso_start_url = ${START_URL}\r
sso_region = eu-west-1\r
sso_registration_scopes = sso:account:access\r
\r
[profile prod-readonlyaccess]\r
sso_session = corp\r
sso_account_id = 222222222222\r
sso_role_name = ReadOnlyAccess\r
region = us-west-2\r
`;

let moto: MotoServer;
let ssoKeys: SessionKeys;
let standIn: SsoStandIn;
let sandbox: Sandbox;
let env: Record<string, string>;

beforeAll(async () => {
  moto = await startMoto();
  // What IAM Identity Center hands out is a role session: one of moto's, so that its identity can be checked.
  ssoKeys = (await ssoRoleSession(moto)).keys;
  standIn = await startSsoStandIn({ listPageSize: 2 });
  for (const [id, name, roles] of ACCOUNTS) {
    standIn.nameAccount(id, name);
    for (const role of roles) standIn.grantRole(id, role, ssoKeys);
  }
  standIn.addAccessToken('cached-token');
  sandbox = createSandbox({ moto });
  env = sandbox.env({ AWS_ENDPOINT_URL_SSO: standIn.endpoint, AWS_ENDPOINT_URL_SSO_OIDC: standIn.endpoint });
});

afterAll(async () => {
  await standIn?.close();
  await moto?.stop();
  sandbox?.cleanup();
});

beforeEach(() => {
  sandbox.writeConfig(HAND_WRITTEN);
  // The token `aws sso login` (or `awsrole login`) leaves in the cache.
  sandbox.writeFile(
    `.aws/sso/cache/${tokenCacheKey({ startUrl: '', sessionName: 'corp' })}.json`,
    JSON.stringify({ startUrl: START_URL, region: 'eu-west-1', accessToken: 'cached-token', expiresAt: new Date(Date.now() + 3600_000).toISOString().replace(/\.\d{3}Z$/, 'Z') }),
    0o600,
  );
  standIn.requests.length = 0;
});

const config = () => readFileSync(sandbox.configPath, 'utf8');

function generate(...args: string[]) {
  return runAwsrole(['generate', '--from-sso', 'corp', ...args], { env, timeoutMs: 60_000 });
}

async function botocoreProfiles(): Promise<Record<string, Record<string, string>>> {
  const result = await runPython(`
import json, botocore.session
print(json.dumps(botocore.session.Session().full_config['profiles']))
`, env);
  expect(result.stderr).toBe('');
  return JSON.parse(result.stdout) as Record<string, Record<string, string>>;
}

describe('generate --from-sso', () => {
  it('writes an sso_session profile for every account and role, through every page', async () => {
    const result = await generate('--region', 'eu-central-1');
    expect(result.code, result.stderr).toBe(0);
    // 7 accounts at 2 a page: 4 pages; each account's roles at 2 a page: 1 page each, 2 for the one with 3.
    const pages = (operation: string) => standIn.requests.filter((r) => r.operation === operation);
    expect(pages('ListAccounts')).toHaveLength(4);
    expect(pages('ListAccountRoles')).toHaveLength(8);
    expect(pages('ListAccountRoles').map((r) => r.query.account_id).filter((id) => id === '333333333333')).toHaveLength(2);
    expect(standIn.requests.every((r) => r.headers['x-amz-sso_bearer_token'] === 'cached-token')).toBe(true);

    const text = config();
    expect(text.startsWith(HAND_WRITTEN)).toBe(true);
    // The file's own line breaks: CRLF.
    expect(text.slice(HAND_WRITTEN.length).split('\r\n').every((line) => !line.includes('\n'))).toBe(true);
    const profiles = await botocoreProfiles();
    const generated = Object.entries(profiles).filter(([name]) => text.slice(HAND_WRITTEN.length).includes(`[profile ${name}]`));
    // 11 assignments, less prod-readonlyaccess, which is hand-written.
    expect(generated.map(([name]) => name).sort()).toEqual([
      'dev-administratoraccess', 'dev-readonlyaccess', 'logs-readonlyaccess', 'logs-securityaudit', 'network-networkadministrator',
      'sandbox-administratoraccess', 'shared-readonlyaccess', 'staging-eu-administratoraccess', 'staging-eu-billing', 'staging-eu-readonlyaccess',
    ].sort());
    expect(profiles['staging-eu-billing']).toEqual({ sso_session: 'corp', sso_account_id: '333333333333', sso_role_name: 'Billing', region: 'eu-central-1' });
    // awsrole's reader sees exactly what botocore sees.
    const { loadConfig } = await import('../../src/config/load.js');
    const ours = Object.fromEntries([...loadConfig(env).profiles].map(([name, p]) => [name, Object.fromEntries([...p.settings].map(([k, v]) => [k, v.value]))]));
    expect(ours).toEqual(profiles);
    expect(profiles['prod-readonlyaccess']?.region).toBe('us-west-2');
    expect(result.stderr).toContain('skipped profile "prod-readonlyaccess"');
  }, 90_000);

  it('then `awsrole use` of a generated profile gets that role through the cached token', async () => {
    expect((await generate()).code).toBe(0);
    standIn.requests.length = 0;
    const script = `eval "$(${shellQuote(process.execPath)} ${shellQuote(AWSROLE_BIN)} use logs-securityaudit --shell bash)" && printf '%s\\n' "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" "$AWS_SESSION_TOKEN" "$AWSROLE_PROFILE"`;
    const result = await runProgram('bash', ['-c', script], { env, timeoutMs: 30_000 });
    expect(result.code, result.stderr).toBe(0);
    const [accessKeyId, secretAccessKey, sessionToken, profile] = result.stdout.trim().split('\n');
    expect(profile).toBe('logs-securityaudit');
    const credentials = standIn.requests.filter((r) => r.operation === 'GetRoleCredentials');
    expect(credentials.map((r) => [r.query.account_id, r.query.role_name, r.headers['x-amz-sso_bearer_token']])).toEqual([['555555555555', 'SecurityAudit', 'cached-token']]);
    const identity = await moto.callerIdentity({ accessKeyId: accessKeyId!, secretAccessKey: secretAccessKey!, sessionToken });
    expect(identity.Arn).toBe('arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Developer/alice@example.com');
  }, 90_000);

  it('--role keeps only those roles; --prune drops a role taken back; the hand-written part never changes', async () => {
    expect((await generate('--role', 'ReadOnlyAccess,SecurityAudit')).code).toBe(0);
    const first = config();
    expect(first).toContain('[profile logs-securityaudit]');
    expect(first).not.toContain('administratoraccess');
    standIn.revokeRole('555555555555', 'SecurityAudit');
    try {
      const kept = await generate('--role', 'ReadOnlyAccess,SecurityAudit');
      expect(kept.code, kept.stderr).toBe(0);
      expect(config()).toBe(first);
      const pruned = await generate('--role', 'ReadOnlyAccess,SecurityAudit', '--prune');
      expect(pruned.code, pruned.stderr).toBe(0);
      expect(config().startsWith(HAND_WRITTEN)).toBe(true);
      expect(config()).not.toContain('securityaudit');
      expect(config()).toContain('[profile logs-readonlyaccess]');
    } finally {
      standIn.grantRole('555555555555', 'SecurityAudit', ssoKeys);
    }
  }, 90_000);

  it('from a legacy SSO profile (sso_start_url in the profile): profiles that carry the start URL and region', async () => {
    const legacyUrl = 'https://legacy-portal.awsapps.com/start';
    sandbox.writeConfig(`${HAND_WRITTEN}[profile old-sso]\r\nsso_start_url = ${legacyUrl}\r\nsso_region = us-east-1\r\nsso_account_id = 111111111111\r\nsso_role_name = ReadOnlyAccess\r\n`);
    standIn.addAccessToken('legacy-token');
    sandbox.writeFile(
      `.aws/sso/cache/${tokenCacheKey({ startUrl: legacyUrl })}.json`,
      JSON.stringify({ startUrl: legacyUrl, region: 'us-east-1', accessToken: 'legacy-token', expiresAt: new Date(Date.now() + 3600_000).toISOString().replace(/\.\d{3}Z$/, 'Z') }),
      0o600,
    );
    const result = await runAwsrole(['generate', '--from-sso', 'old-sso', '--role', 'NetworkAdministrator'], { env, timeoutMs: 60_000 });
    expect(result.code, result.stderr).toBe(0);
    expect(config()).toContain('# awsrole generate: begin from-sso old-sso\r\n');
    expect((await botocoreProfiles())['network-networkadministrator']).toEqual({
      sso_start_url: legacyUrl, sso_region: 'us-east-1', sso_account_id: '777777777777', sso_role_name: 'NetworkAdministrator',
    });
    standIn.requests.length = 0;
    const exported = await runAwsrole(['export', 'network-networkadministrator', '--format', 'json'], { env });
    expect(exported.code, exported.stderr).toBe(0);
    expect(JSON.parse(exported.stdout).AccessKeyId).toBe(ssoKeys.accessKeyId);
    expect(standIn.requests.map((r) => [r.operation, r.headers['x-amz-sso_bearer_token']])).toEqual([['GetRoleCredentials', 'legacy-token']]);
  }, 90_000);

  it('writes nothing when the file changed while the accounts were listed (exit 3)', async () => {
    standIn.behaviour.delayMs = 1500;
    const running = generate();
    try {
      await waitFor(() => standIn.requests.some((r) => r.operation === 'ListAccounts'), 20_000);
    } finally {
      standIn.behaviour.delayMs = 0;
    }
    // An editor saves the file meanwhile (the first page is still on its way).
    const edited = `${HAND_WRITTEN}[profile saved-meanwhile]\r\nregion = eu-west-3\r\n`;
    writeFileSync(sandbox.configPath, edited);
    const result = await running;
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/the config file changed while awsrole generate ran; nothing was written/);
    expect(config()).toBe(edited);
  }, 90_000);

  it('on a terminal, a progress line counts the accounts while the pages come, and is gone after', async () => {
    standIn.behaviour.delayMs = 600;
    const dir = join(sandbox.home, 'pane');
    const pane = await startPane({ shell: 'bash', dir, env: { ...env, LANG: 'C.UTF-8' }, rc: [] });
    try {
      pane.type('awsrole generate --from-sso corp; echo "status=$?"');
      pane.send('Enter');
      await pane.waitForScreen(/listing roles: [1-6] of 7 account\(s\)/, 30_000);
      await pane.waitForScreen(/^status=0$/m, 60_000);
      expect(pane.screen()).not.toContain('listing roles');
      expect(pane.screen()).toContain('awsrole: wrote');
    } finally {
      standIn.behaviour.delayMs = 0;
      pane.kill();
    }
  }, 90_000);

  it('without a login says how to log in (exit 4) and writes nothing', async () => {
    sandbox.writeFile(`.aws/sso/cache/${tokenCacheKey({ startUrl: '', sessionName: 'corp' })}.json`, '{}', 0o600);
    const result = await generate();
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/IAM Identity Center token for sso-session "corp" is unusable/);
    expect(result.stderr).toMatch(/hint: run: awsrole login prod-readonlyaccess/);
    expect(config()).toBe(HAND_WRITTEN);
  }, 90_000);

  it('TAB after --from-sso offers the sso-sessions and the SSO profiles', async () => {
    const result = await runAwsrole(['__complete', '--current=', '--', 'generate', '--from-sso'], { env });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('corp\nprod-readonlyaccess\n');
    const options = await runAwsrole(['__complete', '--current=--from', '--', 'generate'], { env });
    expect(options.stdout).toBe('--from-organization\n--from-sso\n');
  }, 90_000);

  it('an unknown sso-session is a usage error with a did-you-mean (exit 2)', async () => {
    const result = await runAwsrole(['generate', '--from-sso', 'crop'], { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/no \[sso-session crop\] and no profile "crop"[\s\S]*did you mean "corp"/);
  }, 90_000);
});
