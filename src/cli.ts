import { Command, CommanderError, Option } from 'commander';
import type { CommandContext, CredentialOptions } from './commands/context.js';
import type { RunOptions } from './commands/run.js';
import { processEnv, type Env } from './environment/env.js';
import { forPeople, LINE_LIMIT } from './output/for-people.js';
import { reportError } from './errors/report-error.js';
import { StandardOutput } from './terminal/standard-output.js';

// The environment as it was when awsrole started: commands and `exec` children see this copy,
// never later changes to process.env (the AWS SDK's warning switch, for one).
const env: Env = { ...processEnv() };
const argv = process.argv.slice(2);
// awsrole's own words only: what follows `--` belongs to the command `exec` runs.
const ownArgs = argv.includes('--') ? argv.slice(0, argv.indexOf('--')) : argv;
const wantsDebug = ownArgs.includes('--debug');
const wantsJsonErrors = ownArgs.includes('--json');
// Not process.stdout: see terminal/standard-output.ts. A closed pipe (`awsrole list | head -1`)
// is not an error worth a stack trace there.
const stdout = new StandardOutput();

interface CommonOptions {
  debug?: boolean;
  quiet?: boolean;
  json?: boolean;
}

function context(options: CommonOptions): CommandContext {
  return {
    env,
    stdout,
    // A getter: a cached `use` writes nothing on stderr, and making its stream (a terminal's, as a
    // rule) loads Node's tty and net modules, a few percent of the whole run.
    get stderr() {
      return process.stderr;
    },
    debug: options.debug ? (message) => process.stderr.write(`awsrole: debug: ${forPeople(message, LINE_LIMIT)}\n`) : () => {},
    info: options.quiet ? () => {} : (message) => process.stderr.write(`awsrole: ${forPeople(message, LINE_LIMIT)}\n`),
    warn: options.quiet ? () => {} : (message) => process.stderr.write(`awsrole: warning: ${forPeople(message, LINE_LIMIT)}\n`),
  };
}

function withCommonOptions(command: Command): Command {
  return command
    .option('--debug', 'explain every decision on stderr (secrets masked)')
    .option('--quiet', 'print nothing for people on stderr except errors')
    .option('--json', 'errors as one JSON line on stderr, for CI');
}

function withCredentialOptions(command: Command): Command {
  return withCommonOptions(command)
    .option('--region <region>', 'region for STS and for AWS_REGION (default: the profile\'s)')
    .option('--duration <duration>', 'session length of the last role, 15m to 12h (seconds, or 30m, 1h …)')
    .option('--session-name <name>', 'RoleSessionName of the last role (default: role_session_name or awsrole-<user>)')
    .option('--external-id <id>', 'ExternalId for the last role (default: external_id)')
    .option('--mfa-code <code>', 'the 6-digit code of the mfa_serial device')
    .option('--mfa-command <command>', 'a command that prints the MFA code (like mfa_process in the profile)')
    .option('--mfa-duration <duration>', 'how long one MFA code lasts (GetSessionToken), 15m to 36h', '36h')
    .option('--no-cache', 'neither read nor write cached sessions')
    .option('--refresh', 'obtain new role sessions even if cached ones are valid')
    .option('--refresh-mfa', 'like --refresh, and a new MFA session too (asks for a new code)')
    .option('--min-ttl <duration>', 'reuse a cached session only while more than this remains', '5m')
    .option('--no-cli-cache', "don't share sessions with the AWS CLI's cache (~/.aws/cli/cache)");
}

/** package.json's version, put here by scripts/build.mjs. */
declare const AWSROLE_VERSION: string;

/** A repeatable option's values, in order. */
function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

type GenerateFlags = import('./commands/generate.js').GenerateOptions;

