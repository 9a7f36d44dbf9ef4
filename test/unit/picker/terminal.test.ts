// When the picker does not open. Drawing and keys on a real terminal are tested end to end
// (test/e2e/picker.test.ts, in tmux).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openPickerTerminal } from '../../../src/picker/terminal.js';

describe(openPickerTerminal.name, () => {
  it('not when neither stdin nor stderr is a terminal, whatever /dev/tty is', () => {
    expect(openPickerTerminal({}, { stdinIsTTY: false, stderrIsTTY: false })).toBeUndefined();
  });

  it('not when the terminal path is no terminal, or missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'awsrole-picker-'));
    try {
      const file = join(dir, 'not-a-tty');
      writeFileSync(file, '');
      expect(openPickerTerminal({}, { path: file, stdinIsTTY: true, stderrIsTTY: true })).toBeUndefined();
      expect(openPickerTerminal({}, { path: join(dir, 'missing'), stdinIsTTY: true, stderrIsTTY: true })).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
