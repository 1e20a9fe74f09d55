// Splits a byte stream into `\n`-terminated lines, decodes them to text and tracks each line's
// byte offset. The complete lines of a chunk are decoded in one go when they are valid UTF-8
// (one native call per chunk instead of one per line; the lines are then slices of that text);
// otherwise each line is decoded alone by the source's own decoder (CDR falls back to Latin-1 per
// line). Both give the same text: a `\n` byte never occurs inside a UTF-8 sequence, so splitting
// valid UTF-8 at `\n` leaves valid UTF-8 lines.
// Line ends: `\n`, and a bare `\r` (one not followed by `\n`), which old PBX exports and Mac
// tools wrote as their line end: such lines are lines, never swallowed into one. A `\r\n` ends
// one line whose text keeps the `\r` (parsers drop one trailing `\r`). Chunks without a `\r` take
// the fast paths below; a chunk holding one is split byte by byte (slower, same offsets).
// Memory is bounded: a line longer than `maxLineBytes` that spans chunks keeps only its first
// bytes (it is rejected as too long downstream anyway, and a file of binary garbage must not
// fill the heap).
import { isAscii, isUtf8 } from 'node:buffer';
import { MAX_LINE_BYTES } from '../contract.ts';

/**
 * One complete line without its `\n`, which began at byte `offset` and ends (past its `\n`) at
 * `endOffset`. `plain`: the line is ASCII without a character JSON escapes (`"`, `\`, controls),
 * known from one scan of the whole chunk, so serializers can skip escaping (false = not known).
 */
export type LineEmitter = (text: string, offset: number, endOffset: number, plain: boolean) => void;