function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((line) => `  ${line}`).join('\n')}\n`;
}

const program = new Command('awsrole')
  .description('Assume AWS roles through the profiles in ~/.aws/config and hand the credentials to a shell, a command or the AWS SDKs.')
  .version(AWSROLE_VERSION, '-V, --version')
  .enablePositionalOptions()
  .showSuggestionAfterError(true)
  .exitOverride()
  .configureOutput({
    // Under the shell function (AWSROLE_SHELL set) stdout is evaluated: help and version text go
    // to stderr, where people read them, instead of into an eval.
    writeOut: env.AWSROLE_SHELL ? (text: string) => process.stderr.write(text) : (text: string) => stdout.write(text),
    outputError: (text, write) => write(wantsJsonErrors ? commanderErrorJson(text) : text.replace(/^error: /, 'awsrole: ')),
  });

/** A commander usage error (bad flag, missing argument) as the one JSON line `--json` promises. */
function commanderErrorJson(text: string): string {
  const [first = '', ...rest] = text.trim().split('\n');
  const hint = rest.join(' ').trim();
  return `${JSON.stringify({ error: { message: first.replace(/^error: /, ''), hint: hint || null, exitCode: 2 } })}\n`;
}

// The common flags also work before the subcommand (`awsrole --debug list`): they are handed
// down to the command that runs, as if typed after it.
withCommonOptions(program).hook('preAction', (_program, command) => {
  for (const name of ['debug', 'quiet', 'json'] as const) {
    if (program.getOptionValue(name) && command.getOptionValue(name) === undefined) command.setOptionValue(name, true);
  }
});

/**
 * Commands are defined only when needed: `awsrole use …` defines `use` alone, because building
 * every command's options costs each run a few percent of its startup. So does a TAB after a
 * command (`__complete --current=pro -- use`: the first word typed names it). Help, the
 * completion of a command's name, an unknown command or options before the command get them all
 * (the word is then no command's name).
 */
const onlyCommand = argv[0] === '__complete' ? argv[argv.indexOf('--') + 1] : argv[0];
const definitions: Array<[string, () => void]> = [];
function defineCommand(name: string, define: () => void): void {
  definitions.push([name, define]);
}
function defineCommands(): void {
  const only = definitions.find(([name]) => name === onlyCommand);
  for (const [name, define] of definitions) if (!only || name === onlyCommand) define();
}

defineCommand('use', () => {
  withCredentialOptions(program.command('use'))
    .description('print shell code that exports the role\'s credentials, for eval; without a profile, pick one on the terminal')
    .argument('[profile]', 'profile name in ~/.aws/config or ~/.aws/credentials (default: pick one from a list, most recently used first)')
    .addOption(new Option('--shell <shell>', 'shell to print for (default: from $SHELL)').choices(['bash', 'zsh', 'sh', 'fish', 'powershell']))
    .addHelpText(
      'after',
      examples(
        'eval "$(awsrole use prod-admin)"',
        'eval "$(awsrole use)"            # pick the profile: type to filter, arrows to move, Enter, Esc to cancel',
        'awsrole use prod-admin --shell fish | source',
        'awsrole use prod-admin --shell powershell | Invoke-Expression',
      ),
    )
    .action(async (profile: string | undefined, options: CredentialOptions & CommonOptions & { shell?: string }) => {
      const { useCommand } = await import('./commands/use.js');
      await useCommand(profile, options, context(options));
    });
});

defineCommand('exec', () => {
  withCredentialOptions(program.command('exec'))
    .description('run a command with the role\'s credentials in its environment; exits with its exit code')
    .argument('<profile>', 'profile name')
    .argument('[command...]', 'the command and its arguments (after --)')
    .option('--server', 'hand the command a local credentials endpoint that renews the session, instead of keys (default: the profile\'s awsrole_exec_server, or $AWSROLE_EXEC_SERVER)')
    .option('--no-server', 'keys in the environment, even where awsrole_exec_server or $AWSROLE_EXEC_SERVER says --server')
    .option('--for <duration>', 'how long the command will run (e.g. 3h): warns when the keys expire sooner')
    .passThroughOptions()
    .addHelpText(
      'after',
      examples(
        'awsrole exec prod-admin -- aws sts get-caller-identity',
        'awsrole exec --region eu-west-1 prod-admin -- terraform plan',
        'awsrole exec --server prod-admin -- terraform apply   # credentials renewed for as long as it runs',
      ),
    )
    .action(async (profile: string, commandLine: string[], options: CredentialOptions & CommonOptions & { server?: boolean; for?: string }, command: Command) => {
      const { execCommand } = await import('./commands/exec.js');
      const minTtlFromUser = command.getOptionValueSource('minTtl') === 'cli';
      process.exitCode = await execCommand(profile, commandLine, { ...options, minTtlFromUser }, context(options));
    });
});

defineCommand('run', () => {
  withCredentialOptions(program.command('run'))
    .description('run one command in many profiles, in parallel, its output prefixed with the profile, then a summary (--json: one JSON line per profile instead)')
    .argument('[command...]', 'the command and its arguments (after --)')
    .option('--profiles <list>', "profile names and globs, comma-separated: 'prod-*,audit'")
    .option('--from-file <file>', 'more names and globs, one a line (# comments); - reads stdin')
    .option('--parallel <n>', 'how many commands (and credential requests) at a time (default: 4)')
    .option('--group', "hold each profile's output and print it whole when its command ends, under a header")
    .option('--fail-fast', 'start nothing more once one profile fails (running commands finish)')
    .passThroughOptions()
    .addHelpText(
      'after',
      examples(
        "awsrole run --profiles 'prod-*,audit' -- aws sts get-caller-identity",
        "awsrole run --profiles 'acct-*' --parallel 8 -- aws s3 ls",
        "awsrole run --from-file accounts.txt --group -- aws ec2 describe-vpcs --output table",
        "awsrole run --profiles 'prod-*' --json -- aws iam list-roles | jq -r 'select(.exitCode != 0) | .profile'",
      ),
    )
    .action(async (commandLine: string[], options: RunOptions & CommonOptions) => {
      const { runInProfiles } = await import('./commands/run.js');
      process.exitCode = await runInProfiles(commandLine, options, context(options));
    });
});

defineCommand('serve', () => {
  withCredentialOptions(program.command('serve'))
    .description('serve the role\'s credentials on a local endpoint that renews them, for other processes and containers, until stopped')
    .argument('<profile>', 'profile name')
    .option('--ecs', 'the container credentials protocol (the default): prints AWS_CONTAINER_CREDENTIALS_FULL_URI and AWS_CONTAINER_AUTHORIZATION_TOKEN')
    .option('--imds', 'an IMDSv2 emulation, for containers on a bridge network: prints AWS_EC2_METADATA_SERVICE_ENDPOINT')
    .option('--listen <address:port>', 'bind here instead of a free port on 127.0.0.1 (e.g. the Docker bridge, 172.17.0.1:9911)')
    .option('--allow <addresses>', 'only these client addresses or CIDR blocks, comma-separated (e.g. 172.17.0.0/16)', (value: string, previous: string[] = []) => [...previous, value])
    .addOption(new Option('--shell <shell>', 'shell syntax of the printed variables (default: from $SHELL)').choices(['bash', 'zsh', 'sh', 'fish', 'powershell']))
    .addHelpText(
      'after',
      examples(
        'awsrole serve prod-admin > creds.env &   # then: . ./creds.env',
        'awsrole serve prod-admin --imds --listen 172.17.0.1:9911 --allow 172.17.0.0/16',
      ),
    )
    .action(async (profile: string, options: CredentialOptions & CommonOptions & { ecs?: boolean; imds?: boolean; listen?: string; allow?: string[]; shell?: string }, command: Command) => {
      const { serveCommand } = await import('./commands/serve.js');
      const minTtlFromUser = command.getOptionValueSource('minTtl') === 'cli';
      process.exitCode = await serveCommand(profile, { ...options, minTtlFromUser }, context(options));
    });
});

defineCommand('export', () => {
  withCredentialOptions(program.command('export'))
    .description('print the role\'s credentials in a format for other tools')
    .argument('<profile>', 'profile name')
    .requiredOption('--format <format>', 'env, env-no-export, fish, powershell, windows-cmd, dotenv, docker, process, json, ini')
    .option('--section <name>', 'with --format ini: the section name (default: the profile name)')
    .addHelpText('after', examples('awsrole export prod-admin --format dotenv > .env', 'awsrole export prod-admin --format json | jq .Expiration'))
    .action(async (profile: string, options: CredentialOptions & CommonOptions & { format: string; section?: string }) => {
      const { exportCommand } = await import('./commands/export.js');
      await exportCommand(profile, options, context(options));
    });
});

defineCommand('credential-process', () => {
  withCredentialOptions(program.command('credential-process'))
    .description('print credentials as credential_process JSON, for the AWS SDKs and CLI')
    .argument('<profile>', 'profile name')
    .option('--keys', "the profile's long-term keys from awsrole's keystore (the line keys add and keys import write)")
    .addHelpText('after', examples('[profile prod-sdk]', 'credential_process = awsrole credential-process prod-admin', 'credential_process = awsrole credential-process --keys base'))
    .action(async (profile: string, options: CredentialOptions & CommonOptions & { keys?: boolean }) => {
      if (options.keys) {
        const { keysCredentialProcessCommand } = await import('./commands/keys.js');
        return keysCredentialProcessCommand(profile, context(options));
      }
      const { credentialProcessCommand } = await import('./commands/export.js');
      await credentialProcessCommand(profile, options, context(options));
    });
});

defineCommand('explain', () => {
  withCommonOptions(program.command('explain'))
    .description('show how the profile would be resolved, each setting with its file and line; no network, no secrets')
    .argument('<profile>', 'profile name')
    .option('--region <region>', 'as for use')
    .option('--duration <duration>', 'as for use')
    .option('--session-name <name>', 'as for use')
    .option('--external-id <id>', 'as for use')
    .addHelpText('after', examples('awsrole explain prod-admin', 'awsrole explain prod-admin --json'))
    .action(async (profile: string, options: CredentialOptions & CommonOptions) => {
      const { explainCommand } = await import('./commands/explain.js');
      explainCommand(profile, options, context(options));
    });
});

defineCommand('list', () => {
  withCommonOptions(program.command('list'))
    .description('list every profile: name, kind, account, role, region, source')
    .addHelpText('after', examples('awsrole list', 'awsrole list --json | jq -r \'.[] | select(.kind == "role") | .name\''))
    .action(async (options: CommonOptions) => {
      const { listCommand } = await import('./commands/list.js');
      listCommand(options, context(options));
    });
});

defineCommand('unset', () => {
  withCommonOptions(program.command('unset'))
    .description('print shell code that clears what use set')
    .addOption(new Option('--shell <shell>', 'shell to print for (default: from $SHELL)').choices(['bash', 'zsh', 'sh', 'fish', 'powershell']))
    .addHelpText('after', examples('eval "$(awsrole unset)"'))
    .action(async (options: CommonOptions & { shell?: string }) => {
      const { unsetCommand } = await import('./commands/unset.js');
      unsetCommand(options, context(options));
    });
});

defineCommand('whoami', () => {
  withCredentialOptions(program.command('whoami'))
    .description('who AWS says you are (GetCallerIdentity): for a profile, or for the credentials in the environment')
    .argument('[profile]', 'profile name (default: the AWS_* credentials in the environment)')
    .addHelpText('after', examples('awsrole whoami prod-admin', 'eval "$(awsrole use prod-admin)" && awsrole whoami --json'))
    .action(async (profile: string | undefined, options: CredentialOptions & CommonOptions) => {
      const { whoamiCommand } = await import('./commands/whoami.js');
      await whoamiCommand(profile, options, context(options));
    });
});

defineCommand('login', () => {
  withCommonOptions(program.command('login'))
    .description('IAM Identity Center (SSO) login for a profile, in a browser (PKCE) or with a device code; the token is shared with the AWS CLI')
    .argument('<profile>', 'an SSO profile, or a role profile whose chain starts from one')
    .option('--use-device-code', 'sign in with a device code (from any device) even where a browser could be opened here')
    .option('--open', 'with a device code: open the verification URL in a browser here')
    .option('--no-browser', 'never start a browser: only print the URL to open')
    .addHelpText('after', examples('awsrole login dev-sso', 'awsrole login prod-admin --use-device-code', 'awsrole login dev-sso --no-browser'))
    .action(async (profile: string, options: CommonOptions & { open?: boolean; browser?: boolean; useDeviceCode?: boolean }) => {
      const { loginCommand } = await import('./commands/login.js');
      await loginCommand(profile, { open: options.open, noBrowser: options.browser === false, useDeviceCode: options.useDeviceCode }, context(options));
    });
});

defineCommand('logout', () => {
  withCommonOptions(program.command('logout'))
    .description("sign out of a profile's IAM Identity Center login (the portal's Logout) or aws login session: remove its token and the sessions obtained with it")
    .argument('[profile]', 'an SSO or login_session profile, or a role profile whose chain starts from one')
    .option('--all', 'every IAM Identity Center token (as aws sso logout) and every aws login token')
    .addHelpText('after', examples('awsrole logout dev-sso', 'awsrole logout --all'))
    .action(async (profile: string | undefined, options: CommonOptions & { all?: boolean }) => {
      const { logoutCommand } = await import('./commands/logout.js');
      await logoutCommand(profile, { all: options.all }, context(options));
    });
});

defineCommand('init', () => {
  withCommonOptions(program.command('init'))
    .description('print the shell function that lets `awsrole use` change the current shell, with completion')
    .argument('<shell>', 'bash, zsh, fish or powershell')
    .addHelpText(
      'after',
      examples(
        'eval "$(awsrole init bash)"     # in ~/.bashrc',
        'eval "$(awsrole init zsh)"      # in ~/.zshrc, after compinit',
        'awsrole init fish | source      # in ~/.config/fish/config.fish',
        'awsrole init powershell | Out-String | Invoke-Expression   # in $PROFILE',
      ),
    )
    .action(async (shell: string, options: CommonOptions) => {
      const { initCommand } = await import('./commands/init.js');
      initCommand(shell, context(options));
    });
});

defineCommand('console', () => {
  withCredentialOptions(program.command('console'))
    .description('sign in to the AWS console as the role (federation endpoint): open it in the browser, or --print the URL')
    .argument('<profile>', 'a role or IAM Identity Center profile (long-term keys cannot sign in)')
    .option('--destination <url-or-service>', 'where to land: a service name (s3, ec2, …) or a full https URL (default: the console home)')
    .option('--print', 'print the sign-in URL on stdout instead of opening it; it signs in whoever has it, for 15 minutes')
    .option('--open', 'open the browser (the default; with --print, do both)')
    .addHelpText('after', examples('awsrole console prod-admin', 'awsrole console prod-admin --destination s3', 'awsrole console prod-admin --print | pbcopy'))
    .action(async (profile: string, options: CredentialOptions & CommonOptions & { destination?: string; print?: boolean; open?: boolean }) => {
      const { consoleCommand } = await import('./commands/console.js');
      await consoleCommand(profile, options, context(options));
    });
});

defineCommand('generate', () => {
  withCommonOptions(program.command('generate'))
    .description('write a profile for every account and role of an AWS Organization or an SSO login into one marked block of the config file; the rest of the file is never touched')
    .option('--from-organization <profile>', "every active account of the organization this profile can list (organizations:ListAccounts), as role profiles sourced from it")
    .option('--from-sso <sso-session>', 'every account and role your IAM Identity Center login can see (an [sso-session] name, or an SSO profile)')
    .option('--role <name>', 'the role to assume in every account (--from-organization: required; --from-sso: only these roles); repeat or comma-separate', collect)
    .option('--exclude-account <id-or-name>', 'leave this account out; repeat or comma-separate', collect)
    .option('--include-management-account', "with --from-organization: the management account too (left out by default: the roles Organizations creates are not in it)")
    .option('--name <template>', 'profile names from {account_name}, {account_id}, {role_name}, made lower-case and safe', '{account_name}-{role_name}')
    .option('--region <region>', 'region = … in every generated profile')
    .option('--set <key=value>', 'another setting for every generated profile (e.g. output=json); repeat', collect)
    .option('--prune', 'drop the profiles of accounts and roles no longer listed (kept by default)')
    .option('--dry-run', 'write nothing: print the change as a unified diff (with --json: the profiles)')
    .option('--mfa-code <code>', "with --from-organization: the MFA code for the profile's own credentials")
    .option('--mfa-command <command>', 'a command that prints that MFA code')
    .option('--no-cache', 'neither read nor write cached sessions')
    .addHelpText(
      'after',
      examples(
        'awsrole generate --from-organization mgmt --role OrganizationAccountAccessRole --region eu-west-1',
        "awsrole generate --from-sso corp --name '{account_name}-{role_name}' --dry-run",
        'awsrole generate --from-sso corp --prune        # again later: new accounts added, closed ones dropped',
      ),
    )
    .action(async (options: CommonOptions & GenerateFlags) => {
      const { generateCommand } = await import('./commands/generate.js');
      await generateCommand(options, context(options));
    });
});

defineCommand('cache', () => {
  const cache = program.command('cache').description('the cached sessions: list them, clear them');

  withCommonOptions(cache.command('list'))
    .description('the cached sessions with their expiry (no secrets)')
    .addHelpText('after', examples('awsrole cache list', 'awsrole cache list --json'))
    .action(async (options: CommonOptions) => {
      const { cacheListCommand } = await import('./commands/cache.js');
      cacheListCommand(options, context(options));
    });

  withCommonOptions(cache.command('clear'))
    .description("remove cached sessions: a profile's, or all (in the AWS CLI's cache too)")
    .argument('[profile]', 'only the sessions of this profile')
    .option('--no-cli-cache', "leave the AWS CLI's cache alone")
    .addHelpText('after', examples('awsrole cache clear prod-admin', 'awsrole cache clear'))
    .action(async (profile: string | undefined, options: CommonOptions & { cliCache?: boolean }) => {
      const { cacheClearCommand } = await import('./commands/cache.js');
      cacheClearCommand(profile, options, context(options));
    });
});

defineCommand('keys', () => {
  const keys = program.command('keys').description("long-term keys in the OS keystore (or an encrypted file) instead of ~/.aws/credentials");

  withCommonOptions(keys.command('add'))
    .description('store keys for a profile: typed on the terminal without echo, or two lines on stdin; never as arguments')
    .argument('<profile>', 'the profile the keys belong to (its credential_process becomes awsrole credential-process --keys <profile>)')
    .option('--stdin', 'read the access key id and the secret access key, one per line, from stdin')
    .addHelpText('after', examples('awsrole keys add base', 'printf \'%s\\n\' "$KEY_ID" "$SECRET" | awsrole keys add base --stdin'))
    .action(async (profile: string, options: CommonOptions & { stdin?: boolean }) => {
      const { keysAddCommand } = await import('./commands/keys.js');
      await keysAddCommand(profile, options, context(options));
    });

  withCommonOptions(keys.command('import'))
    .description("move a profile's keys out of ~/.aws/credentials into the keystore; only the two key lines change")
    .argument('<profile>', 'a profile with aws_access_key_id and aws_secret_access_key')
    .addHelpText('after', examples('awsrole keys import base'))
    .action(async (profile: string, options: CommonOptions) => {
      const { keysImportCommand } = await import('./commands/keys.js');
      await keysImportCommand(profile, context(options));
    });

  withCommonOptions(keys.command('list'))
    .description('the profiles with stored keys: key id (masked), age, backend; nothing is unlocked')
    .addHelpText('after', examples('awsrole keys list', 'awsrole keys list --json'))
    .action(async (options: CommonOptions) => {
      const { keysListCommand } = await import('./commands/keys.js');
      keysListCommand(options, context(options));
    });

  withCommonOptions(keys.command('remove'))
    .description("remove a profile's stored keys")
    .argument('<profile>', 'profile name')
    .addHelpText('after', examples('awsrole keys remove base'))
    .action(async (profile: string, options: CommonOptions) => {
      const { keysRemoveCommand } = await import('./commands/keys.js');
      await keysRemoveCommand(profile, context(options));
    });

  withCommonOptions(keys.command('rotate'))
    .description('a new access key for the profile (IAM CreateAccessKey), checked, stored, then the old one deleted')
    .argument('<profile>', 'a profile whose keys are in the keystore')
    .addHelpText('after', examples('awsrole keys rotate base'))
    .action(async (profile: string, options: CommonOptions) => {
      const { keysRotateCommand } = await import('./commands/keys-rotate.js');
      await keysRotateCommand(profile, context(options));
    });
});

defineCommands();

// The subcommand commander dispatched to, known before its own options are parsed: a failed
// `use` or `unset` (a bad flag included) still writes the statement that fails its eval.
let subcommand: string | undefined;
program.hook('preSubcommand', (_program, dispatched) => {
  subcommand ??= dispatched.name();
});

// No top-level await in this file: the bundle is CommonJS, which has none (scripts/build.mjs).
void main();

async function main(): Promise<void> {
  try {
    if (argv[0] === '__complete') {
      // The shell functions' completion protocol (src/completion/run.ts), not a user command.
      const { runCompletion } = await import('./completion/run.js');
      runCompletion(program, argv.slice(1), env, (text) => stdout.write(text));
    } else {
      await program.parseAsync(process.argv);
    }
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has printed its message already. Help and version are successes; the rest usage.
      process.exitCode = ['commander.helpDisplayed', 'commander.help', 'commander.version'].includes(error.code) ? 0 : 2;
    } else {
      process.exitCode = reportError(error, { debug: wantsDebug, json: wantsJsonErrors });
    }
  }
  if ((subcommand === 'use' || subcommand === 'unset') && Number(process.exitCode ?? 0) !== 0 && !stdout.isTTY) {
    // `eval "$(awsrole use typo)"` must fail too, not evaluate nothing and succeed.
    const { writeFailureStatement } = await import('./commands/failure.js');
    writeFailureStatement(subcommand, argv, env, Number(process.exitCode), stdout);
  }
}
