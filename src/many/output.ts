/**
 * Where the output of `awsrole run`'s commands goes. Each command's stdout goes to awsrole's
 * stdout and its stderr to awsrole's stderr (so `2>/dev/null` still means what it says), in one
 * of three ways:
 * - `prefix` (the default): line by line as it comes, each line behind the profile's name,
 *   aligned (and coloured on a terminal). Only whole lines are written, so lines of commands
 *   running at once alternate but never mix.
 * - `group`: each command's output is held until it ends, then written whole under a
 *   `==> profile <==` header on stdout, in the order it was written (stdout and stderr alike).
 * - `json`: held and handed back, for one JSON record per profile; nothing is written here.
 */
import { palette, stripSgr, visibleWidth, type Paint } from '../output/colour.js';
import { forPeople, NAME_LIMIT } from '../output/for-people.js';
import { LineSplitter } from './lines.js';
import { firstNonBlankLine } from './outcome.js';

export type OutputMode = 'prefix' | 'group' | 'json';

export interface Stream {
  write(chunk: Buffer | string): unknown;
}

/** What one command wrote, once it has ended. */
export interface Captured {
  /** With `json` only: everything it wrote (up to CAPTURE_LIMIT_BYTES a stream), as UTF-8. */
  stdout?: string;
  stderr?: string;
  /** Whether more was written than was kept. */
  truncated: boolean;
  firstErrorLine?: string;
}

export interface ProfileSink {
  stdout(chunk: Buffer): void;
  stderr(chunk: Buffer): void;
  /** After both streams have ended: writes what was held and says what was written. */
  end(): Captured;
}

/** Output held (group, json) beyond this, per command and stream, is dropped and said to be. */
export const CAPTURE_LIMIT_BYTES = 16 * 1024 * 1024;
/** Enough of stderr to find its first line in. */
const ERROR_HEAD_BYTES = 8 * 1024;
const PROFILE_COLOURS = ['cyan', 'magenta', 'yellow', 'blue', 'green'] as const;

export interface OutputOptions {
  mode: OutputMode;
  /** Every profile that may run, in order: for the width of the prefix and its colour. */
  profiles: readonly string[];
  stdout: Stream;
  stderr: Stream;
  colourStdout: boolean;
  colourStderr: boolean;
}

type StreamName = 'stdout' | 'stderr';

export function createOutput(options: OutputOptions): (profile: string) => ProfileSink {
  const width = Math.max(...options.profiles.map((profile) => visibleWidth(forPeople(profile, NAME_LIMIT))));
  const label = (profile: string, colour: boolean): Paint => {
    const index = Math.max(0, options.profiles.indexOf(profile));
    return palette(colour)[PROFILE_COLOURS[index % PROFILE_COLOURS.length]!];
  };
  return (profile) => {
    const shown = forPeople(profile, NAME_LIMIT);
    const errorHead = new Head(ERROR_HEAD_BYTES);
    const firstErrorLine = () => firstNonBlankLine(stripSgr(errorHead.text()));
    if (options.mode === 'prefix') {
      const padded = shown + ' '.repeat(Math.max(0, width - visibleWidth(shown)));
      const sink = prefixedLines(options, {
        stdout: Buffer.from(`${label(profile, options.colourStdout)(padded)} | `),
        stderr: Buffer.from(`${label(profile, options.colourStderr)(padded)} | `),
      });
      return {
        stdout: (chunk) => sink.push('stdout', chunk),
        stderr: (chunk) => {
          errorHead.push(chunk);
          sink.push('stderr', chunk);
        },
        end() {
          sink.end();
          return { truncated: false, firstErrorLine: firstErrorLine() };
        },
      };
    }
    const held = new Held();
    return {
      stdout: (chunk) => held.push('stdout', chunk),
      stderr: (chunk) => {
        errorHead.push(chunk);
        held.push('stderr', chunk);
      },
      end() {
        if (options.mode === 'json') {
          return { stdout: held.text('stdout'), stderr: held.text('stderr'), truncated: held.truncated, firstErrorLine: firstErrorLine() };
        }
        const bold = palette(options.colourStdout).bold;
        options.stdout.write(`${bold(`==> ${label(profile, options.colourStdout)(shown)} <==`)}\n`);
        held.replay(options);
        if (held.truncated) options.stderr.write(`awsrole: ${shown}: output cut after ${CAPTURE_LIMIT_BYTES / 1024 / 1024} MiB a stream\n`);
        return { truncated: held.truncated, firstErrorLine: firstErrorLine() };
      },
    };
  };
}

/** Whole lines behind a prefix, as they come. */
function prefixedLines(streams: Record<StreamName, Stream>, prefixes: Record<StreamName, Buffer>) {
  const splitters = { stdout: new LineSplitter(), stderr: new LineSplitter() };
  // The lines of one chunk in one write: awsrole is the only writer of its streams, so a write
  // of whole lines never ends mid-line, and one system call per line would be slow.
  const emit = (name: StreamName, lines: Buffer[]) => {
    if (lines.length > 0) streams[name].write(Buffer.concat(lines.flatMap((line) => [prefixes[name], line])));
  };
  return {
    push: (name: StreamName, chunk: Buffer) => emit(name, splitters[name].push(chunk)),
    end() {
      emit('stdout', splitters.stdout.end());
      emit('stderr', splitters.stderr.end());
    },
  };
}

/** A command's output held in the order it came, up to CAPTURE_LIMIT_BYTES a stream. */
class Held {
  private readonly parts: Array<{ stream: StreamName; chunk: Buffer }> = [];
  private readonly sizes = { stdout: 0, stderr: 0 };
  truncated = false;

  push(stream: StreamName, chunk: Buffer): void {
    const room = CAPTURE_LIMIT_BYTES - this.sizes[stream];
    if (chunk.length > room) this.truncated = true;
    const kept = chunk.length > room ? chunk.subarray(0, Math.max(0, room)) : chunk;
    this.sizes[stream] += kept.length;
    if (kept.length > 0) this.parts.push({ stream, chunk: kept });
  }

  text(stream: StreamName): string {
    return Buffer.concat(this.parts.filter((part) => part.stream === stream).map((part) => part.chunk)).toString('utf8');
  }

  /** Writes it all out, each part to its stream, each stream ending with a newline (the next header starts a line). */
  replay(streams: Record<StreamName, Stream>): void {
    const endsWithNewline = { stdout: true, stderr: true };
    for (const { stream, chunk } of this.parts) {
      streams[stream].write(chunk);
      endsWithNewline[stream] = chunk[chunk.length - 1] === 0x0a;
    }
    if (!endsWithNewline.stdout) streams.stdout.write('\n');
    if (!endsWithNewline.stderr) streams.stderr.write('\n');
  }
}

/** The first bytes of a stream. */
class Head {
  private parts: Buffer[] = [];
  private size = 0;
  constructor(private readonly limit: number) {}
  push(chunk: Buffer): void {
    if (this.size >= this.limit) return;
    const kept = chunk.subarray(0, this.limit - this.size);
    this.parts.push(kept);
    this.size += kept.length;
  }
  text(): string {
    return Buffer.concat(this.parts).toString('utf8');
  }
}
