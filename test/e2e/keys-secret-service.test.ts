// The OS-keystore backend against a real Secret Service (gnome-keyring-daemon on a private D-Bus
// session, test/support/secret-service.ts): the keys land in the keyring — secret-tool, which
// knows nothing of awsrole, finds them there — and nowhere on disk; without a Secret Service the
// default falls back to the encrypted file and says so, and AWSROLE_KEYSTORE=os is a clear exit 3.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAwsrole } from '../support/cli.js';
import { createSandbox, type Sandbox } from '../support/sandbox.js';
import { startSecretService, type SecretService } from '../support/secret-service.js';

const KEY_ID = 'AKIAKEYRINGTEST00001';
const SECRET = 'keyring/secret+value';

let sandbox: Sandbox;
let secrets: SecretService;
let env: Record<string, string>;

beforeAll(async () => {
  sandbox = createSandbox();
  secrets = await startSecretService(sandbox.home);
  env = { ...sandbox.env(), ...secrets.env };
});

afterAll(async () => {
  await secrets?.stop();
  sandbox?.cleanup();
});

describe('the Secret Service backend', () => {
  it('keys add stores the keys in the keyring, where secret-tool finds them, and nothing secret on disk', async () => {
    const add = await runAwsrole(['keys', 'add', 'base', '--stdin'], { env, input: `${KEY_ID}\n${SECRET}\n` });
    expect(add.stderr).toContain('Secret Service');
    expect(add.code).toBe(0);
    expect(add.stderr).not.toContain(SECRET);

    const found = secrets.search({ service: 'awsrole' });
    expect(found).toContain(KEY_ID);
    expect(found).toContain(SECRET);
    const dataDir = join(sandbox.home, '.local/share/awsrole');
    expect(existsSync(join(dataDir, 'keys.enc'))).toBe(false);
    for (const name of readdirSync(dataDir)) expect(readFileSync(join(dataDir, name), 'utf8')).not.toContain(SECRET);
    expect(readFileSync(sandbox.credentialsPath, 'utf8')).toBe('[base]\ncredential_process = awsrole credential-process --keys base\n');
  });

  it('credential-process --keys hands them to the SDKs, and keys list names the backend', async () => {
    const creds = await runAwsrole(['credential-process', '--keys', 'base'], { env });
    expect(JSON.parse(creds.stdout)).toEqual({ Version: 1, AccessKeyId: KEY_ID, SecretAccessKey: SECRET });
    const list = await runAwsrole(['keys', 'list', '--json'], { env });
    expect(JSON.parse(list.stdout)).toMatchObject([{ profile: 'base', accessKeyId: 'AKIA…0001', backend: 'os' }]);
  });

  it('keys remove takes them out of the keyring', async () => {
    const remove = await runAwsrole(['keys', 'remove', 'base'], { env });
    expect(remove.code).toBe(0);
    expect(secrets.search({ service: 'awsrole' })).not.toContain(SECRET);
    const creds = await runAwsrole(['credential-process', '--keys', 'base'], { env });
    expect(creds.code).toBe(3);
    expect(creds.stdout).toBe('');
  });
});

describe('without a Secret Service', () => {
  const noBus = () => ({ ...sandbox.env(), DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(sandbox.home, 'no-bus')}`, AWSROLE_FILE_PASSPHRASE: 'pass phrase' });

  it('AWSROLE_KEYSTORE=os is exit 3, saying the OS keystore did not answer', async () => {
    const add = await runAwsrole(['keys', 'add', 'lonely', '--stdin'], { env: { ...noBus(), AWSROLE_KEYSTORE: 'os' }, input: `${KEY_ID}\n${SECRET}\n` });
    expect(add.code).toBe(3);
    expect(add.stderr).toContain('the OS keystore did not answer');
    expect(add.stderr).not.toContain(SECRET);
  });

  it('by default the keys go to the encrypted file instead, said so on stderr', async () => {
    const add = await runAwsrole(['keys', 'add', 'lonely', '--stdin'], { env: noBus(), input: `${KEY_ID}\n${SECRET}\n` });
    expect(add.code).toBe(0);
    expect(add.stderr).toContain('using the encrypted file instead');
    const creds = await runAwsrole(['credential-process', '--keys', 'lonely'], { env: noBus() });
    expect(JSON.parse(creds.stdout).SecretAccessKey).toBe(SECRET);
  });
});
