import { describe, expect, it } from 'vitest';
import { decodeKeys, type Key } from '../../../src/picker/keys.js';

const text = (value: string): Key => ({ name: 'text', text: value });
const key = (name: Exclude<Key['name'], 'text'>): Key => ({ name } as Key);

describe(decodeKeys.name, () => {
  it.each<[string, string, Key[]]>([
    ['printable text, one event per run', 'prod', [text('prod')]],
    ['text keeps case and spaces', 'Prod X', [text('Prod X')]],
    ['an emoji is one character', 'a🙂', [text('a🙂')]],
    ['Enter (CR, as a raw terminal sends it)', '\r', [key('enter')]],
    ['Enter (LF)', '\n', [key('enter')]],
    ['Backspace (DEL)', '\x7f', [key('backspace')]],
    ['Backspace (^H)', '\b', [key('backspace')]],
    ['Ctrl-C', '\x03', [key('ctrl-c')]],
    ['Ctrl-U', '\x15', [key('ctrl-u')]],
    ['Ctrl-P is up', '\x10', [key('up')]],
    ['Ctrl-N is down', '\x0e', [key('down')]],
    ['Up (CSI)', '\x1b[A', [key('up')]],
    ['Down (CSI)', '\x1b[B', [key('down')]],
    ['Up (SS3, application cursor mode)', '\x1bOA', [key('up')]],
    ['Down (SS3)', '\x1bOB', [key('down')]],
    ['Ctrl-Up with parameters is still up', '\x1b[1;5A', [key('up')]],
    ['a chunk that is exactly ESC is Escape', '\x1b', [key('escape')]],
    ['ESC at the end of a chunk is Escape', 'ab\x1b', [text('ab'), key('escape')]],
    ['ESC ESC is Escape, then what follows', '\x1b\x1b[B', [key('escape'), key('down')]],
    ['Left, Right, Delete, F5 do nothing', '\x1b[D\x1b[C\x1b[3~\x1b[15~', []],
    ['Alt+key does nothing', '\x1bx', []],
    ['other control characters do nothing', '\t\x04\x00\x85', []],
    ['a burst of keys keeps its order', 'pr\x1b[Bo\x7f\r', [text('pr'), key('down'), text('o'), key('backspace'), key('enter')]],
  ])('%s', (_, chunk, expected) => {
    expect(decodeKeys(chunk)).toEqual(expected);
  });
});
