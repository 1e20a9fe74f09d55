import { isUtf8 } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { LineSplitter, type LineDecoder } from './line-splitter.ts';

type Line = [text: string, offset: number, endOffset: number, plain: boolean];

function split(bytes: Buffer, chunk: number, opts: { start?: number; decode?: LineDecoder; end?: boolean } = {}): Line[] {
  const out: Line[] = [];
  const s = new LineSplitter(opts.start ?? 0, opts.decode);
  const emit = (text: string, offset: number, endOffset: number, plain: boolean): void => {
    out.push([text, offset, endOffset, plain]);
  };
  for (let i = 0; i < bytes.length; i += chunk) s.push(bytes.subarray(i, Math.min(bytes.length, i + chunk)), emit);
  if (opts.end) s.end(emit);
  return out;
}

const latin1Fallback: LineDecoder = (buf, start, end) => {
  const b = buf.subarray(start, end);
  return isUtf8(b) ? b.toString('utf8') : b.toString('latin1');
};

describe('LineSplitter', () => {
  it('gives the same lines, texts and byte offsets whatever the chunk size (ASCII, UTF-8, invalid bytes)', () => {
    const bytes = Buffer.concat([
      Buffer.from('1700000000|1.1|q1|NONE|ENTERQUEUE||555|1\n'),
      Buffer.from('1700000001|1.1|q1|NONE|ENTERQUEUE||Ñandú €😀|1\n'),
      Buffer.from([0x31, 0x7c, 0xa5, 0xff, 0x7c, 0x51, 0x0a]), // `1|<A5><FF>|Q` Latin-1 bytes
      Buffer.from('\n'),
      Buffer.from('last|"quoted"\n'),
    ]);
    const expected: Line[] = [
      ['1700000000|1.1|q1|NONE|ENTERQUEUE||555|1', 0, 41, true],
      ['1700000001|1.1|q1|NONE|ENTERQUEUE||Ñandú €😀|1', 41, 94, false],
      ['1|\u00a5\u00ff|Q', 94, 101, false],
      ['', 101, 102, false],
      ['last|"quoted"', 102, 116, false],
    ];
    for (const chunk of [1, 2, 3, 7, 41, 42, 64, 1000]) {
      const got = split(bytes, chunk, { decode: latin1Fallback });
      // `plain` is known per chunk; only the texts and offsets must not depend on the chunking.
      expect(got.map(([t, o, e]) => [t, o, e]), `chunk ${chunk}`).toEqual(expected.map(([t, o, e]) => [t, o, e]));
    }
    expect(split(bytes, 1000, { decode: latin1Fallback })).toEqual([
      // One chunk holding invalid UTF-8 is decoded line by line; nothing in it is called plain.
      ['1700000000|1.1|q1|NONE|ENTERQUEUE||555|1', 0, 41, false],
      ...expected.slice(1),
    ]);
  });

  it('calls a chunk of ASCII lines plain only when no line in it needs JSON escaping', () => {
    const clean = Buffer.from('a|b\nc|d\n');
    expect(split(clean, 100)).toEqual([['a|b', 0, 4, true], ['c|d', 4, 8, true]]);
    for (const bad of ['"', '\\', '\t', '\u0001']) {
      expect(split(Buffer.from(`a|b\nc${bad}d\n`), 100).map((l) => l[3])).toEqual([false, false]);
    }
    // A line completed from an earlier chunk is decoded alone and not called plain.
    expect(split(clean, 2)).toEqual([['a|b', 0, 4, false], ['c|d', 4, 8, false]]);
  });

  it('decodes invalid UTF-8 of queue_log lines with replacement characters, as a per-line decode does', () => {
    const bytes = Buffer.concat([Buffer.from('ok\n'), Buffer.from([0x61, 0xe2, 0x82, 0x0a, 0x62, 0x0a])]);
    expect(split(bytes, 100)).toEqual([
      ['ok', 0, 3, false],
      ['a\ufffd', 3, 7, false],
      ['b', 7, 9, false],
    ]);
  });

  it('starts at a given offset, waits for the newline of a partial line, and ends an unterminated one on end()', () => {
    const out: Line[] = [];
    const s = new LineSplitter(1000);
    const emit = (t: string, o: number, e: number, p: boolean): void => {
      out.push([t, o, e, p]);
    };
    s.push(Buffer.from('one\ntw'), emit);
    expect(out).toEqual([['one', 1000, 1004, true]]);
    expect([s.pendingOffset, s.pendingBytes]).toEqual([1004, 2]);
    s.push(Buffer.from('o\nthr'), emit);
    s.push(Buffer.from('ee'), emit);
    expect([s.pendingOffset, s.pendingBytes]).toEqual([1008, 5]);
    s.end(emit);
    expect(out).toEqual([
      ['one', 1000, 1004, true],
      ['two', 1004, 1008, false],
      ['three', 1008, 1013, false],
    ]);
    expect([s.pendingOffset, s.pendingBytes]).toEqual([1013, 0]);
  });

  it('keeps only the first bytes of an endless line that spans chunks (bounded memory), with exact offsets', () => {
    const s = new LineSplitter(0, undefined, 16);
    const out: Line[] = [];
    const emit = (t: string, o: number, e: number, p: boolean): void => {
      out.push([t, o, e, p]);
    };
    const garbage = Buffer.alloc(10_000, 0x78);
    for (let i = 0; i < 100; i++) s.push(garbage, emit);
    s.push(Buffer.from('\nok\n'), emit);
    expect(out).toEqual([
      ['x'.repeat(16), 0, 1_000_001, false],
      ['ok', 1_000_001, 1_000_004, true],
    ]);
  });

  it('resets to a new offset, forgetting a pending partial line (copytruncate)', () => {
    const s = new LineSplitter(0);
    const out: Line[] = [];
    const emit = (t: string, o: number, e: number, p: boolean): void => {
      out.push([t, o, e, p]);
    };
    s.push(Buffer.from('abc\nhalf'), emit);
    s.reset(0);
    s.push(Buffer.from('new\n'), emit);
    expect(out).toEqual([['abc', 0, 4, true], ['new', 0, 4, true]]);
  });

  it('ends a line at a bare CR (old PBX exports), keeps CRLF as one line end, whatever the chunking', () => {
    // 15 CR-ended lines, then a CRLF line, a LF line and an unterminated last one.
    const cr = Array.from({ length: 15 }, (_, i) => `17000000${String(i).padStart(2, '0')}|c${i}|q1|NONE|ENTERQUEUE||1\r`).join('');
    const bytes = Buffer.from(`${cr}crlf\r\nlf\n\r\rlast\r`);
    const expected: Array<[string, number, number]> = [];
    let o = 0;
    for (let i = 0; i < 15; i++) {
      const text = `17000000${String(i).padStart(2, '0')}|c${i}|q1|NONE|ENTERQUEUE||1`;
      expected.push([text, o, o + text.length + 1]);
      o += text.length + 1;
    }
    expected.push(['crlf\r', o, o + 6], ['lf', o + 6, o + 9], ['', o + 9, o + 10], ['', o + 10, o + 11], ['last', o + 11, o + 16]);
    for (const chunk of [1, 2, 3, 5, 36, 37, 64, 10_000]) {
      const got = split(bytes, chunk, { end: true }).map(([t, a, b]) => [t, a, b]);
      expect(got, `chunk ${chunk}`).toEqual(expected);
    }
  });

  it('waits for the byte after a CR that ends a chunk before deciding the line end', () => {
    const s = new LineSplitter(0);
    const out: Line[] = [];
    const emit = (t: string, o: number, e: number, p: boolean): void => {
      out.push([t, o, e, p]);
    };
    s.push(Buffer.from('a|b\r'), emit);
    expect(out).toEqual([]);
    expect([s.pendingOffset, s.pendingBytes]).toEqual([0, 4]);
    s.push(Buffer.from('\nc\r'), emit);
    expect(out).toEqual([['a|b\r', 0, 5, false]]);
    s.push(Buffer.from('d\n'), emit);
    expect(out).toEqual([['a|b\r', 0, 5, false], ['c', 5, 7, false], ['d', 7, 9, false]]);
  });
});
