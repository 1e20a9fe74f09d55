import type { DeadLetter } from '@tablero/ingest/contract';
import { describe, expect, it } from 'vitest';
import { boundDeadLetters, createRejectionState, linesOf, restoreCounter, type DeadLetterRow } from './rejections.ts';
import { eventFingerprint } from './stint-machine.ts';

const T0 = 1_765_000_020; // 20 s into a minute

/** Rejected lines `from..to-1` of fingerprint `fp`, 10 bytes each; every 4th is `bad_epoch`, the rest `empty`. */
function dead(fp: string, from: number, to: number, rejectedAt: (i: number) => number, source = 'push:pbx1'): DeadLetter[] {
  const out: DeadLetter[] = [];
  for (let i = from; i < to; i++) {
    out.push({ event_id: `${fp}:${i * 10}`, site: 's1', source, offset: i * 10, line_no: 0, raw: i % 4 === 0 ? `x${i}|y` : '', reason: i % 4 === 0 ? 'bad_epoch' : 'empty', rejected_at: rejectedAt(i) });
  }
  return out;
}

function byReason(rows: readonly DeadLetterRow[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of rows) out[r.reason] = (out[r.reason] ?? 0) + r.lines;
  return out;
}

describe('boundDeadLetters', () => {
  it('stores the first N lines of a source and minute as rows and counts the rest per reason, exactly', () => {
    const s = createRejectionState(100);
    const rows = boundDeadLetters(s, dead('fpA', 0, 1000, () => T0));
    // 100 rows of one line, then one counter per reason.
    expect(rows.filter((r) => r.lines === 1)).toHaveLength(100);
    expect(rows).toHaveLength(102);
    expect(byReason(rows)).toEqual({ empty: 750, bad_epoch: 250 });
    expect(linesOf(rows)).toBe(1000);
    // A counter row is named after the first line it counts (`c` marks it), keeps the offset and
    // text of its newest line (the watermark and a sample).
    const counters = rows.slice(100);
    expect(counters.map((c) => [c.reason, c.event_id, c.offset, c.lines, c.raw])).toEqual([
      ['bad_epoch', 'fpA:1000c', 9960, 225, 'x996|y'],
      ['empty', 'fpA:1010c', 9990, 675, ''],
    ]);
  });

  it('gives every minute and every source its own budget', () => {
    const s = createRejectionState(10);
    const rows = boundDeadLetters(s, [
      ...dead('fpA', 0, 30, (i) => (i < 15 ? T0 : T0 + 60)),
      ...dead('fpB', 0, 5, () => T0, 'push:pbx2'),
    ]);
    // Samples: 10 of fpA's first minute, 10 of its second, all 5 of fpB; then the counters.
    expect(rows.slice(0, 25).map((r) => r.offset)).toEqual([
      ...[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24].map((i) => i * 10),
      0, 10, 20, 30, 40,
    ]);
    expect(rows.slice(25).map((r) => [r.rejected_at, r.reason, r.lines, r.event_id])).toEqual([
      [T0, 'empty', 4, 'fpA:100c'],
      [T0, 'bad_epoch', 1, 'fpA:120c'],
      [T0 + 60, 'empty', 4, 'fpA:250c'],
      [T0 + 60, 'bad_epoch', 1, 'fpA:280c'],
    ]);
    expect(linesOf(rows)).toBe(35);
  });

  it('skips what was stored already, even when the same lines come back in another split at another time', () => {
    const first = createRejectionState(100);
    const stored = boundDeadLetters(first, dead('fpA', 0, 250, () => T0));
    // A restart: the watermark is read back from the stored rows (max offset per fingerprint).
    const again = createRejectionState(100);
    for (const r of stored) again.watermark.set(eventFingerprint(r.event_id), Math.max(again.watermark.get(eventFingerprint(r.event_id)) ?? 0, r.offset));
    const later = boundDeadLetters(again, dead('fpA', 0, 300, () => T0 + 3600));
    expect(linesOf(later)).toBe(50);
    expect(later.every((r) => r.offset >= 2500)).toBe(true);
    expect(again.skipped).toBe(250);
    expect(linesOf(stored) + linesOf(later)).toBe(300);
    // The same message delivered twice in one run adds nothing the second time.
    expect(boundDeadLetters(again, dead('fpA', 250, 300, () => T0 + 3600))).toEqual([]);
  });

  it('continues a counter across commits and restarts: one row per source, reason and minute, rewritten whole', () => {
    const s = createRejectionState(2);
    const first = boundDeadLetters(s, dead('fpA', 0, 6, () => T0));
    const second = boundDeadLetters(s, dead('fpA', 6, 10, () => T0 + 5));
    // The second commit rewrites the same counter ids with the lines so far.
    expect(first.slice(2).map((r) => [r.event_id, r.lines])).toEqual([['fpA:20c', 3], ['fpA:40c', 1]]);
    expect(second.map((r) => [r.event_id, r.lines, r.offset, r.rejected_at])).toEqual([['fpA:20c', 6, 90, T0 + 5], ['fpA:40c', 2, 80, T0 + 5]]);
    // The stored row keeps the version it was given when the state moves on.
    expect(first[2]?.lines).toBe(3);
    // After a restart the stored counters are taken back and continued, never started again.
    const again = createRejectionState(2);
    again.watermark.set('fpA', 90);
    again.used.set('s1\0push:pbx1\0' + String(T0 - (T0 % 60)), 2);
    for (const c of second) restoreCounter(again, c);
    expect(boundDeadLetters(again, dead('fpA', 0, 13, () => T0 + 30)).map((r) => [r.event_id, r.lines])).toEqual([['fpA:20c', 8], ['fpA:40c', 3]]);
    expect(again.skipped).toBe(10);
  });
});
