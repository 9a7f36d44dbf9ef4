// splitCommandLine must split as botocore splits credential_process: Python's shlex.split.
// Each row says what we expect; one python3 run then checks every row against shlex itself.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CommandLineSyntaxError, splitCommandLine } from '../../../src/mfa/split.js';

type Outcome = string[] | { error: string };

const cases: Array<[name: string, command: string, expected: Outcome]> = [
  ['words', 'ykman oath accounts code -s aws', ['ykman', 'oath', 'accounts', 'code', '-s', 'aws']],
  ['runs of whitespace, tabs, CR, LF', ' a \t b\r\nc  ', ['a', 'b', 'c']],
  ['empty', '', []],
  ['only whitespace', ' \t\n', []],
  ['single quotes keep spaces', "op item get 'AWS prod' --otp", ['op', 'item', 'get', 'AWS prod', '--otp']],
  ['double quotes keep spaces', 'op item get "AWS prod" --otp', ['op', 'item', 'get', 'AWS prod', '--otp']],
  ['nothing special in single quotes', `'a\\b "c" $d'`, ['a\\b "c" $d']],
  ['backslash-quote in double quotes', '"a\\"b"', ['a"b']],
  ['backslash-backslash in double quotes', '"a\\\\b"', ['a\\b']],
  ['other backslashes kept in double quotes', '"a\\$b\\n"', ['a\\$b\\n']],
  ['backslash-single-quote kept in double quotes', `"it\\'s"`, ["it\\'s"]],
  ['escaped space outside quotes', 'a\\ b c', ['a b', 'c']],
  ['escaped quote outside quotes', `it\\'s \\"x\\"`, ["it's", '"x"']],
  ['escaped backslash outside quotes', 'a\\\\b', ['a\\b']],
  ['escaped newline is kept, unlike sh', 'a\\\nb', ['a\nb']],
  ['single quote inside double quotes', `"it's"`, ["it's"]],
  ['double quote inside single quotes', `'say "hi"'`, ['say "hi"']],
  ['adjacent pieces join', `a"b c"'d e'f`, ['ab cd ef']],
  ['empty quotes are an argument', `a '' "" b`, ['a', '', '', 'b']],
  ['only empty quotes', `''`, ['']],
  ['no expansion, globbing or operators', '$HOME ~/x *.txt a|b c;d # e', ['$HOME', '~/x', '*.txt', 'a|b', 'c;d', '#', 'e']],
  ['form feed and vertical tab are not whitespace', 'a\fb\vc', ['a\fb\vc']],
  ['non-ASCII', 'écho "naïve 🙂" ü', ['écho', 'naïve 🙂', 'ü']],
  ['Windows path needs quotes or doubled backslashes', 'C:\\tools\\otp.exe "C:\\dir x\\k"', ['C:toolsotp.exe', 'C:\\dir x\\k']],
  ['unclosed single quote', "a 'b c", { error: 'No closing quotation' }],
  ['unclosed double quote', 'a "b c', { error: 'No closing quotation' }],
  ['quote closed by the other kind is not closed', `"a'`, { error: 'No closing quotation' }],
  ['trailing backslash', 'a b\\', { error: 'No escaped character' }],
  ['trailing backslash inside double quotes', '"a\\', { error: 'No escaped character' }],
  ['trailing backslash inside single quotes is just unclosed', "'a\\", { error: 'No closing quotation' }],
];

function ours(command: string): Outcome {
  try {
    return splitCommandLine(command);
  } catch (error) {
    if (!(error instanceof CommandLineSyntaxError)) throw error;
    return { error: error.message };
  }
}

const SHLEX = `
import json, shlex, sys
out = []
for command in json.load(sys.stdin):
    try:
        out.append(shlex.split(command))
    except ValueError as error:
        out.append({"error": str(error)})
json.dump(out, sys.stdout)
`;

describe(splitCommandLine.name, () => {
  it.each(cases)('%s', (_, command, expected) => {
    expect(ours(command)).toEqual(expected);
  });

  it('agrees with python shlex.split on every row', () => {
    const input = JSON.stringify(cases.map(([, command]) => command));
    const python = JSON.parse(execFileSync('python3', ['-c', SHLEX], { input, encoding: 'utf8' })) as Outcome[];
    const rows = cases.map(([name, command], i) => ({ name, ours: ours(command), python: python[i] }));
    expect(rows.map(({ name, ours }) => ({ name, result: ours }))).toEqual(rows.map(({ name, python }) => ({ name, result: python })));
  });
});
