import { describe, expect, it } from 'vitest';
import { createLineEditor, type LineEnd } from '../../../src/mfa/line-editor.js';

/** Feeds the chunks in order and returns the first end, as the terminal would deliver them. */
function type(...chunks: string[]): LineEnd | undefined {
  const editor = createLineEditor();
  for (const chunk of chunks) {
    const end = editor.feed(chunk);
    if (end) return end;
  }
  return undefined;
}

describe(createLineEditor.name, () => {
  it.each<[string, string[], LineEnd | undefined]>([
    ['Enter (CR, as a raw terminal sends it)', ['123456\r'], { kind: 'line', line: '123456' }],
    ['LF', ['123456\n'], { kind: 'line', line: '123456' }],
    ['one key at a time', ['1', '2', '3', '\r'], { kind: 'line', line: '123' }],
    ['nothing yet', ['123'], undefined],
    ['empty line', ['\r'], { kind: 'line', line: '' }],
    ['Backspace (DEL)', ['1239\x7f456\r'], { kind: 'line', line: '123456' }],
    ['Backspace (^H)', ['12\b\b12\r'], { kind: 'line', line: '12' }],
    ['Backspace on an empty line', ['\x7f\x7f1\r'], { kind: 'line', line: '1' }],
    ['Backspace removes a whole emoji', ['1🙂\x7f2\r'], { kind: 'line', line: '12' }],
    ['Ctrl-U clears the line', ['999\x15123\r'], { kind: 'line', line: '123' }],
    ['Ctrl-C', ['12\x033\r'], { kind: 'interrupt' }],
    ['Ctrl-D on an empty line', ['\x04'], { kind: 'eof' }],
    ['Ctrl-D after text ends the line', ['123456\x04'], { kind: 'line', line: '123456' }],
    ['text after Enter is ignored', ['123456\r789\r'], { kind: 'line', line: '123456' }],
    ['arrow keys are dropped', ['12\x1b[D\x1b[C34\x1bOA56\r'], { kind: 'line', line: '123456' }],
    ['an escape sequence split across chunks', ['12\x1b', '[1;5', 'D34\r'], { kind: 'line', line: '1234' }],
    ['other control characters are dropped', ['1\t2\x00\x073\r'], { kind: 'line', line: '123' }],
    ['spaces are kept (the prompt trims them)', [' 123 456 \r'], { kind: 'line', line: ' 123 456 ' }],
  ])('%s', (_, chunks, expected) => {
    expect(type(...chunks)).toEqual(expected);
  });
});
