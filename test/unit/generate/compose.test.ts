import { describe, expect, it } from 'vitest';
import { composeBlock, type ComposeInput } from '../../../src/generate/compose.js';
import { profilesInBlock } from '../../../src/generate/render.js';
import type { Assignment } from '../../../src/generate/types.js';

const a = (accountId: string, accountName: string, roleName = 'Admin'): Assignment => ({ accountId, accountName, roleName });

function input(overrides: Partial<ComposeInput>): ComposeInput {
  return {
    source: 'from-organization mgmt',
    commandLine: 'awsrole generate --from-organization mgmt --role Admin',
    assignments: [],
    template: '{account_name}',
    settingsFor: (x) => [['role_arn', `arn:aws:iam::${x.accountId}:role/${x.roleName}`], ['source_profile', 'mgmt']],
    taken: new Set(),
    previous: [],
    prune: false,
    lineBreak: '\n',
    ...overrides,
  };
}

const statuses = (block: ReturnType<typeof composeBlock>) => Object.fromEntries(block.profiles.map((p) => [p.name, p.status]));

describe(composeBlock.name, () => {
  it('writes the profiles sorted by name between the markers', () => {
    const block = composeBlock(input({ assignments: [a('222222222222', 'Prod'), a('111111111111', 'Dev')] }));
    expect(block.text).toBe([
      '# awsrole generate: begin from-organization mgmt',
      '# Written by: awsrole generate --from-organization mgmt --role Admin',
      '# Every run replaces this block: edit outside it (your own profiles go there).',
      '',
      '[profile dev]',
      'role_arn = arn:aws:iam::111111111111:role/Admin',
      'source_profile = mgmt',
      '',
      '[profile prod]',
      'role_arn = arn:aws:iam::222222222222:role/Admin',
      'source_profile = mgmt',
      '',
      '# awsrole generate: end from-organization mgmt',
      '',
    ].join('\n'));
    expect(statuses(block)).toEqual({ dev: 'new', prod: 'new' });
  });

  it('against the previous block: unchanged, changed, and kept or pruned when no longer listed', () => {
    const first = composeBlock(input({ assignments: [a('111111111111', 'Dev'), a('222222222222', 'Prod'), a('333333333333', 'Old')] }));
    const previous = profilesInBlock(first.text, 'config');
    const assignments = [a('111111111111', 'Dev'), a('222222222222', 'Prod', 'Other'), a('444444444444', 'New')];
    const again = composeBlock(input({ previous, assignments }));
    expect(statuses(again)).toEqual({ dev: 'unchanged', prod: 'changed', new: 'new', old: 'kept' });
    expect(again.text).toContain('[profile old]\nrole_arn = arn:aws:iam::333333333333:role/Admin\nsource_profile = mgmt\n');
    const pruned = composeBlock(input({ previous, assignments, prune: true }));
    expect(statuses(pruned)).toEqual({ dev: 'unchanged', prod: 'changed', new: 'new', old: 'pruned' });
    expect(pruned.text).not.toContain('[profile old]');
  });

  it('skips a name defined outside the block, and a kept profile whose name was taken since', () => {
    const previous = profilesInBlock(composeBlock(input({ assignments: [a('333333333333', 'Old')] })).text, 'config');
    const block = composeBlock(input({ assignments: [a('111111111111', 'Dev')], taken: new Set(['dev', 'old']), previous }));
    expect(statuses(block)).toEqual({ dev: 'skipped', old: 'skipped' });
    expect(block.text).not.toContain('[profile');
  });

  it('skips a profile with a value botocore would not read back as written', () => {
    const block = composeBlock(input({
      assignments: [a('111111111111', 'Dev', ' Admin'), a('222222222222', 'Prod', 'Ad\nmin'), a('333333333333', 'Ok')],
      settingsFor: (x) => [['sso_role_name', x.roleName]],
    }));
    expect(statuses(block)).toEqual({ dev: 'skipped', prod: 'skipped', ok: 'new' });
  });

  it('uses the file\'s line break, and a line break in the command line cannot end the comment', () => {
    const block = composeBlock(input({ assignments: [a('111111111111', 'Dev')], lineBreak: '\r\n', commandLine: "awsrole generate --name '{account_name}\n[profile evil]'" }));
    expect(block.text.split('\r\n').every((line) => !line.includes('\n'))).toBe(true);
    expect(block.text).toContain("# Written by: awsrole generate --name '{account_name} [profile evil]'\r\n");
  });
});