/** What JSON.stringify escapes in ASCII text, `\n` aside (it only ends lines). */
const JSON_ESCAPED_ASCII = /["\\\u0000-\u0009\u000b-\u001f]/;

/** Bytes of one line to text. */
export type LineDecoder = (buf: Buffer, start: number, end: number) => string;

export const decodeUtf8: LineDecoder = (buf, start, end) => buf.toString('utf8', start, end);

const CR = Buffer.from([13]);

export class LineSplitter {
  private partial: Buffer[] = [];
  private partialBytes = 0;
  /** Offset of the first byte of the line being assembled. */
  private start: number;
  /** Offset just past the last byte pushed. */
  private pos: number;
  /** The last byte pushed was a `\r` (not kept in `partial`): the next byte says whether it ended the line. */
  private crPending = false;

  constructor(
    startOffset: number,
    private readonly decode: LineDecoder = decodeUtf8,
    private readonly maxLineBytes = MAX_LINE_BYTES + 4,
  ) {
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
    if (this.crPending || chunk.indexOf(13) >= 0) {
      this.pushWithCr(chunk, emit);
      return;
    }
    const base = this.pos;
    let from = 0;
    if (this.partial.length > 0) {
      // The line begun in an earlier chunk: assemble it, if it ends here.
      const nl = chunk.indexOf(10);
      if (nl < 0) {
        this.keepRest(chunk, 0);
        return;
      }
      this.keep(chunk.subarray(0, nl));
      const whole = Buffer.concat(this.partial, this.partialBytes);
      this.partial = [];
      this.partialBytes = 0;
      const lineEnd = base + nl + 1;
      emit(this.decode(whole, 0, whole.length), this.start, lineEnd, false);
      this.start = lineEnd;
      from = nl + 1;
    }
    const last = chunk.lastIndexOf(10);
    if (last >= from) {
      this.emitRun(chunk, from, last + 1, base, emit);
      this.start = base + last + 1;
      from = last + 1;
    }
    this.pos = base + from;
    if (from < chunk.length) this.keepRest(chunk, from);
  }

  /** The source ended for good: an unterminated last line is a line too. */
  end(emit: LineEmitter): void {
    // A pending `\r` ended its line (it is not in `partial`).
    this.crPending = false;
    if (this.pos > this.start) {
      const whole = Buffer.concat(this.partial, this.partialBytes);
      emit(this.decode(whole, 0, whole.length), this.start, this.pos, false);
    }
    this.reset(this.pos);
  }

  /** Forget the pending bytes and continue at `offset` (copytruncate: the file restarts at 0). */
  reset(offset: number): void {
    this.crPending = false;
    this.partial = [];
    this.partialBytes = 0;
    this.start = offset;
    this.pos = offset;
  }

  /** Complete lines `chunk[from..to)` (`to` is just past a `\n`); `base` is the offset of chunk[0]. */
  private emitRun(chunk: Buffer, from: number, to: number, base: number, emit: LineEmitter): void {
    const run = chunk.subarray(from, to);
    if (isAscii(run)) {
      // One byte per character: text index = byte index.
      const text = chunk.toString('latin1', from, to);
      const plain = !JSON_ESCAPED_ASCII.test(text);
      const at = base + from;
      let p = 0;
      for (;;) {
        const nl = text.indexOf('\n', p);
        if (nl < 0) break;
        emit(text.slice(p, nl), at + p, at + nl + 1, plain);
        p = nl + 1;
      }
      return;
    }
    if (isUtf8(run)) {
      // Walk the bytes and the text in step: the n-th `\n` is the same line end in both.
      const text = chunk.toString('utf8', from, to);
      let p = 0;
      let b = from;
      for (;;) {
        const nl = text.indexOf('\n', p);
        if (nl < 0) break;
        const bnl = chunk.indexOf(10, b);
        emit(text.slice(p, nl), base + b, base + bnl + 1, false);
        p = nl + 1;
        b = bnl + 1;
      }
      return;
    }
    for (let b = from; b < to; ) {
      const bnl = chunk.indexOf(10, b);
      emit(this.decode(chunk, b, bnl), base + b, base + bnl + 1, false);
      b = bnl + 1;
    }
  }

  /**
   * The general path for a chunk holding a `\r` (or after one that ended a chunk): every `\n` and
   * every bare `\r` ends a line. The next `\n` and `\r` positions are each searched once per
   * occurrence, so a chunk is scanned in linear time whatever mix of line ends it holds.
   */
  private pushWithCr(chunk: Buffer, emit: LineEmitter): void {
    const base = this.pos;
    let from = 0;
    if (this.crPending) {
      this.crPending = false;
      if (chunk.length === 0) {
        this.crPending = true;
        return;
      }
      // `\r\n` split across chunks: the line keeps its `\r` as on the fast path; else the `\r`
      // ended the line just before this chunk.
      if (chunk[0] === 10) this.keep(CR);
      else this.emitLine(chunk, 0, 0, 0, base, emit);
    }
    let lf = chunk.indexOf(10, from);
    let cr = chunk.indexOf(13, from);
    for (;;) {
      if (lf >= 0 && lf < from) lf = chunk.indexOf(10, from);
      if (cr >= 0 && cr < from) cr = chunk.indexOf(13, from);
      if (lf < 0 && cr < 0) break;
      if (cr < 0 || (lf >= 0 && lf < cr)) {
        this.emitLine(chunk, from, lf, lf + 1, base, emit);
        from = lf + 1;
      } else if (cr + 1 === chunk.length) {
        // Undecided until the next byte: keep the line without its `\r`.
        this.keep(Buffer.from(chunk.subarray(from, cr)));
        this.crPending = true;
        from = chunk.length;
      } else if (chunk[cr + 1] === 10) {
        this.emitLine(chunk, from, cr + 1, cr + 2, base, emit);
        from = cr + 2;
      } else {
        this.emitLine(chunk, from, cr, cr + 1, base, emit);
        from = cr + 1;
      }
    }
    if (from < chunk.length) this.keep(Buffer.from(chunk.subarray(from)));
    this.pos = base + chunk.length;
  }

  /** Emits the line `partial + chunk[from..textEnd)`, whose end (past its terminator) is `chunk[next]`. */
  private emitLine(chunk: Buffer, from: number, textEnd: number, next: number, base: number, emit: LineEmitter): void {
    const lineEnd = base + next;
    if (this.partialBytes > 0 || this.partial.length > 0) {
      this.keep(chunk.subarray(from, textEnd));
      const whole = Buffer.concat(this.partial, this.partialBytes);
      this.partial = [];
      this.partialBytes = 0;
      emit(this.decode(whole, 0, whole.length), this.start, lineEnd, false);
    } else {
      emit(this.decode(chunk, from, textEnd), base + from, lineEnd, false);
    }
    this.start = lineEnd;
  }

  /** Keeps `chunk[from..)`, an unterminated line, until its `\n` arrives. */
  private keepRest(chunk: Buffer, from: number): void {
    // Copy: the caller may reuse its read buffer.
    this.keep(Buffer.from(chunk.subarray(from)));
    this.pos += chunk.length - from;
  }

  private keep(bytes: Buffer): void {
    const room = this.maxLineBytes - this.partialBytes;
    if (room <= 0) return;
    const part = bytes.length > room ? bytes.subarray(0, room) : bytes;
    this.partial.push(part);
    this.partialBytes += part.length;
  }
}
