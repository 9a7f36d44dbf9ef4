/**
 * `awsrole __complete --current=<word> -- <words before it>`: the protocol between the shell
 * functions of `awsrole init` and the program. One candidate per line on stdout; never an error
 * message (a broken config file completes nothing, it does not spill text into the prompt).
 */
import type { Command } from 'commander';
import { loadConfig } from '../config/load.js';
import type { Env } from '../env.js';
import { FORMAT_NAMES } from '../output/formats.js';
import { INIT_SHELLS } from '../shell/init.js';
import { complete } from './complete.js';
import { commandShape } from './from-commander.js';

export function runCompletion(program: Command, args: readonly string[], env: Env, write: (text: string) => void): void {
  const separator = args.indexOf('--');
  const flags = separator >= 0 ? args.slice(0, separator) : args;
  const words = separator >= 0 ? args.slice(separator + 1) : [];
  const current = flags.find((arg) => arg.startsWith('--current='))?.slice('--current='.length) ?? '';

  let config: ReturnType<typeof loadConfig> | undefined;
  const readConfig = () => {
    try {
      config ??= loadConfig(env);
    } catch {
      return undefined;
    }
    return config;
  };
  const candidates = complete(commandShape(program), words, current, {
    profiles: () => [...(readConfig()?.profiles.keys() ?? [])].sort(),
    optionValues: (option) => {
      if (option === '--format') return FORMAT_NAMES;
      if (option === '--region') return regionsInConfig(readConfig());
      return [];
    },
    argumentValues: (argument) => (argument === 'shell' ? INIT_SHELLS : []),
  });
  if (candidates.length > 0) write(`${candidates.join('\n')}\n`);
}

function regionsInConfig(config: ReturnType<typeof loadConfig> | undefined): string[] {
  const regions = new Set<string>();
  for (const profile of config?.profiles.values() ?? []) {
    const region = profile.settings.get('region')?.value;
    if (region) regions.add(region);
  }
  return [...regions].sort();
}
