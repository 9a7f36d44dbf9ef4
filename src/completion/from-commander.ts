/** The shape of the commander program, for completion: names, options and arguments only. */
import type { Command } from 'commander';
import type { CommandShape } from './complete.js';

export function commandShape(command: Command): CommandShape {
  return {
    name: command.name(),
    subcommands: command.commands.filter((sub) => !isHidden(sub)).map(commandShape),
    options: command.options
      .filter((option) => !option.hidden)
      .map((option) => ({
        names: [option.long, option.short].filter((name): name is string => Boolean(name)),
        takesValue: option.required || option.optional,
        choices: option.argChoices,
        // A value named <list> in the help (`--profiles <list>`) is comma-separated.
        ...(option.flags.includes('<list>') ? { list: true } : {}),
      })),
    arguments: command.registeredArguments.map((argument) => ({ name: argument.name(), variadic: argument.variadic })),
  };
}

// commander keeps `hidden` of a command private; it is set by `.command(name, { hidden: true })`.
function isHidden(command: Command): boolean {
  return (command as unknown as { _hidden?: boolean })._hidden === true;
}
