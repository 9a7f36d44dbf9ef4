// A config of thousands of profiles (what `awsrole generate` writes for an organization), read on
// every run: the whole file is still checked when only one profile's settings are built
// (src/config/ini.ts), and loadProgram runs such a run without V8's optimizing compiler, with a
// code cache of its own (src/startup/compile-cache.ts).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AWSROLE_BIN, runAwsrole } from '../support/cli.js';
import { createSandbox, type Sandbox } from '../support/sandbox.js';

const PROFILES = 4000;
let sandbox: Sandbox;
let env: Record<string, string>;

/** 4,000 role profiles, a [DEFAULT] region, and static keys in the last profile of the file. */
function largeConfig(lastLine = ''): string {
  const lines = ['[DEFAULT]', 'region = eu-central-1', ''];
  for (let i = 0; i < PROFILES; i++) {
    lines.push(`[profile acct-${i}]`, `role_arn = arn:aws:iam::${String(i).padStart(12, '0')}:role/admin`, 'source_profile = last', '');
  }
  lines.push('[profile last]', 'aws_access_key_id = AKIAEXAMPLELARGE0001', 'aws_secret_access_key = secret', lastLine);
  return `${lines.join('\n')}\n`;
}

/** Runs bin/awsrole.js under `node nodeFlags…`, stdout a pipe; the built-ins it loaded, by Node's own list. */
function runWithNode(nodeFlags: string[], args: string[]) {
  const listFile = join(sandbox.home, 'builtins.json');
  const hook = join(sandbox.home, 'list-builtins.cjs');
  writeFileSync(hook, `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(listFile)}, JSON.stringify(process.moduleLoadList)));\n`);
  const result = spawnSync(process.execPath, [...nodeFlags, '-r', hook, AWSROLE_BIN, ...args], { env, encoding: 'utf8' });
  const builtins = JSON.parse(readFileSync(listFile, 'utf8')) as string[];
  return { ...result, loadsV8: builtins.includes('NativeModule v8') };
}

const cacheDir = () => join(sandbox.home, '.cache/awsrole/compile-cache');

beforeAll(() => {
  sandbox = createSandbox();
  env = sandbox.env();
});
afterAll(() => sandbox.cleanup());

describe('a config of 4,000 profiles', () => {
  it('use of its last profile exports that profile, with the [DEFAULT] region', async () => {
    sandbox.writeConfig(largeConfig());
    expect(readFileSync(join(sandbox.home, '.aws/config')).length).toBeGreaterThan(64 * 1024);
    const result = await runAwsrole(['use', 'last', '--shell', 'bash'], { env });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("export AWS_ACCESS_KEY_ID='AKIAEXAMPLELARGE0001'");
    expect(result.stdout).toContain("export AWS_REGION='eu-central-1'");
  });

  it('is checked whole: a bad line at its end refuses a use of its first profile, naming the line', async () => {
    sandbox.writeConfig(largeConfig('this line is no setting'));
    const result = await runAwsrole(['explain', 'acct-0'], { env });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(new RegExp(`config:${PROFILES * 4 + 7}\\)`));
  });

  it("runs without V8's optimizing compiler, with a code cache of its own; a small config with it", () => {
    sandbox.writeConfig(largeConfig());
    // --trace-opt prints each optimizing compile on stdout: none.
    const large = runWithNode(['--trace-opt'], ['__complete', '--current=acct-399', '--', 'use']);
    expect(large.status).toBe(0);
    expect(large.stdout).not.toContain('compiling method');
    expect(large.stdout.split('\n')).toContain('acct-3999');
    expect(large.loadsV8).toBe(true);
    expect(readdirSync(join(cacheDir(), 'no-opt')).filter((name) => name.endsWith('.v8cache'))).toHaveLength(1);

    sandbox.writeConfig('[profile small]\naws_access_key_id = AKIAEXAMPLESMALL0001\naws_secret_access_key = secret\n');
    const small = runWithNode([], ['use', 'small', '--shell', 'bash']);
    expect(small.status).toBe(0);
    expect(small.loadsV8).toBe(false); // node:v8 costs more than the optimizer does here
    expect(readdirSync(cacheDir()).filter((name) => name.endsWith('.v8cache'))).toHaveLength(1);
    expect(existsSync(join(cacheDir(), 'no-opt'))).toBe(true);
  });
});
