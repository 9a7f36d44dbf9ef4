import { describe, expect, it } from 'vitest';
import { complete, type CommandShape, type ValueSources } from '../../../src/completion/complete.js';

const option = (names: string[], takesValue = false, choices?: string[]) => ({ names, takesValue, ...(choices ? { choices } : {}) });
const command = (name: string, parts: Partial<CommandShape> = {}): CommandShape => ({ name, subcommands: [], options: [], arguments: [], ...parts });

const root = command('awsrole', {
  options: [option(['--version', '-V'])],
  subcommands: [
    command('use', {
      arguments: [{ name: 'profile', variadic: false }],
      options: [option(['--region'], true), option(['--shell'], true, ['bash', 'fish']), option(['--no-cache'])],
    }),
    command('exec', { arguments: [{ name: 'profile', variadic: false }, { name: 'command', variadic: true }], options: [option(['--region'], true)] }),
    command('export', { arguments: [{ name: 'profile', variadic: false }], options: [option(['--format'], true)] }),
    command('init', { arguments: [{ name: 'shell', variadic: false }] }),
    command('cache', { subcommands: [command('list'), command('clear', { arguments: [{ name: 'profile', variadic: false }] })] }),
  ],
});

const sources: ValueSources = {
  profiles: () => ['dev', 'prod-admin', 'prod-ro'],
  optionValues: (name) => ({ '--format': ['env', 'json'], '--region': ['eu-west-1', 'us-east-1'] })[name] ?? [],
  argumentValues: (name) => (name === 'shell' ? ['bash', 'zsh'] : []),
};
const run = (words: string[], current: string) => complete(root, words, current, sources);

describe('complete', () => {
  it('offers subcommands first, by prefix', () => {
    expect(run([], '')).toEqual(['use', 'exec', 'export', 'init', 'cache']);
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
