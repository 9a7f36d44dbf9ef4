// What `npm install -g awsrole` gets: the packed tarball runs with no node_modules beside it, and
// declares no dependency to install. .ci/run runs the same tarball on Node 22 and 24
// (scripts/smoke-tarball.sh); this file checks it on the Node that runs the suite.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AWSROLE_BIN, REPO_ROOT } from '../support/cli.js';
import { createSandbox, type Sandbox } from '../support/sandbox.js';

let work: string;
let sandbox: Sandbox;
let installed: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'awsrole-pack-'));
  sandbox = createSandbox();
  // The build of `npm test` is what gets packed; --ignore-scripts skips prepack's second build.
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: REPO_ROOT, encoding: 'utf8' }),
  ) as Array<{ filename: string }>;
  execFileSync('tar', ['-xzf', join(work, packed[0]!.filename), '-C', work]);
  installed = join(work, 'package');
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  sandbox.cleanup();
});

describe('the packed tarball', () => {
  it('declares no runtime dependency but the optional native keystore module, and ships its license', () => {
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
    expect(manifest.dependencies ?? {}).toEqual({});
    // A native module cannot be bundled: npm installs it where it has a build, and awsrole works without it.
    expect(Object.keys(manifest.optionalDependencies ?? {})).toEqual(['@napi-rs/keyring']);
    expect(manifest.scripts?.install ?? manifest.scripts?.postinstall ?? manifest.scripts?.prepare).toBeUndefined();
    expect(readFileSync(join(installed, 'LICENSE'), 'utf8')).toMatch(new RegExp(`^${manifest.license} License`));
    expect(existsSync(join(installed, 'node_modules'))).toBe(false);
  });

  it('runs with no node_modules beside it: --version, explain and use of static keys', () => {
    sandbox.writeCredentials('[base]\naws_access_key_id = AKIAEXAMPLEPACKED001\naws_secret_access_key = secret\n');
    sandbox.writeConfig('[profile ops]\nrole_arn = arn:aws:iam::123456789012:role/ops\nsource_profile = base\n');
    const run = (...args: string[]) =>
      spawnSync(process.execPath, [join(installed, 'bin/awsrole.js'), ...args], { env: sandbox.env(), cwd: work, encoding: 'utf8' });

    const version = run('--version');
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).version);
    const explain = run('explain', 'ops');
    expect(explain.status).toBe(0);
    expect(explain.stdout).toContain('arn:aws:iam::123456789012:role/ops');
    const use = run('use', 'base', '--shell', 'bash');
    expect(use.status).toBe(0);
    expect(use.stdout).toContain("export AWS_ACCESS_KEY_ID='AKIAEXAMPLEPACKED001'");
  });
});

describe('the keystore in the packed tarball', () => {
  const keys = `AKIAEXAMPLEPACKED002\npacked-secret\n`;
  const run = (root: string, args: string[], extra: Record<string, string>, input = '') =>
    spawnSync(process.execPath, [join(root, 'bin/awsrole.js'), ...args], {
      env: { ...sandbox.env(), DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(work, 'no-bus')}`, ...extra },
      cwd: work,
      input,
      encoding: 'utf8',
    });

  it('without @napi-rs/keyring: the encrypted file works, and the OS keystore says what is missing (exit 3)', () => {
    const file = { AWSROLE_KEYSTORE: 'file', AWSROLE_FILE_PASSPHRASE: 'pass phrase' };
    expect(run(installed, ['keys', 'add', 'packed', '--stdin'], file, keys).status).toBe(0);
    expect(JSON.parse(run(installed, ['credential-process', '--keys', 'packed'], file).stdout).SecretAccessKey).toBe('packed-secret');
    const os = run(installed, ['keys', 'add', 'packed-os', '--stdin'], { AWSROLE_KEYSTORE: 'os' }, keys);
    expect(os.status).toBe(3);
    expect(os.stderr).toContain('needs the optional package @napi-rs/keyring, which is not installed');
  });

  it('with it installed beside awsrole (as npm does), the bundle loads it from node_modules', () => {
    const withModule = join(work, 'with-keyring');
    cpSync(installed, withModule, { recursive: true });
    cpSync(join(REPO_ROOT, 'node_modules/@napi-rs'), join(withModule, 'node_modules/@napi-rs'), { recursive: true });
    const os = run(withModule, ['keys', 'add', 'packed-os', '--stdin'], { AWSROLE_KEYSTORE: 'os' }, keys);
    expect(os.status).toBe(3);
    // Loaded: it is the Secret Service that is missing here (no D-Bus session), not the package.
    expect(os.stderr).toContain('the OS keystore did not answer');
  });
});

describe('a checkout that was not built', () => {
  it('says so in one line, without a stack trace', () => {
    const bin = join(work, 'unbuilt/bin/awsrole.js');
    mkdirSync(join(work, 'unbuilt/bin'), { recursive: true });
    copyFileSync(AWSROLE_BIN, bin);
    copyFileSync(join(REPO_ROOT, 'bin/package.json'), join(work, 'unbuilt/bin/package.json'));
    const result = spawnSync(process.execPath, [bin, 'use', 'ops'], { env: sandbox.env(), encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe("awsrole: the program is not built (dist/ is missing): run `npm run build` in awsrole's folder\n");
  });
});
