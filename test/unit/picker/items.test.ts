import { describe, expect, it } from 'vitest';
import { parseIni } from '../../../src/config/ini.js';
import { buildProfiles } from '../../../src/config/load.js';
import { stripSgr } from '../../../src/output/colour.js';
import { pickerItems } from '../../../src/picker/items.js';
import { renderLines } from '../../../src/picker/render.js';
import { createPickerState } from '../../../src/picker/state.js';

const ARN = (name: string) => `arn:aws:iam::123456789012:role/${name}`;
const config = buildProfiles(
  parseIni(
    [
      `[profile ok]\nrole_arn = ${ARN('Ok')}\nsource_profile = base\nregion = eu-west-1`,
      `[profile orphan]\nrole_arn = ${ARN('A')}\nsource_profile = missing`,
      `[profile loop-a]\nrole_arn = ${ARN('A')}\nsource_profile = loop-b`,
      `[profile loop-b]\nrole_arn = ${ARN('B')}\nsource_profile = loop-a`,
      `[profile bad-arn]\nrole_arn = arn:aws:iam::12:user/x\nsource_profile = base`,
    ].join('\n\n'),
    '/home/u/.aws/config',
  ),
  parseIni('[base]\naws_access_key_id = AKIAEXAMPLEBASE00001\naws_secret_access_key = secret\n', '/home/u/.aws/credentials'),
);
const items = pickerItems(config, ['ok', 'base', 'orphan', 'loop-a', 'bad-arn'], { USER: 'alice' }, () => 'alice');

describe(pickerItems.name, () => {
  it('usable profiles: kind and region, no problem', () => {
    expect(items.slice(0, 2)).toEqual([
      { name: 'ok', detail: 'role  eu-west-1' },
      { name: 'base', detail: 'static keys' },
    ]);
  });

  it('a profile that cannot give credentials says why, without the file and line', () => {
    expect(items[2]!.problem).toMatch(/source_profile "missing"|"missing"/);
    expect(items[3]!.problem).toMatch(/loop-a → loop-b → loop-a|cycle/);
    expect(items[4]!.problem).toMatch(/is not an IAM role ARN/);
    for (const item of items.slice(2)) expect(item.problem).not.toMatch(/\/home\/u\/\.aws/);
  });

  it('the list marks them with ✗ and the reason', () => {
    const lines = renderLines(createPickerState(items, 10), { width: 100, colour: false }).lines;
    expect(lines[1]).toBe('> ok       role  eu-west-1');
    expect(lines[2]).toBe('  base     static keys');
    expect(lines[3]).toMatch(/^ {2}orphan {3}role {2}✗ \S/);
    expect(lines.filter((line) => line.includes('✗'))).toHaveLength(3);
    const coloured = renderLines(createPickerState(items, 10), { width: 100, colour: true }).lines;
    expect(coloured[3]).toContain('\x1b[31m✗');
    expect(stripSgr(coloured[3]!)).toBe(lines[3]);
  });
});
