/**
 * `awsrole __complete [--shell=bash|zsh|fish] --current=<word> -- <words before it>`: the protocol
 * between the shell functions of `awsrole init` and the program. Never an error message (a broken
 * config file completes nothing, it does not spill text into the prompt).
 *
 * Without --shell (PowerShell's function): one value per line. With --shell, the first line says
 * what to offer — `values` (the lines that follow), `quoted-values` (the same, some needing quotes:
 * bash is to quote them as it quotes file names), `commands` or `files` (the shell lists those
 * itself: it knows PATH, and how to quote a file name) — and for bash, whose words arrive as
 * typed, the words are unquoted here and each value is cut to what bash replaces (below).
 */
import type { Command } from 'commander';
import { loadConfig } from '../config/load.js';
import type { Env } from '../environment/env.js';
import { FORMAT_NAMES } from '../output/formats.js';
import { INIT_SHELLS } from '../shell/init.js';
import { completeWord } from './complete.js';
import { commandShape } from './from-commander.js';

export function runCompletion(program: Command, args: readonly string[], env: Env, write: (text: string) => void): void {
  const separator = args.indexOf('--');
  const flags = separator >= 0 ? args.slice(0, separator) : args;
  const flag = (name: string) => flags.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
  const shell = flag('shell');
  const typed = separator >= 0 ? args.slice(separator + 1) : [];
  const typedCurrent = flag('current') ?? '';
  const words = shell === 'bash' ? typed.map(unquotePosixWord) : typed;
  const current = shell === 'bash' ? unquotePosixWord(typedCurrent) : typedCurrent;

  let config: ReturnType<typeof loadConfig> | undefined;
  const readConfig = () => {
    try {
      config ??= loadConfig(env);
    } catch {
      return undefined;
    }
    return config;
  };
  const completion = completeWord(commandShape(program), words, current, {
    // Only the names TAB can offer are made and sorted (a config may hold thousands).
    profiles: (prefix) => readConfig()?.profiles.namesStartingWith(prefix).sort() ?? [],
    optionValues: (option) => {
      // `run --profiles`: a name (a glob or a comma list is the user's to type).
      if (option === '--profiles') return [...(readConfig()?.profiles.keys() ?? [])].sort();
      if (option === '--format') return FORMAT_NAMES;
      if (option === '--region') return regionsInConfig(readConfig());
      if (option === '--from-organization') return [...(readConfig()?.profiles.keys() ?? [])].sort();
      if (option === '--from-sso') return ssoSourcesInConfig(readConfig());
      return [];
    },
    argumentValues: (argument) => (argument === 'shell' ? INIT_SHELLS : []),
  });
  const lines: string[] = [];
  if (!shell) {
    if (completion.kind === 'values') lines.push(...completion.values);
  } else if (completion.kind !== 'values') {
    lines.push(completion.kind);
  } else if (shell === 'bash') {
    const values = completion.values.map((value) => value.slice(bashReplaces(typedCurrent, current)));
    lines.push(values.some((value) => NEEDS_QUOTES.test(value)) ? 'quoted-values' : 'values', ...values);
  } else {
    lines.push('values', ...completion.values);
  }
  if (lines.length > 0) write(`${lines.join('\n')}\n`);
}

/** What `generate --from-sso` takes: the [sso-session] names, then the profiles that configure SSO. */
function ssoSourcesInConfig(config: ReturnType<typeof loadConfig> | undefined): string[] {
  if (!config) return [];
  const profiles = [...config.profiles.values()].filter((p) => p.settings.has('sso_session') || p.settings.has('sso_start_url')).map((p) => p.name);
  return [...[...config.ssoSessions.keys()].sort(), ...profiles.sort()];
}

/** Characters bash would take as syntax in a word (a `:` and `=` only break words for completion). */
const NEEDS_QUOTES = /[\s'"\\$`;&|<>()*?[\]!{}~#]/;

/**
 * How many characters of the (unquoted) word bash does not replace: bash completes only the part
 * after the last `:` of a word not in quotes (`:` is in COMP_WORDBREAKS), so `team:pr` is
 * completed as `pr`, and a value `team:prod` must be handed back as `prod`.
 */
function bashReplaces(typed: string, current: string): number {
  if (/^['"]/.test(typed) || !typed.includes(':')) return 0;
  return current.lastIndexOf(':') + 1;
}

/**
 * A word as bash shows it to completion (as typed, quotes and all, possibly with a quote not yet
 * closed) → the word it stands for: POSIX quote removal, forgiving an unfinished end.
 */
export function unquotePosixWord(word: string): string {
  let out = '';
  let quote: string | undefined;
  for (let i = 0; i < word.length; i++) {
    const c = word[i]!;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else out += c;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === '\\' && i + 1 < word.length && '$`"\\\n'.includes(word[i + 1]!)) out += word[++i];
      else out += c;
    } else if (c === "'" || c === '"') {
      quote = c;
    } else if (c === '\\') {
      if (i + 1 < word.length) out += word[++i];
    } else {
      out += c;
    }
  }
  return out;
}

function regionsInConfig(config: ReturnType<typeof loadConfig> | undefined): string[] {
  const regions = new Set<string>();
  for (const profile of config?.profiles.values() ?? []) {
    const region = profile.settings.get('region')?.value;
    if (region) regions.add(region);
  }
  return [...regions].sort();
}
