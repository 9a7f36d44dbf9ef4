import { describe, expect, it } from 'vitest';
import { LineSplitter, LONGEST_LINE_BYTES } from '../../../src/many/lines.js';

const text = (buffers: Buffer[]) => buffers.map((buffer) => buffer.toString('utf8'));

describe(LineSplitter.name, () => {
  it('hands on whole lines only, however the chunks fall', () => {
    const splitter = new LineSplitter();
    expect(text(splitter.push(Buffer.from('one\ntw')))).toEqual(['one\n']);
    expect(text(splitter.push(Buffer.from('o')))).toEqual([]);
    expect(text(splitter.push(Buffer.from('\nthree\nfour\nfi')))).toEqual(['two\n', 'three\n', 'four\n']);
    expect(text(splitter.end())).toEqual(['fi\n']);
    expect(splitter.end()).toEqual([]);
  });

  it('keeps a multi-byte character split between chunks whole', () => {
    const euro = Buffer.from('€\n');
    const splitter = new LineSplitter();
    expect(splitter.push(euro.subarray(0, 1))).toEqual([]);
    expect(text(splitter.push(euro.subarray(1)))).toEqual(['€\n']);
  });

  it('passes on a line that never ends once it is very long', () => {
    const splitter = new LineSplitter();
    const lines = splitter.push(Buffer.alloc(LONGEST_LINE_BYTES + 10, 'x'));
    expect(lines).toHaveLength(1);
    expect(lines[0]!.length).toBe(LONGEST_LINE_BYTES + 11);
  });
});
