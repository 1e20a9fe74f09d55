// The time window a page of a list of calls is read in (calls-query.ts pageWindow): from the
// per-hour counts, the fewest hours that surely hold the page's rows after the cursor.
import { describe, expect, it } from 'vitest';
import { pageWindow } from './calls-query.ts';

const H = 3600;
// Hours 10..14 with 5, 0 (absent), 3, 4, 6 stints.
const B: Array<[number, number]> = [[10, 5], [12, 3], [13, 4], [14, 6]];

describe('pageWindow', () => {
  it('newest first without a cursor: from the newest hour back until the page is held', () => {
    expect(pageWindow(B, true, null, 6)).toEqual({ from_s: 14 * H, to_s: 15 * H });
    expect(pageWindow(B, true, null, 10)).toEqual({ from_s: 13 * H, to_s: 15 * H });
    expect(pageWindow(B, true, null, 11)).toEqual({ from_s: 12 * H, to_s: 15 * H });
  });

  it("oldest first: from the oldest hour on; a list shorter than the page is unbounded on the far side", () => {
    expect(pageWindow(B, false, null, 5)).toEqual({ from_s: 10 * H, to_s: 11 * H });
    expect(pageWindow(B, false, null, 6)).toEqual({ from_s: 10 * H, to_s: 13 * H });
    expect(pageWindow(B, false, null, 19)).toEqual({ from_s: 10 * H, to_s: Number.MAX_SAFE_INTEGER });
    expect(pageWindow(B, true, null, 19)).toEqual({ from_s: Number.MIN_SAFE_INTEGER, to_s: 15 * H });
  });

  it("the cursor's hour is read but counts for nothing (where the cursor sits in it is unknown)", () => {
    // Cursor inside hour 13, newest first: hour 13 read, then 12 (3) and 10 (5) until 4 are held.
    expect(pageWindow(B, true, 13 * H + 100, 4)).toEqual({ from_s: 10 * H, to_s: 14 * H });
    expect(pageWindow(B, true, 13 * H + 100, 3)).toEqual({ from_s: 12 * H, to_s: 14 * H });
    // Oldest first from inside hour 12: 12 read, 13 (4) holds 4.
    expect(pageWindow(B, false, 12 * H + 5, 4)).toEqual({ from_s: 12 * H, to_s: 14 * H });
    // Inside the last hour: only that hour is left, unbounded beyond.
    expect(pageWindow(B, false, 14 * H + 1, 1)).toEqual({ from_s: 14 * H, to_s: Number.MAX_SAFE_INTEGER });
  });

  it('nothing left: null', () => {
    expect(pageWindow([], true, null, 1)).toBeNull();
    expect(pageWindow(B, false, 15 * H, 1)).toBeNull();
    expect(pageWindow(B, true, 9 * H, 1)).toBeNull();
  });
});
