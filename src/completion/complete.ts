/**
 * Shell completion, for every shell alike: given the words typed after `awsrole` and the word
 * under the cursor, the candidates for that word. Pure; the shells' functions (src/shell/) call it
 * through `awsrole __complete`.
 */

/** A command as completion sees it: its subcommands, options and positional arguments. */
export interface CommandShape {
  readonly name: string;
  readonly subcommands: readonly CommandShape[];
  readonly options: readonly OptionShape[];
  /** Positional arguments by name: `profile`, `shell`, `command` … */
  readonly arguments: ReadonlyArray<{ readonly name: string; readonly variadic: boolean }>;
}

export interface OptionShape {
  /** `--format`, `-V` … */
  readonly names: readonly string[];
  readonly takesValue: boolean;
  readonly choices?: readonly string[];
  /** Its value is a comma-separated list (`run --profiles a,b`): each item is completed. */
  readonly list?: boolean;
}

/** Where values come from: the files (profiles) and fixed lists. */
export interface ValueSources {
  /** The profile names starting with `prefix`, read from the files; none when they cannot be read. */
  profiles(prefix: string): readonly string[];
  /** Candidates for the value of an option without declared choices (`--format`, `--region` …), by its long name. */
  optionValues(option: string): readonly string[];
  /** Candidates for a positional argument other than a profile (`init <shell>`), or none. */
  argumentValues(argument: string): readonly string[];
}

/**
 * What the shell should offer for the word: these values, or names it lists itself — programs
 * (the command `exec` runs) or files (where awsrole knows nothing to offer, as a shell would do
 * for any other word).
 */
export type Completion = { kind: 'values'; values: string[] } | { kind: 'commands' } | { kind: 'files' };

/** The values for the word; none where the shell would list commands or files. */
export function complete(root: CommandShape, words: readonly string[], current: string, sources: ValueSources): string[] {
  const completion = completeWord(root, words, current, sources);
  return completion.kind === 'values' ? completion.values : [];
}

export function completeWord(root: CommandShape, words: readonly string[], current: string, sources: ValueSources): Completion {
  let command = root;
  let positionals = 0;
  let pendingOption: OptionShape | undefined;
  // After `--`, or once exec's command has begun, every word belongs to that command.
  let commandLine = false;

  for (const word of words) {
    if (pendingOption && word === '=') {
      // bash splits `--format=js` at the `=` (COMP_WORDBREAKS): the value is still to come.
      continue;
    } else if (pendingOption) {
      pendingOption = undefined;
    } else if (commandLine) {
      positionals++;
    } else if (word === '--') {
      commandLine = true;
    } else if (word.startsWith('-') && word !== '-') {
      const option = findOption(command, word.split('=')[0]!);
      if (option?.takesValue && !word.includes('=')) pendingOption = option;
    } else {
      const subcommand = positionals === 0 ? command.subcommands.find((sub) => sub.name === word) : undefined;
      if (subcommand) command = subcommand;
      else {
        if (argumentAt(command, positionals)?.variadic) commandLine = true;
        positionals++;
      }
    }
  }

  const values = (candidates: readonly string[]): Completion => ({
    kind: 'values',
    // Filtered before the repeats go: of 4,000 profiles, a few start with what was typed.
    values: [...new Set(candidates.filter((candidate) => candidate.startsWith(current)))],
  });

  if (pendingOption) {
    const known = valuesOf(pendingOption, sources);
    if (known.length > 0) return values(pendingOption.list ? listItems(current, known) : known);
    return longName(pendingOption) === '--mfa-command' ? { kind: 'commands' } : { kind: 'files' };
  }
  if (!commandLine && current.startsWith('-')) {
    const equals = current.indexOf('=');
    if (equals < 0) {
      return values([...command.options.flatMap((option) => option.names.filter((name) => name.startsWith('--'))), '--help']);
    }
    // `--format=js`: complete the value, keeping the option in front.
    const option = findOption(command, current.slice(0, equals));
    if (!option?.takesValue) return values([]);
    const known = valuesOf(option, sources);
    const typed = current.slice(equals + 1);
    return values((option.list ? listItems(typed, known) : known).map((value) => current.slice(0, equals + 1) + value));
  }
  if (!commandLine && positionals === 0 && command.subcommands.length > 0) return values(command.subcommands.map((sub) => sub.name));
  const argument = argumentAt(command, positionals);
  if (!argument) return { kind: 'files' };
  // exec's command: its name first, then (as far as awsrole knows) files.
  if (argument.variadic) return positionals === command.arguments.length - 1 ? { kind: 'commands' } : { kind: 'files' };
  if (argument.name === 'profile') return values(sources.profiles(current));
  const known = sources.argumentValues(argument.name);
  return known.length > 0 ? values(known) : { kind: 'files' };
}

/** For a comma-separated list: the items typed so far, then each value not among them. */
function listItems(typed: string, known: readonly string[]): string[] {
  const head = typed.slice(0, typed.lastIndexOf(',') + 1);
  const chosen = new Set(head.split(','));
  return known.filter((value) => !chosen.has(value)).map((value) => head + value);
}

/** The argument a positional word at `index` fills; a variadic last argument takes all the rest. */
function argumentAt(command: CommandShape, index: number): CommandShape['arguments'][number] | undefined {
  const last = command.arguments.at(-1);
  return command.arguments[index] ?? (last?.variadic ? last : undefined);
}

function findOption(command: CommandShape, name: string): OptionShape | undefined {
  return command.options.find((option) => option.names.includes(name));
}

function valuesOf(option: OptionShape, sources: ValueSources): readonly string[] {
  return option.choices ?? sources.optionValues(longName(option));
}

function longName(option: OptionShape): string {
  return option.names.find((name) => name.startsWith('--')) ?? option.names[0]!;
}
