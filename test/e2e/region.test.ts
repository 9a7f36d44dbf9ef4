// One region rule, with no leaks, in real shells: `--region`, else the profile's own region over
// any in the environment, else the user's own region from before awsrole changed anything —
// never the previous profile's — and `unset` sets the user's region variables back exactly.
// The same rule for `exec` and the JSON format. STS is moto's, with authentication on.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AWSROLE_BIN } from '../support/cli.js';
import { startMoto, type MotoServer } from '../support/moto.js';
import { createSandbox, type Sandbox } from '../support/sandbox.js';

let moto: MotoServer;
let sandbox: Sandbox;
let env: Record<string, string>;

beforeAll(async () => {
  moto = await startMoto();
  const alice = await moto.createUser('alice');
  await moto.createRole('ProdAdmin', { trust: [alice.arn] });
  await moto.createRole('Staging', { trust: [alice.arn] });
  await moto.enableAuth();
  sandbox = createSandbox();
  sandbox.writeCredentials(`[base]\naws_access_key_id = ${alice.accessKeyId}\naws_secret_access_key = ${alice.secretAccessKey}\n`);
  sandbox.writeConfig(
    `[profile prod-admin]\nrole_arn = arn:aws:iam::${moto.accountId}:role/ProdAdmin\nsource_profile = base\nregion = eu-west-1\n\n` +
      `[profile staging]\nrole_arn = arn:aws:iam::${moto.accountId}:role/Staging\nsource_profile = base\n`,
  );
  env = sandbox.env(moto);
}, 60_000);

afterAll(async () => {
  await moto?.stop();
  sandbox?.cleanup();
});

interface ShellDialect {
  shell: string;
  args: string[];
  /** Sets (value) or removes (undefined) a variable, as the user would. */
  assign(name: string, value: string | undefined): string;
  evaluate(args: string): string;
  /** Prints `label R=[AWS_REGION] D=[AWS_DEFAULT_REGION]`, `-` for an unset variable. */
  show(label: string): string;
}

const POSIX = (shell: string, args: string[] = []): ShellDialect => ({
  shell,
  args,
  assign: (name, value) => (value === undefined ? `unset ${name}` : `export ${name}='${value}'`),
  evaluate: (args) => `eval "$(awsrole ${args})"`,
  show: (label) => `echo "${label} R=[\${AWS_REGION--}] D=[\${AWS_DEFAULT_REGION--}]"`,
});

const SHELLS: ShellDialect[] = [
  POSIX('bash'),
  POSIX('zsh', ['-f']),
  POSIX('dash'),
  {
    shell: 'fish',
    args: ['--no-config'],
    assign: (name, value) => (value === undefined ? `set -e ${name}` : `set -gx ${name} '${value}'`),
    evaluate: (args) => `awsrole ${args} --shell fish | source`,
    show: (label) =>
      `echo "${label} R=["(set -q AWS_REGION; and echo $AWS_REGION; or echo -)"] D=["(set -q AWS_DEFAULT_REGION; and echo $AWS_DEFAULT_REGION; or echo -)"]"`,
  },
];

/** The user's own region variables at the start, and what each step must leave. */
const CASES = [
  { name: 'AWS_DEFAULT_REGION only', region: undefined, defaultRegion: 'us-east-1', own: 'R=[-] D=[us-east-1]' },
  { name: 'no region at all', region: undefined, defaultRegion: undefined, own: 'R=[-] D=[-]' },
  { name: 'both, different', region: 'us-west-2', defaultRegion: 'ap-south-1', own: 'R=[us-west-2] D=[ap-south-1]' },
] as const;

describe.each(SHELLS)('switching in $shell', (dialect) => {
  it.each(CASES)('a user with $name: the profile\'s region, else the user\'s own, and unset sets it back', (start) => {
    const lines = [
      dialect.assign('AWS_REGION', start.region),
      dialect.assign('AWS_DEFAULT_REGION', start.defaultRegion),
      dialect.evaluate('use prod-admin'),
      dialect.show('first-use'),
      dialect.evaluate('use prod-admin'),
      dialect.show('same-again'),
      dialect.evaluate('use staging'),
      dialect.show('no-own-region'),
      dialect.evaluate('use staging --region ca-central-1'),
      dialect.show('flag'),
      dialect.evaluate('use prod-admin'),
      dialect.show('own-again'),
      dialect.evaluate('unset'),
      dialect.show('unset'),
      dialect.evaluate('unset'),
      dialect.show('unset-again'),
      dialect.shell === 'fish'
        ? 'echo "profile=[$AWSROLE_PROFILE] remembered=[$AWSROLE_USER_REGION]"'
        : 'echo "profile=[${AWSROLE_PROFILE-}] remembered=[${AWSROLE_USER_REGION-}]"',
    ];
    const result = runScript(dialect, lines.join('\n'));
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(
      [
        'first-use R=[eu-west-1] D=[eu-west-1]',
        'same-again R=[eu-west-1] D=[eu-west-1]',
        `no-own-region ${start.own}`,
        'flag R=[ca-central-1] D=[ca-central-1]',
        'own-again R=[eu-west-1] D=[eu-west-1]',
        `unset ${start.own}`,
        `unset-again ${start.own}`,
        'profile=[] remembered=[]',
        '',
      ].join('\n'),
    );
  });
});

describe('exec and export after a use: the same rule', () => {
  it("hand a profile without a region the user's own, not the region the shell holds now", () => {
    const bash = SHELLS[0]!;
    const lines = [
      bash.assign('AWS_DEFAULT_REGION', 'us-east-1'),
      bash.evaluate('use prod-admin'),
      `awsrole exec staging -- sh -c 'echo "exec-staging R=[\${AWS_REGION--}] D=[\${AWS_DEFAULT_REGION--}]"'`,
      `awsrole exec prod-admin -- sh -c 'echo "exec-prod R=[\${AWS_REGION--}] D=[\${AWS_DEFAULT_REGION--}]"'`,
      'awsrole export staging --format json | python3 -c "import json, sys; print(\'json-staging\', json.load(sys.stdin)[\'Region\'])"',
      'awsrole export prod-admin --format json | python3 -c "import json, sys; print(\'json-prod\', json.load(sys.stdin)[\'Region\'])"',
    ];
    const result = runScript(bash, lines.join('\n'));
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(
      [
        'exec-staging R=[-] D=[us-east-1]',
        'exec-prod R=[eu-west-1] D=[eu-west-1]',
        'json-staging us-east-1',
        'json-prod eu-west-1',
        '',
      ].join('\n'),
    );
  });
});

/** Runs a script file (no terminal) with awsrole on PATH, stopping at the first failure. */
function runScript(dialect: ShellDialect, script: string): { stdout: string; stderr: string; status: number | null } {
  const dir = mkdtempSync(join(tmpdir(), 'awsrole-region-'));
  try {
    mkdirSync(join(dir, 'bin'));
    symlinkSync(AWSROLE_BIN, join(dir, 'bin', 'awsrole'));
    const file = join(dir, 'script');
    writeFileSync(file, `${dialect.shell === 'fish' ? '' : 'set -eu\n'}${script}\n`);
    const result = spawnSync(dialect.shell, [...dialect.args, file], {
      env: { ...env, SHELL: `/bin/${dialect.shell === 'dash' ? 'sh' : dialect.shell}`, PATH: `${join(dir, 'bin')}:${env.PATH}` },
      encoding: 'utf8',
      timeout: 60_000,
    });
    return { stdout: result.stdout, stderr: result.stderr, status: result.status };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
