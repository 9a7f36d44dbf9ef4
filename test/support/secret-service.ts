// A real Secret Service for the OS-keystore tests: gnome-keyring-daemon on a D-Bus session bus of
// its own (dbus-run-session), its login keyring created and unlocked non-interactively from a
// password on stdin, under the test's HOME. stop() ends the session; the daemon leaves with its bus.
// Needs the Debian packages dbus and gnome-keyring (.ci/run installs them); secret-tool
// (libsecret-tools) reads the keyring independently of awsrole.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export interface SecretService {
  /** DBUS_SESSION_BUS_ADDRESS and XDG_RUNTIME_DIR: add them to a child's environment. */
  readonly env: Record<string, string>;
  /** `secret-tool search --all` for these attributes: each item's attributes and secret, as text. */
  search(attributes: Record<string, string>): string;
  stop(): Promise<void>;
}

const SCRIPT = `printf '%s' test-keyring-password | gnome-keyring-daemon --unlock --components=secrets >/dev/null || exit 1
echo "$DBUS_SESSION_BUS_ADDRESS"
exec cat >/dev/null`;

export async function startSecretService(home: string): Promise<SecretService> {
  const runtime = join(home, 'run');
  mkdirSync(runtime, { recursive: true, mode: 0o700 });
  const base = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, XDG_RUNTIME_DIR: runtime };
  // Its stdin stays open for the session's life: closing it (or this process dying) ends the session.
  const child = spawn('dbus-run-session', ['--', 'sh', '-c', SCRIPT], { env: base, stdio: ['pipe', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const address = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => reject(new Error(`the Secret Service did not start in 20 s: ${stderr}`)), 20_000);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (stdout.includes('\n')) {
        clearTimeout(timer);
        resolve(stdout.trim());
      }
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      reject(new Error(`dbus-run-session exited (${code}) before the Secret Service was up: ${stderr}`));
    });
  });
  const env = { DBUS_SESSION_BUS_ADDRESS: address, XDG_RUNTIME_DIR: runtime };
  return {
    env,
    search(attributes) {
      const args = ['search', '--all', ...Object.entries(attributes).flat()];
      const result = spawnSync('secret-tool', args, { env: { ...base, ...env }, encoding: 'utf8' });
      return `${result.stdout}${result.stderr}`;
    },
    async stop() {
      child.stdin.end();
      await exited;
    },
  };
}
