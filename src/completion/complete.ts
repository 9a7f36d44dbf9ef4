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
}

/** Where values come from: the files (profiles) and fixed lists. */
export interface ValueSources {
  /** Profile names, read from the files; an empty list when they cannot be read. */
  profiles(): readonly string[];
  /** Candidates for the value of an option without declared choices (`--format`, `--region` …), by its long name. */
  optionValues(option: string): readonly string[];
  /** Candidates for a positional argument other than a profile (`init <shell>`), or none. */
  argumentValues(argument: string): readonly string[];
}

export function complete(root: CommandShape, words: readonly string[], current: string, sources: ValueSources): string[] {
  let command = root;
  let positionals = 0;
  let pendingOption: OptionShape | undefined;
  let afterDoubleDash = false;

  for (const word of words) {
    if (pendingOption && word === '=') {
      // bash splits `--format=js` at the `=` (COMP_WORDBREAKS): the value is still to come.
      continue;
    } else if (pendingOption) {
      pendingOption = undefined;
    } else if (afterDoubleDash) {
      positionals++;
    } else if (word === '--') {
      afterDoubleDash = true;
    } else if (word.startsWith('-') && word !== '-') {
      const option = findOption(command, word.split('=')[0]!);
      if (option?.takesValue && !word.includes('=')) pendingOption = option;
    } else {
      const subcommand = positionals === 0 ? command.subcommands.find((sub) => sub.name === word) : undefined;
      if (subcommand) command = subcommand;
      else positionals++;
    }
  }

  const startingWith = (candidates: readonly string[]) => [...new Set(candidates)].filter((candidate) => candidate.startsWith(current));

  if (pendingOption) return startingWith(valuesOf(pendingOption, sources));
  // After `--` the words belong to the command that exec runs.
  if (afterDoubleDash) return [];
  if (current.startsWith('-')) {
    const equals = current.indexOf('=');
    if (equals < 0) {
      return startingWith([...command.options.flatMap((option) => option.names.filter((name) => name.startsWith('--'))), '--help']);
    }
    // `--format=js`: complete the value, keeping the option in front.
    const option = findOption(command, current.slice(0, equals));
    if (!option?.takesValue) return [];
    return startingWith(valuesOf(option, sources).map((value) => current.slice(0, equals + 1) + value));
  }
  if (positionals === 0 && command.subcommands.length > 0) return startingWith(command.subcommands.map((sub) => sub.name));
  const argument = command.arguments[positionals];
  // No more arguments, or exec's command: nothing we know to offer.
  if (!argument || argument.variadic) return [];
  return startingWith(argument.name === 'profile' ? sources.profiles() : sources.argumentValues(argument.name));
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
