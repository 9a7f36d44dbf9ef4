import { describe, expect, it } from 'vitest';
import { checkTemplate, nameAssignments, safeName } from '../../../src/generate/names.js';
import type { Assignment } from '../../../src/generate/types.js';

const a = (accountId: string, accountName: string, roleName: string): Assignment => ({ accountId, accountName, roleName });

describe(safeName.name, () => {
  it.each([
    ['Team 01 Prod-AdministratorAccess', 'team-01-prod-administratoraccess'],
    ['Ünïcode & Co. (EU)-Admin', 'unicode-co.-eu-admin'],
    ['  --weird__name..  ', 'weird__name'],
    ['a/b\\c"d\'e[f]g', 'a-b-c-d-e-f-g'],
    ['line\nbreak\ttab', 'line-break-tab'],
    ['日本', ''],
  ])('%j → %j', (raw, safe) => {
    expect(safeName(raw)).toBe(safe);
  });
});

describe(checkTemplate.name, () => {
  it.each([
    ['{account_name}-{role_name}', undefined],
    ['{account_id}', undefined],
    ['{account}-{role_name}', /unknown placeholder \{account\}/],
    ['{account_name', /unmatched brace/],
    ['prod', /no placeholder/],
  ])('%j', (template, error) => {
    if (error) expect(() => checkTemplate(template)).toThrow(error);
    else expect(() => checkTemplate(template)).not.toThrow();
  });
});

describe(nameAssignments.name, () => {
  const names = (list: Assignment[], template = '{account_name}-{role_name}') =>
    Object.fromEntries(nameAssignments(list, template).map((n) => [`${n.assignment.accountId}/${n.assignment.roleName}`, n.name]));

  it('two accounts of one name are told apart by their ids', () => {
    expect(names([a('111111111111', 'Dev', 'Admin'), a('222222222222', 'dev', 'Admin'), a('333333333333', 'Prod', 'Admin')])).toEqual({
      '111111111111/Admin': 'dev-admin-111111111111',
      '222222222222/Admin': 'dev-admin-222222222222',
      '333333333333/Admin': 'prod-admin',
    });
  });

  it('a template without the role name gets it appended where one account has two roles', () => {
    expect(names([a('111111111111', 'Dev', 'Admin'), a('111111111111', 'Dev', 'ReadOnly'), a('222222222222', 'Prod', 'Admin')], '{account_name}')).toEqual({
      '111111111111/Admin': 'dev-111111111111-admin',
      '111111111111/ReadOnly': 'dev-111111111111-readonly',
      '222222222222/Admin': 'prod',
    });
  });

  it('names that differ only in case get a counter, in order of role name', () => {
    expect(names([a('111111111111', 'Dev', 'admin'), a('111111111111', 'Dev', 'Admin')], '{account_id}-{role_name}')).toEqual({
      '111111111111/Admin': '111111111111-admin',
      '111111111111/admin': '111111111111-admin-2',
    });
  });

  it('an account name that makes no safe name falls back to the account id', () => {
    expect(names([a('111111111111', '日本', 'x')], '{account_name}')).toEqual({ '111111111111/x': '111111111111' });
  });

  it('does not depend on the order the service listed them in', () => {
    const list = [a('3', 'x', 'R'), a('1', 'x', 'R'), a('2', 'X', 'r'), a('2', 'X', 'R'), a('4', 'y', 'R')];
    const expected = names(list);
    expect(names([...list].reverse())).toEqual(expected);
    expect(names([list[2]!, list[0]!, list[4]!, list[1]!, list[3]!])).toEqual(expected);
    expect(new Set(Object.values(expected)).size).toBe(list.length);
  });
});
