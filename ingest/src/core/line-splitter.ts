// Splits a byte stream into `\n`-terminated lines and tracks each line's byte offset. Memory is
// bounded: a line longer than `maxLineBytes` keeps only its first bytes (it is rejected as too
// long downstream anyway, and a file of binary garbage must not fill the heap).
import { MAX_LINE_BYTES } from '../contract.ts';

/** Receives `buf[start..end)` = one line without its `\n`, which began at byte `offset` of the source. */
export type LineEmitter = (buf: Buffer, start: number, end: number, offset: number, endOffset: number) => void;

export class LineSplitter {
  private partial: Buffer[] = [];
  private partialBytes = 0;
  /** Offset of the first byte of the line being assembled. */
  private start: number;
  /** Offset just past the last byte pushed. */
  private pos: number;

  constructor(startOffset: number, private readonly maxLineBytes = MAX_LINE_BYTES + 4) {
    this.start = startOffset;
    this.pos = startOffset;
  }

  /** Offset of the first byte not yet emitted as part of a complete line. */
  get pendingOffset(): number {
    return this.start;
  }

  /** Bytes of an unterminated line waiting for its `\n`. */
  get pendingBytes(): number {
    return this.pos - this.start;
  }

  push(chunk: Buffer, emit: LineEmitter): void {
    let from = 0;
    for (;;) {
      const nl = chunk.indexOf(10, from);
      if (nl < 0) break;
      const lineEnd = this.pos + (nl - from) + 1;
      if (this.partial.length === 0) {
        emit(chunk, from, nl, this.start, lineEnd);
      } else {
        this.keep(chunk.subarray(from, nl));
        const whole = Buffer.concat(this.partial, this.partialBytes);
        emit(whole, 0, whole.length, this.start, lineEnd);
        this.partial = [];
        this.partialBytes = 0;
      }
      this.pos = lineEnd;
      this.start = lineEnd;
      from = nl + 1;
    }
    if (from < chunk.length) {
      // Copy: the caller may reuse its read buffer.
      this.keep(Buffer.from(chunk.subarray(from)));
      this.pos += chunk.length - from;
    }
  }

  /** The source ended for good: an unterminated last line is a line too. */
  end(emit: LineEmitter): void {
    if (this.pos > this.start) {
      const whole = Buffer.concat(this.partial, this.partialBytes);
      emit(whole, 0, whole.length, this.start, this.pos);
    }
    this.reset(this.pos);
  }

  /** Forget the pending bytes and continue at `offset` (copytruncate: the file restarts at 0). */
  reset(offset: number): void {
    this.partial = [];
    this.partialBytes = 0;
    this.start = offset;
    this.pos = offset;
  }

  private keep(bytes: Buffer): void {
    const room = this.maxLineBytes - this.partialBytes;
    if (room <= 0) return;
    const part = bytes.length > room ? bytes.subarray(0, room) : bytes;
    this.partial.push(part);
    this.partialBytes += part.length;
  }
}
