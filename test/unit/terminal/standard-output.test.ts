// awsrole's stdout without process.stdout (src/terminal/standard-output.ts), in child processes
// whose stdout is what a user's would be: a pipe to a slow reader, a pipe closed early, /dev/null,
// a full device.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const BUILT = fileURLToPath(new URL('../../../build/modules/terminal/standard-output.js', import.meta.url));
const SOURCE = fileURLToPath(new URL('../../../src/terminal/standard-output.ts', import.meta.url));

beforeAll(() => {
  if (!existsSync(BUILT) || statSync(BUILT).mtimeMs < statSync(SOURCE).mtimeMs) {
    throw new Error(`${BUILT} is missing or older than its source: run \`npm run build\` (npm test does)`);
  }
});

/** A program that writes `lines` numbered lines through StandardOutput, after running `before`. */
function writer(lines: number, before = ''): string {
  return `${before}
const { StandardOutput } = await import(${JSON.stringify(BUILT)});
const out = new StandardOutput();
for (let i = 0; i < ${lines}; i++) out.write(\`line \${i} \${'x'.repeat(60)}\\n\`);
process.stderr.write('done\\n');`;
}

const LINE = (i: number) => `line ${i} ${'x'.repeat(60)}\n`;

describe('StandardOutput', () => {
  it('writes everything to a slow reader through a pipe left non-blocking (EAGAIN is waited out)', async () => {
    // Touching process.stdout makes Node set O_NONBLOCK on the pipe, as a Node parent or an
    // earlier Node program in the same pipe may have: 2 MB then fill the pipe many times over.
    const child = spawn(process.execPath, ['--input-type=module', '-e', writer(30_000, 'process.stdout;')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const chunks: Buffer[] = [];
    child.stdout.pause();
    await new Promise((resolve) => setTimeout(resolve, 300)); // the writer meets a full pipe
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stdout.resume();
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(stderr).toBe('done\n');
    expect(code).toBe(0);
    const text = Buffer.concat(chunks).toString('utf8');
    expect(text.length).toBe(Array.from({ length: 30_000 }, (_, i) => LINE(i)).join('').length);
    expect(text.endsWith(LINE(29_999))).toBe(true);
  });

  it('stops writing without an error when the reader goes away (EPIPE), and the program goes on', () => {
    const result = spawnSync('bash', ['-c', `"$0" --input-type=module -e "$1" | head -c 100 >/dev/null; echo "status \${PIPESTATUS[0]}"`, process.execPath, writer(30_000)], { encoding: 'utf8' });
    expect(result.stderr).toBe('done\n');
    expect(result.stdout).toBe('status 0\n');
  });

  it('fails loudly when the output cannot be written (a full disk: ENOSPC)', () => {
    const result = spawnSync('bash', ['-c', '"$0" --input-type=module -e "$1" >/dev/full', process.execPath, writer(1)], { encoding: 'utf8' });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/ENOSPC/);
    expect(result.stderr).not.toContain('done');
  });

  it('is no terminal on a pipe or on /dev/null (a character device), and one on a pseudo-terminal', () => {
    const program = `const { StandardOutput } = await import(${JSON.stringify(BUILT)}); process.stderr.write(String(new StandardOutput().isTTY));`;
    const run = (redirect: string) =>
      spawnSync('script', ['-qec', `${JSON.stringify(process.execPath)} --input-type=module -e '${program}' ${redirect}`, '/dev/null'], { encoding: 'utf8' });
    expect(run('| cat').stdout).toBe('false');
    expect(run('>/dev/null').stdout).toBe('false');
    expect(run('').stdout).toBe('true');
  });
});
