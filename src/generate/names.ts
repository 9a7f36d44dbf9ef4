import { UsageError } from '../errors/errors.js';
import type { Assignment } from './types.js';

/** `awsrole generate`'s default `--name`. */
export const DEFAULT_TEMPLATE = '{account_name}-{role_name}';

const PLACEHOLDERS = ['account_name', 'account_id', 'role_name'] as const;

/** Refuses a template with an unknown `{placeholder}` or a stray brace (exit 2), before anything is fetched. */
export function checkTemplate(template: string): void {
  const rest = template.replace(/\{([^{}]*)\}/g, (whole, name: string) => {
    if (!(PLACEHOLDERS as readonly string[]).includes(name)) {
      throw new UsageError(`--name: unknown placeholder ${whole}`, `use ${PLACEHOLDERS.map((p) => `{${p}}`).join(', ')}`);
    }
    return '';
  });
  if (/[{}]/.test(rest)) throw new UsageError(`--name: an unmatched brace in "${template}"`, 'placeholders are written {account_name}, {account_id}, {role_name}');
  if (!PLACEHOLDERS.some((p) => template.includes(`{${p}}`))) {
    throw new UsageError(`--name "${template}" has no placeholder: every profile would get the same name`, 'e.g. --name \'{account_name}-{role_name}\'');
  }
}

/**
 * A profile name that needs no quoting anywhere — in a `[profile …]` header (botocore splits it
 * like a shell), on a command line, in a file name: lower case, `a-z 0-9 . _ -`, every other run
 * of characters one `-`, no `-` or `.` at either end.
 */
export function safeName(raw: string): string {
  return raw
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '') // é → e: the accent is a combining mark after NFKD
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '');
}

function fill(template: string, assignment: Assignment): string {
  return template.replace(/\{(account_name|account_id|role_name)\}/g, (_whole, name: string) =>
    name === 'account_name' ? assignment.accountName : name === 'account_id' ? assignment.accountId : assignment.roleName,
  );
}

export interface NamedAssignment {
  name: string;
  assignment: Assignment;
}

/**
 * A name for every assignment, from the template, unique among them. Where two come out the same
 * (two accounts called "dev"; a template without `{role_name}` and two roles in one account), each
 * of that group gets what tells them apart appended, in a fixed order: the account id (unless the
 * template has it), then the role name (likewise), then a counter in order of account id and role
 * name. The answer depends only on the set of assignments, never on the order they were listed in.
 */
export function nameAssignments(assignments: readonly Assignment[], template: string): NamedAssignment[] {
  const named = [...assignments]
    .sort((a, b) => compare(a.accountId, b.accountId) || compare(a.roleName, b.roleName))
    .map((assignment) => ({ assignment, name: safeName(fill(template, assignment)) || assignment.accountId }));
  const steps: Array<(entry: NamedAssignment) => string> = [];
  if (!template.includes('{account_id}')) steps.push((entry) => `${entry.name}-${entry.assignment.accountId}`);
  if (!template.includes('{role_name}')) steps.push((entry) => `${entry.name}-${entry.assignment.roleName}`);
  for (const step of steps) {
    for (const group of duplicateGroups(named)) {
      for (const entry of group) entry.name = safeName(step(entry));
    }
  }
  // What is left differs only in what safeName folds together (case, punctuation).
  const taken = new Set(named.map((entry) => entry.name));
  for (const group of duplicateGroups(named)) {
    for (const [index, entry] of group.entries()) {
      if (index === 0) continue;
      let counter = index + 1;
      while (taken.has(`${entry.name}-${counter}`)) counter++;
      entry.name = `${entry.name}-${counter}`;
      taken.add(entry.name);
    }
  }
  return named;
}

function duplicateGroups(named: NamedAssignment[]): NamedAssignment[][] {
  const byName = new Map<string, NamedAssignment[]>();
  for (const entry of named) {
    const group = byName.get(entry.name);
    if (group) group.push(entry);
    else byName.set(entry.name, [entry]);
  }
  return [...byName.values()].filter((group) => group.length > 1);
}

/** Code-point order, the same on every machine (localeCompare is not). */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
