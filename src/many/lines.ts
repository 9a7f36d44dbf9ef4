/**
 * Cuts a child's output, as it arrives in chunks of any size, into whole lines, so that lines of
 * several children running at once can be written between each other but never into each other.
 * Bytes, not text: a multi-byte character split between two chunks stays whole.
 */
const NEWLINE = 0x0a;

/** A line this long without a newline (a progress bar, binary output) is passed on as it is. */
export const LONGEST_LINE_BYTES = 64 * 1024;

export class LineSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  /** The whole lines completed by this chunk, each with its newline. */
  push(chunk: Buffer): Buffer[] {
    const lines: Buffer[] = [];
    let start = 0;
    for (let end = chunk.indexOf(NEWLINE); end >= 0; end = chunk.indexOf(NEWLINE, start)) {
      lines.push(this.take(chunk.subarray(start, end + 1)));
      start = end + 1;
    }
    if (start < chunk.length) {
      this.pending.push(chunk.subarray(start));
      this.pendingBytes += chunk.length - start;
      if (this.pendingBytes >= LONGEST_LINE_BYTES) lines.push(this.take(Buffer.from('\n')));
    }
    return lines;
  }

  /** What is left once the stream has ended: a last line without its newline, given one. */
  end(): Buffer[] {
    return this.pendingBytes > 0 ? [this.take(Buffer.from('\n'))] : [];
  }

  private take(tail: Buffer): Buffer {
    const line = this.pending.length === 0 ? tail : Buffer.concat([...this.pending, tail]);
    this.pending = [];
    this.pendingBytes = 0;
    return line;
  }
}
