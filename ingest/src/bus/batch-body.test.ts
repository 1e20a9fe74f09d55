import { describe, expect, it } from 'vitest';
import { BatchBody, BodyPool } from './batch-body.ts';

describe('BatchBody', () => {
  it('gives the bytes of JSON.stringify of the envelope, with multi-byte text and many flushes', () => {
    const items = Array.from({ length: 5000 }, (_, i) => ({ n: i, s: i % 3 === 0 ? `ñ€😀 "${i}"` : `line ${i}` }));
    const body = new BatchBody(10 * 2 ** 20, 16);
    for (const it of items) expect(body.push(JSON.stringify(it))).toBe(true);
    expect(body.count).toBe(5000);
    const bytes = body.finish('fp:0-4999', 'hq', 'events');
    expect(bytes.toString('utf8')).toBe(JSON.stringify({ batch_id: 'fp:0-4999', site: 'hq', events: items }));
  });

  it('gives the envelope right for one item and for escaped batch ids and sites', () => {
    const body = new BatchBody(1000);
    body.push('{"a":1}');
    expect(body.finish('f"p:1-1', 's\\1', 'dead').toString()).toBe(JSON.stringify({ batch_id: 'f"p:1-1', site: 's\\1', dead: [{ a: 1 }] }));
  });

  it('cuts exactly at the byte limit counting UTF-8 bytes and commas, and takes a lone oversized item', () => {
    // ASCII items of 10 bytes: 4 of them with 3 commas are 43 bytes.
    const item = '"12345678"';
    // 5 UTF-16 units but 11 bytes.
    const euros = '"€€€"';
    expect(Buffer.byteLength(euros)).toBe(11);
    const body = new BatchBody(43);
    expect([body.push(item), body.push(item), body.push(item), body.push(item)]).toEqual([true, true, true, true]);
    expect(body.bytes).toBe(43);
    expect(body.push('1')).toBe(false);
    expect(body.count).toBe(4);
    const multi = new BatchBody(22);
    expect(multi.push(euros)).toBe(true);
    expect(multi.push(euros)).toBe(false); // 11 + 1 + 11 = 23 > 22
    expect(multi.push('"12345678"')).toBe(true); // 11 + 1 + 10 = 22
    expect(multi.finish('b', 's', 'x').toString()).toBe('{"batch_id":"b","site":"s","x":["€€€","12345678"]}');
    const big = new BatchBody(5);
    expect(big.push('"a long item"')).toBe(true);
    expect(big.push('1')).toBe(false);
    expect(big.finish('b', 's', 'x').toString()).toBe('{"batch_id":"b","site":"s","x":["a long item"]}');
  });

  it('cuts at the same item whatever the text flushes, so the same items always give the same batches', () => {
    const items = Array.from({ length: 20_000 }, (_, i) => JSON.stringify({ i, t: i % 7 === 0 ? 'ü'.repeat(i % 50) : 'x'.repeat(i % 90) }));
    const cuts = (first: number): number[] => {
      const out: number[] = [];
      let body = new BatchBody(100_000, first);
      for (const [i, s] of items.entries()) {
        if (!body.push(s)) {
          out.push(i);
          body = new BatchBody(100_000, first);
          body.push(s);
        }
      }
      return out;
    };
    const a = cuts(16);
    expect(a.length).toBeGreaterThan(10);
    expect(cuts(200_000)).toEqual(a);
    // Each cut is where the next item would have passed the limit.
    let bytes = 0;
    let k = 0;
    for (const [i, s] of items.entries()) {
      const len = Buffer.byteLength(s);
      if (i === a[k]) {
        expect(bytes + 1 + len).toBeGreaterThan(100_000);
        bytes = len;
        k++;
      } else {
        bytes += (bytes > 0 ? 1 : 0) + len;
        expect(bytes).toBeLessThanOrEqual(100_000);
      }
    }
  });

  it('reuses the buffer of a released body', () => {
    const pool = new BodyPool(2);
    // Above 4 KiB, so the buffers are not slices of Node's shared allocation pool.
    const a = new BatchBody(10_000, 10_000, pool);
    a.push('"x"');
    const first = a.finish('b', 's', 'x');
    a.release();
    const b = new BatchBody(10_000, 10_000, pool);
    b.push('"y"');
    const second = b.finish('b', 's', 'x');
    expect(second.buffer).toBe(first.buffer);
    expect(second.toString()).toBe('{"batch_id":"b","site":"s","x":["y"]}');
    const c = new BatchBody(10_000, 10_000, pool);
    c.push('"z"');
    expect(c.finish('b', 's', 'x').buffer).not.toBe(first.buffer);
  });
});
