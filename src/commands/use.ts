import { os } from '../startup/lazy-builtin.js';
import { loadConfig } from '../config/load.js';
import { UsageError } from '../errors/errors.js';
import { useScript, type ShellName } from '../output/use-script.js';
import { pickerItems } from '../picker/items.js';
import type { PickerTerminal } from '../picker/terminal.js';
import { orderByRecent, readRecentProfiles, recordRecentProfile } from '../picker/recent-profiles.js';
import { rcLine } from '../shell/init.js';
import { chooseShell } from './choose-shell.js';
import type { CommandContext, CredentialOptions } from './context.js';
import { obtainSession, planFor } from './obtain-session.js';

export interface UseOptions extends CredentialOptions {
  shell?: string;
}

/** Opens the terminal to pick a profile on, or undefined when there is none (src/picker/terminal.ts). */
export type OpenPicker = (context: CommandContext) => PickerTerminal | undefined;

/** How many profile names the "name a profile" hint shows. */
const HINT_EXAMPLES = 5;

/**
 * `awsrole use [profile]`. Without a profile, a picker on the terminal chooses one (most recently
 * used first); then it goes on exactly as if that profile had been named.
 */
export async function useCommand(
  profile: string | undefined,
  options: UseOptions,
  context: CommandContext,
  openPicker?: OpenPicker,
): Promise<void> {
  const shell = chooseShell(options.shell, context);
  if (profile === undefined) {
    profile = await pickProfile(shell, context, openPicker);
  } else if (context.stdout.isTTY) {
    // Printed to a terminal, the exports would change nothing and leave secrets on screen.
    planFor(profile, options, context);
    throw new UsageError(
      'awsrole use prints shell code for eval; stdout is a terminal, so nothing was printed',
      `run: ${evalLine(shell, profile)}   (or install the shell function: ${initLine(shell)})`,
    );
  }
  const session = await obtainSession(profile, options, context);
  context.stdout.write(useScript(shell, session));
  recordRecentProfile(context.env, profile, context.debug);
}

/**
 * The profile chosen on the terminal. Refused, with what to type instead, when there are no
 * profiles, when stdout is a terminal (the code would not be evaluated: no picker then), and
 * when there is no terminal to pick on (see openPickerTerminal for that rule).
 */
async function pickProfile(shell: ShellName, context: CommandContext, openPicker?: OpenPicker): Promise<string> {
  const config = loadConfig(context.env);
  if (config.profiles.size === 0) {
    throw new UsageError(
      `no profiles in ${config.configFile} or ${config.credentialsFile}`,
      'add one, e.g. with: aws configure --profile <name>',
    );
  }
  const names = orderByRecent(config.profiles.keys(), readRecentProfiles(context.env, context.debug));
  if (context.stdout.isTTY) {
    throw new UsageError(
      'awsrole use needs a profile name when stdout is a terminal (the shell code would not be evaluated)',
      `name one: ${evalLine(shell, '<profile>')}, or install the shell function (${initLine(shell)}) and run awsrole use to pick one`,
    );
  }
  const terminal = openPicker ? openPicker(context) : (await import('../picker/terminal.js')).openPickerTerminal(context.env);
  if (!terminal) {
    const examples = names.slice(0, HINT_EXAMPLES).join(', ') + (names.length > HINT_EXAMPLES ? ', …' : '');
    throw new UsageError(
      'awsrole use needs a profile name: there is no terminal to pick one on',
      `name one: awsrole use <profile>   (awsrole list shows them all; e.g. ${examples})`,
    );
  }
  const items = pickerItems(config, names, context.env, os.userName);
  try {
    const chosen = await terminal.pick(items);
    context.debug(`picked profile ${chosen.name}`);
    return chosen.name;
  } finally {
    terminal.close();
  }
}

/** The command line that evaluates `awsrole use <profile>` in this shell. */
function evalLine(shell: ShellName, profile: string): string {
  if (shell === 'fish') return `awsrole use ${profile} | source`;
  if (shell === 'powershell') return `awsrole use ${profile} | Invoke-Expression`;
  return `eval "$(awsrole use ${profile})"`;
}

/** The line that loads the shell function (`awsrole init` has bash's for sh). */
function initLine(shell: ShellName): string {
  return rcLine(shell === 'sh' ? 'bash' : shell);
}
