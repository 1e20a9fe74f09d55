import { describe, expect, it } from 'vitest';
import { createPacer, markChanged, takeDue } from './pacing.ts';

/** [monotonic ms, changed just before this tick?, expected publication] */
type Tick = [number, boolean, boolean];

describe('snapshot pacing: at most every 250 ms when changed, at least every 5 s', () => {
  it.each<[string, Tick[]]>([
    ['first tick publishes even without a change', [[0, false, true], [250, false, false]]],
    ['changes inside 250 ms wait for the window, then go out once', [
      [0, true, true], [100, true, false], [200, true, false], [249, false, false], [250, false, true], [500, false, false],
    ]],
    ['a change right at 250 ms goes out at once', [[0, true, true], [250, true, true], [499, true, false], [500, false, true]]],
    ['nothing changes: one publication every 5 s', [
      [0, false, true], [250, false, false], [4_999, false, false], [5_000, false, true], [9_999, false, false], [10_000, false, true],
    ]],
    ['steady changes every 100 ms: every 250 ms at most', [
      [0, true, true], [100, true, false], [200, true, false], [300, true, true], [400, true, false], [500, true, false], [600, true, true],
    ]],
    ['a change after a long quiet spell publishes at once', [[0, false, true], [3_000, true, true], [3_100, false, false]]],
  ])('%s', (_name, ticks) => {
    const p = createPacer(250, 5_000);
    for (const [ms, changed, expected] of ticks) {
      if (changed) markChanged(p, 'q1');
      expect(takeDue(p, 'q1', ms), `at ${ms} ms`).toBe(expected);
    }
  });

  it('queues are paced independently', () => {
    const p = createPacer(250, 5_000);
    expect([takeDue(p, 'a', 0), takeDue(p, 'b', 100)]).toEqual([true, true]);
    markChanged(p, 'a');
    markChanged(p, 'b');
    expect([takeDue(p, 'a', 250), takeDue(p, 'b', 250)]).toEqual([true, false]);
    expect(takeDue(p, 'b', 350)).toBe(true);
  });

  it.each([[0, 5_000], [250, 100], [-1, 10]])('rejects min %d / max %d', (min, max) => {
    expect(() => createPacer(min, max)).toThrow(RangeError);
  });
});
