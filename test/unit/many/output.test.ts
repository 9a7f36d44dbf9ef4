import { describe, expect, it } from 'vitest';
import { CAPTURE_LIMIT_BYTES, createOutput, type OutputMode } from '../../../src/many/output.js';

function streams() {
  const writes = { stdout: [] as string[], stderr: [] as string[] };
  const stream = (name: 'stdout' | 'stderr') => ({ write: (chunk: Buffer | string) => writes[name].push(chunk.toString()) });
  return { writes, stdout: stream('stdout'), stderr: stream('stderr') };
}

function output(mode: OutputMode, colour = false) {
  const s = streams();
  const sinkFor = createOutput({ mode, profiles: ['a', 'prod-b'], stdout: s.stdout, stderr: s.stderr, colourStdout: colour, colourStderr: colour });
  return { ...s, sinkFor };
}

describe('prefixed output', () => {
  it('writes only whole lines, each behind the aligned profile name, on the stream it came on', () => {
    const { writes, sinkFor } = output('prefix');
    const a = sinkFor('a');
    const b = sinkFor('prod-b');
    a.stdout(Buffer.from('hel'));
    b.stdout(Buffer.from('one\ntw'));
    a.stdout(Buffer.from('lo\n'));
    a.stderr(Buffer.from('\n  oops: it broke\n'));
    b.stdout(Buffer.from('o'));
    expect(b.end().firstErrorLine).toBeUndefined();
    expect(a.end().firstErrorLine).toBe('oops: it broke');
    expect(writes.stdout).toEqual(['prod-b | one\n', 'a      | hello\n', 'prod-b | two\n']);
    expect(writes.stderr).toEqual(['a      | \na      |   oops: it broke\n']);
  });

  it('colours the name only on a terminal', () => {
    const { writes, sinkFor } = output('prefix', true);
    const a = sinkFor('a');
    a.stdout(Buffer.from('x\n'));
    expect(writes.stdout).toEqual(['\x1b[36ma     \x1b[39m | x\n']);
  });
});

describe('grouped output', () => {
  it('holds a profile\'s output until its end, then writes it whole under a header, in the order written', () => {
    const { writes, sinkFor } = output('group');
    const a = sinkFor('a');
    const b = sinkFor('prod-b');
    a.stdout(Buffer.from('a1\n'));
    b.stdout(Buffer.from('b1\n'));
    a.stderr(Buffer.from('a-err\n'));
    a.stdout(Buffer.from('a2'));
    expect(writes.stdout).toEqual([]);
    b.end();
    a.end();
    expect(writes.stdout.join('')).toBe('==> prod-b <==\nb1\n==> a <==\na1\na2\n');
    expect(writes.stderr.join('')).toBe('a-err\n');
  });
});

describe('json output', () => {
  it('writes nothing and hands back what each stream got', () => {
    const { writes, sinkFor } = output('json');
    const a = sinkFor('a');
    a.stdout(Buffer.from('{"Arn":'));
    a.stderr(Buffer.from('warning\n'));
    a.stdout(Buffer.from(' "x"}\n'));
    expect(a.end()).toEqual({ stdout: '{"Arn": "x"}\n', stderr: 'warning\n', truncated: false, firstErrorLine: 'warning' });
    expect(writes).toEqual({ stdout: [], stderr: [] });
  });

  it('keeps at most CAPTURE_LIMIT_BYTES of a stream, and says it cut', () => {
    const { sinkFor } = output('json');
    const a = sinkFor('a');
    a.stdout(Buffer.alloc(CAPTURE_LIMIT_BYTES - 1, 'x'));
    a.stdout(Buffer.from('yz'));
    a.stderr(Buffer.from('e\n'));
    const captured = a.end();
    expect(captured.stdout!.length).toBe(CAPTURE_LIMIT_BYTES);
    expect(captured.stdout!.endsWith('xy')).toBe(true);
    expect(captured.stderr).toBe('e\n');
    expect(captured.truncated).toBe(true);
  });
});
