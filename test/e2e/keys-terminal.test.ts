// The keys' prompts at a real terminal (tmux): keys add asks for the key id and secret without
// echo, then has the new encrypted file's passphrase typed twice; a use of a role on top, with the
// session cache encrypted too, asks for the passphrase once — one unlock serves the keys and the
// cache's key — and a wrong passphrase three times is exit 3.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startMoto, type MotoServer, type UserCredentials } from '../support/moto.js';
import { createSandbox, type Sandbox } from '../support/sandbox.js';
import { waitFor } from '../support/shell.js';
import { startPane, type Pane } from '../support/tmux.js';

const PASSPHRASE = 'typed passphrase 42';

let moto: MotoServer;
let alice: UserCredentials;
let sandbox: Sandbox;
let scratch: string;
let pane: Pane | undefined;

beforeAll(async () => {
  moto = await startMoto();
  alice = await moto.createUser('alice');
  await moto.createRole('R', { trust: [alice.arn] });
  await moto.enableAuth();
  sandbox = createSandbox();
  sandbox.writeConfig('[profile admin]\nrole_arn = arn:aws:iam::123456789012:role/R\nsource_profile = base\n');
  scratch = mkdtempSync(join(tmpdir(), 'awsrole-keys-pane-'));
});

afterEach(() => pane?.kill());

afterAll(async () => {
  await moto?.stop();
  sandbox?.cleanup();
  rmSync(scratch, { recursive: true, force: true });
});

async function typeAt(prompt: string, text: string): Promise<void> {
  await pane!.waitForScreen(prompt.trimEnd()); // tmux drops a line's trailing spaces
  pane!.type(text);
  pane!.send('Enter');
}

describe('at a terminal', () => {
  it('keys add asks for the keys without echo, then for a new passphrase twice', async () => {
    pane = await startPane({ shell: 'bash', env: { ...sandbox.env(moto), AWSROLE_KEYSTORE: 'file' }, dir: scratch, rc: [] });
    pane.send('awsrole keys add base', 'Enter');
    await typeAt('Access key id: ', alice.accessKeyId);
    await typeAt('Secret access key: ', alice.secretAccessKey);
    await typeAt('New passphrase: ', PASSPHRASE);
    await typeAt('Repeat it: ', PASSPHRASE);
    await pane.waitForScreen('credential_process = awsrole credential-process --keys base');
    const screen = pane.screen();
    expect(screen).toContain('stored keys');
    expect(screen).not.toContain(alice.secretAccessKey);
    expect(screen).not.toContain(PASSPHRASE);
    expect(readFileSync(sandbox.credentialsPath, 'utf8')).toBe('[base]\ncredential_process = awsrole credential-process --keys base\n');
  });

  it('a use with the cache encrypted asks for the passphrase once, for the keys and the cache key both', async () => {
    pane = await startPane({ shell: 'bash', env: { ...sandbox.env(moto), AWSROLE_CACHE_ENCRYPT: 'keystore' }, dir: scratch, rc: [] });
    const out = join(scratch, 'use.out');
    pane.send('clear', 'Enter');
    pane.type(`awsrole use admin --shell bash > ${out}; echo "exit=$?"`);
    pane.send('Enter');
    await typeAt('Passphrase for ', PASSPHRASE);
    await pane.waitForScreen(/^exit=\d+$/m, 20_000);
    const screen = pane.screen();
    expect(screen).toContain('exit=0');
    expect(screen.match(/Passphrase for /g)).toHaveLength(1);
    expect(readFileSync(out, 'utf8')).toContain('export AWS_SESSION_TOKEN=');
  });

  it('a wrong passphrase is asked again, and after three is exit 3', async () => {
    pane = await startPane({ shell: 'bash', env: sandbox.env(moto), dir: scratch, rc: [] });
    pane.send('clear', 'Enter');
    pane.type('awsrole credential-process --keys base > /dev/null; echo "exit=$?"');
    pane.send('Enter');
    for (let attempt = 1; attempt <= 3; attempt++) {
      await waitFor(() => (pane!.screen().match(/Passphrase for /g) ?? []).length === attempt);
      pane.type('not it');
      pane.send('Enter');
    }
    await pane.waitForScreen(/^exit=\d+$/m, 20_000);
    expect(pane.screen().match(/Wrong passphrase; try again/g)).toHaveLength(2);
    expect(pane.screen()).toContain('wrong passphrase for the encrypted key file');
    expect(pane.screen()).toContain('exit=3');
  });
});
