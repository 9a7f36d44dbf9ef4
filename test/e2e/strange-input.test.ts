// Input that is merely large or strange, through the built CLI: names with terminal escape
// sequences and megabyte names are echoed escaped and bounded (stderr, list, explain); a chain of
// 5,000 hops is explained and a cycle through 5,000 profiles is the cycle error, never a crash.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAwsrole } from '../support/cli.js';
import { createSandbox, type Sandbox } from '../support/sandbox.js';

const ARN = (name: string) => `arn:aws:iam::123456789012:role/${name}`;
const EVIL = 'evil\x1b]0;pwned\x07\x1b[2J';
const HUGE = `prod${'a'.repeat(1_000_000)}`;
const HOPS = 5000;
/** Anything a terminal would act on. */
const CONTROL = /[\x00-\x09\x0b-\x1f\x7f-\x9f]/;

let sandbox: Sandbox;
let env: Record<string, string>;

beforeAll(() => {
  sandbox = createSandbox();
  const chain = Array.from({ length: HOPS }, (_, i) => `[profile hop${i}]\nrole_arn = ${ARN(`R${i}`)}\nsource_profile = ${i === 0 ? 'base' : `hop${i - 1}`}\n`).join('');
  const cycle = Array.from({ length: HOPS }, (_, i) => `[profile loop${i}]\nrole_arn = ${ARN(`L${i}`)}\nsource_profile = loop${(i + 1) % HOPS}\n`).join('');
  sandbox.writeConfig(
    `[profile "${EVIL}"]\nrole_arn = ${ARN('E')}\nsource_profile = base\nregion = \x1b[31mred\n\n` +
      `[profile ${HUGE}]\nregion = eu-west-1\n\n${chain}${cycle}`,
  );
  sandbox.writeCredentials('[base]\naws_access_key_id = AKIAEXAMPLEBASE00001\naws_secret_access_key = secret\n');
  env = { ...sandbox.env(), USER: 'tester' };
});

afterAll(() => sandbox?.cleanup());

describe('names and values echoed to people', () => {
  it('"did you mean" shows a megabyte name cut short, and an escape sequence escaped', async () => {
    const result = await runAwsrole(['use', 'prod', '--shell', 'bash'], { env });
    expect(result.code).toBe(2);
    expect(result.stderr.length).toBeLessThan(500);
    expect(result.stderr).toMatch(/^awsrole: unknown profile "prod"\n  hint: did you mean "prodaaa+…a+"\?\n$/);

    const evil = await runAwsrole(['use', 'evil', '--shell', 'bash'], { env });
    expect(evil.code).toBe(2);
    expect(evil.stderr).not.toMatch(CONTROL);
    expect(evil.stderr).toContain('"evil\\x1b]0;pwned\\x07\\x1b[2J"');
  });

  it('an error naming the profile escapes it', async () => {
    const result = await runAwsrole(['use', EVIL, '--shell', 'bash'], { env });
    expect(result.code).toBe(3); // its region is not a region name
    expect(result.stderr).not.toMatch(CONTROL);
    expect(result.stderr).toContain('profile "evil\\x1b]0;pwned\\x07\\x1b[2J": region "\\x1b[31mred" is not a region name');
  });

  it('list shows every name escaped and bounded; --json keeps them whole', async () => {
    const result = await runAwsrole(['list'], { env });
    expect(result.code).toBe(0);
    expect(result.stdout).not.toMatch(CONTROL);
    expect(result.stdout).toContain('evil\\x1b]0;pwned\\x07\\x1b[2J');
    expect(Math.max(...result.stdout.split('\n').map((line) => line.length))).toBeLessThan(400);
    const json = JSON.parse((await runAwsrole(['list', '--json'], { env })).stdout) as Array<{ name: string }>;
    expect(json.map((p) => p.name)).toContain(HUGE);
    expect(json.map((p) => p.name)).toContain(EVIL);
  });

  it('explain escapes what it shows', async () => {
    const result = await runAwsrole(['explain', EVIL, '--region', 'eu-west-1'], { env });
    expect(result.code).toBe(0);
    expect(result.stdout).not.toMatch(CONTROL);
    expect(result.stdout).toContain('profile evil\\x1b]0;pwned\\x07\\x1b[2J');
  });
});

describe('large configurations', () => {
  it(`explains a chain of ${HOPS} hops`, async () => {
    const result = await runAwsrole(['explain', `hop${HOPS - 1}`], { env });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('  1. static keys of profile "base"');
    expect(result.stdout).toContain(`  ${HOPS + 1}. AssumeRole ${ARN(`R${HOPS - 1}`)}`);
  });

  it(`a cycle through ${HOPS} profiles is the cycle error (exit 3), in one line`, async () => {
    const result = await runAwsrole(['use', 'loop0', '--shell', 'bash'], { env });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^awsrole: source_profile cycle: profile loop0 → loop1 → .* → loop4999 → loop0 \(.*config:\d+\)\n/);
    expect(result.stderr.length).toBeLessThan(500);
  });
});
