/**
 * What the terminal sends in raw mode, as key events for the picker. Pure, so that it is tested
 * without a terminal.
 *
 * Escape is both a key and the first byte of every arrow key's sequence (`ESC [ A`, or `ESC O A`
 * in the terminal's application mode). A terminal sends a whole sequence in one write, so a chunk
 * that ends right after an ESC is the Escape key; an ESC followed by `[` or `O` starts a sequence,
 * which runs to its final byte (0x40–0x7E). An ESC followed by another ESC is Escape too; an ESC
 * followed by anything else is an Alt/Meta combination, which the picker ignores.
 */
export type Key =
  | { name: 'text'; text: string } // printable characters, consecutive ones in one event
  | { name: CommandKey };

export type CommandKey = 'backspace' | 'up' | 'down' | 'enter' | 'escape' | 'ctrl-c' | 'ctrl-u';

const CONTROL: Record<string, CommandKey> = {
  '\r': 'enter',
  '\n': 'enter',
  '\x7f': 'backspace',
  '\b': 'backspace',
  '\x03': 'ctrl-c',
  '\x10': 'up', // Ctrl-P
  '\x0e': 'down', // Ctrl-N
  '\x15': 'ctrl-u',
};

/** Final bytes of the arrow sequences we act on; every other sequence is dropped whole. */
const ARROWS: Record<string, CommandKey> = { A: 'up', B: 'down' };

export function decodeKeys(chunk: string): Key[] {
  const keys: Key[] = [];
  const chars = [...chunk]; // code points, so that an emoji is one character
  const push = (key: Key) => {
    const last = keys.at(-1);
    if (key.name === 'text' && last?.name === 'text') last.text += key.text;
    else keys.push(key);
  };
  for (let i = 0; i < chars.length; i++) {
    const char = chars[i]!;
    if (char === '\x1b') {
      const next = chars[i + 1];
      if (next === undefined || next === '\x1b') {
        push({ name: 'escape' });
      } else if (next === '[' || next === 'O') {
        // Parameters (digits, `;`) up to the final byte: `ESC [ 1 ; 5 A` is Ctrl-Up, still up.
        let end = i + 2;
        while (end < chars.length && !isFinalByte(chars[end]!)) end++;
        const final = chars[end];
        const arrow = final === undefined ? undefined : ARROWS[final];
        if (arrow) push({ name: arrow });
        i = end;
      } else {
        i++; // Alt+key: neither text nor a command
      }
      continue;
    }
    const control = CONTROL[char];
    if (control) push({ name: control });
    else if (!isControl(char)) push({ name: 'text', text: char });
    // Other control characters (Tab, Ctrl-D, C1 controls, …) do nothing.
  }
  return keys;
}

function isFinalByte(char: string): boolean {
  return char >= '\x40' && char <= '\x7e';
}

/** C0 and C1 control characters and DEL: never part of a filter. */
function isControl(char: string): boolean {
  return char < ' ' || (char >= '\x7f' && char <= '\x9f');
}
