import { describe, expect, it } from 'vitest';
import { complete, completeWord, type CommandShape, type ValueSources } from '../../../src/completion/complete.js';
import { unquotePosixWord } from '../../../src/completion/run.js';

const option = (names: string[], takesValue = false, choices?: string[]) => ({ names, takesValue, ...(choices ? { choices } : {}) });
const command = (name: string, parts: Partial<CommandShape> = {}): CommandShape => ({ name, subcommands: [], options: [], arguments: [], ...parts });

const root = command('awsrole', {
  options: [option(['--version', '-V'])],
  subcommands: [
    command('use', {
      arguments: [{ name: 'profile', variadic: false }],
      options: [option(['--region'], true), option(['--shell'], true, ['bash', 'fish']), option(['--no-cache'])],
    }),
    command('exec', {
      arguments: [{ name: 'profile', variadic: false }, { name: 'command', variadic: true }],
      options: [option(['--region'], true), option(['--session-name'], true), option(['--mfa-command'], true)],
    }),
    command('export', { arguments: [{ name: 'profile', variadic: false }], options: [option(['--format'], true)] }),
    command('init', { arguments: [{ name: 'shell', variadic: false }] }),
    command('run', { arguments: [{ name: 'command', variadic: true }], options: [{ names: ['--profiles'], takesValue: true, list: true }] }),
    command('cache', { subcommands: [command('list'), command('clear', { arguments: [{ name: 'profile', variadic: false }] })] }),
  ],
});

const sources: ValueSources = {
  profiles: () => ['dev', 'prod-admin', 'prod-ro'],
  optionValues: (name) => ({ '--format': ['env', 'json'], '--region': ['eu-west-1', 'us-east-1'], '--profiles': ['dev', 'prod-admin', 'prod-ro'] })[name] ?? [],
  argumentValues: (name) => (name === 'shell' ? ['bash', 'zsh'] : []),
};
const run = (words: string[], current: string) => complete(root, words, current, sources);

describe('complete', () => {
  it('offers subcommands first, by prefix', () => {
    expect(run([], '')).toEqual(['use', 'exec', 'export', 'init', 'run', 'cache']);
    expect(run([], 'ex')).toEqual(['exec', 'export']);
    expect(run(['cache'], '')).toEqual(['list', 'clear']);
  });

  it('offers profiles where a profile goes, and nothing after it', () => {
    expect(run(['use'], 'prod')).toEqual(['prod-admin', 'prod-ro']);
    expect(run(['use', '--region', 'eu-west-1'], '')).toEqual(['dev', 'prod-admin', 'prod-ro']);
    expect(run(['use', 'dev'], '')).toEqual([]);
    expect(run(['cache', 'clear'], 'd')).toEqual(['dev']);
  });

  it("offers an option's values after it, from its choices or the sources", () => {
    expect(run(['use', '--shell'], '')).toEqual(['bash', 'fish']);
    expect(run(['use', 'dev', '--region'], 'us')).toEqual(['us-east-1']);
    expect(run(['export', 'dev', '--format'], 'j')).toEqual(['json']);
    expect(run(['export', 'dev'], '--format=')).toEqual(['--format=env', '--format=json']);
    // bash hands `--format=j` over as three words: --format, =, j.
    expect(run(['export', 'dev', '--format', '='], 'j')).toEqual(['json']);
    expect(run(['export', 'dev', '--format', '=', 'json'], '')).toEqual([]);
    // An option given as --name=value takes no next word.
    expect(run(['use', '--region=eu-west-1'], 'p')).toEqual(['prod-admin', 'prod-ro']);
  });

  it("offers the command's flags for a word starting with -", () => {
    expect(run(['use'], '--')).toEqual(['--region', '--shell', '--no-cache', '--help']);
    expect(run(['use', 'dev'], '--s')).toEqual(['--shell']);
    expect(run([], '-')).toEqual(['--version', '--help']);
  });

  it('offers shells to init, and nothing for the command exec runs', () => {
    expect(run(['init'], '')).toEqual(['bash', 'zsh']);
    expect(run(['exec', 'dev'], '')).toEqual([]);
    expect(run(['exec', 'dev', '--'], '')).toEqual([]);
    expect(run(['exec', 'dev', '--', 'terraform'], '-')).toEqual([]);
  });

  it('offers nothing for an unknown subcommand', () => {
    expect(run(['frobnicate'], '')).toEqual([]);
  });
});

describe(completeWord.name, () => {
  const kind = (words: string[], current: string) => {
    const completion = completeWord(root, words, current, sources);
    return completion.kind === 'values' ? completion.values : completion.kind;
  };

  it.each([
    ['the command exec runs, after --', ['exec', 'dev', '--'], '', 'commands'],
    ['the command exec runs, without --', ['exec', 'dev'], 'ter', 'commands'],
    ['its arguments', ['exec', 'dev', '--', 'terraform'], '', 'files'],
    ['its flags too', ['exec', 'dev', 'terraform', '--region'], '-', 'files'],
    ['a word after the last argument', ['use', 'dev'], '', 'files'],
    ['an unknown subcommand', ['frobnicate'], '', 'files'],
    ['an option value nothing is known about', ['exec', '--session-name'], '', 'files'],
    ['--mfa-command: a command', ['exec', '--mfa-command'], 'yk', 'commands'],
  ])('%s: %j', (_, words, current, expected) => {
    expect(kind(words, current)).toBe(expected);
  });

  it('values wherever there are some, even when none matches', () => {
    expect(kind(['use'], 'zzz')).toEqual([]);
    expect(kind(['exec'], 'd')).toEqual(['dev']);
    expect(kind(['exec', 'dev', '--region'], 'eu')).toEqual(['eu-west-1']);
  });
});

describe(unquotePosixWord.name, () => {
  it.each([
    ['plain', 'plain'],
    ["'my prof", 'my prof'],
    ["'my profile'", 'my profile'],
    ['"my pro', 'my pro'],
    ['my\\ pro', 'my pro'],
    ['"a\\"b"', 'a"b'],
    ["a'b c'd", 'ab cd'],
    ['trailing\\', 'trailing'],
    ['', ''],
  ])('%j → %j', (typed, word) => {
    expect(unquotePosixWord(typed)).toBe(word);
  });
});

describe('a comma-separated list (run --profiles)', () => {
  it('completes the item after the last comma, keeping the ones typed, offering each once', () => {
    expect(run(['run', '--profiles'], '')).toEqual(['dev', 'prod-admin', 'prod-ro']);
    expect(run(['run', '--profiles'], 'dev,pr')).toEqual(['dev,prod-admin', 'dev,prod-ro']);
    expect(run(['run', '--profiles'], 'prod-ro,')).toEqual(['prod-ro,dev', 'prod-ro,prod-admin']);
    expect(run(['run'], '--profiles=dev,prod-a')).toEqual(['--profiles=dev,prod-admin']);
  });
});
