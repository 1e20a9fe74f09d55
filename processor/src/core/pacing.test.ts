import { describe, expect, it } from 'vitest';
import { createPacer, createSitePacer, markAllChanged, markAllSitesChanged, markChanged, markQueueChanged, markSiteChanged, takeDue, takeSiteDue, waitMs, type SiteDue } from './pacing.ts';

/** [monotonic ms, changed just before this tick?, expected publication] */
type Tick = [number, boolean, boolean];

describe('per-key pacing (supervisor views): at most every 250 ms when changed, at least every 5 s', () => {
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

/** [monotonic ms, queues changed just before ('*': a site-wide event), expected message: null, 'all' or the queues] */
type SiteTick = [number, string[] | '*', null | 'all' | string[]];
const shown = (d: SiteDue | null): null | 'all' | string[] => (d === null ? null : d.all ? 'all' : [...d.queues].sort());

describe('snapshot pacing per site: one message at most every 100 ms with the changed queues, every queue every 5 s', () => {
  it.each<[string, SiteTick[]]>([
    ['the first tick carries every queue (a heartbeat), then nothing without a change', [[0, [], 'all'], [100, [], null], [4_999, [], null]]],
    ['a change after a quiet spell goes out at once, with only that queue', [[0, [], 'all'], [3_000, ['q2'], ['q2']], [3_050, [], null]]],
    ['changes inside 100 ms wait for the window and go out together, once', [
      [0, [], 'all'], [1_000, ['q1'], ['q1']], [1_030, ['q2'], null], [1_060, ['q1', 'q3'], null], [1_099, [], null], [1_100, [], ['q1', 'q2', 'q3']], [1_200, [], null],
    ]],
    ['a burst of changes every 10 ms: one message per 100 ms, never two', [
      [0, [], 'all'], [500, ['a'], ['a']], [510, ['b'], null], [520, ['c'], null], [590, ['a'], null], [600, ['d'], ['a', 'b', 'c', 'd']],
      [610, ['e'], null], [699, [], null], [700, ['f'], ['e', 'f']],
    ]],
    ['idle: only the heartbeat, every 5 s, with every queue', [[0, [], 'all'], [2_500, [], null], [5_000, [], 'all'], [9_999, [], null], [10_000, [], 'all']]],
    ['busy: the heartbeat still comes every 5 s, carrying every queue', [
      [0, [], 'all'], [4_900, ['q1'], ['q1']], [5_000, ['q1'], 'all'], [5_100, ['q1'], ['q1']], [10_000, ['q2'], 'all'],
    ]],
    ['a heartbeat waits for the 100 ms window too', [[0, [], 'all'], [4_950, ['q1'], ['q1']], [5_000, [], null], [5_049, [], null], [5_050, [], 'all']]],
    ['a site-wide event: every queue', [[0, [], 'all'], [700, ['q1'], ['q1']], [750, '*', null], [760, ['q2'], null], [800, [], 'all'], [900, [], null]]],
  ])('%s', (_name, ticks) => {
    const p = createSitePacer(100, 5_000);
    for (const [ms, changed, expected] of ticks) {
      if (changed === '*') markSiteChanged(p, 'lpz');
      else for (const q of changed) markQueueChanged(p, 'lpz', q);
      expect(shown(takeSiteDue(p, 'lpz', ms)), `at ${ms} ms`).toEqual(expected);
    }
  });

  it('no site gets more than 10 messages in any second under a burst of changes every millisecond', () => {
    const p = createSitePacer(100, 5_000);
    const sent: Record<string, number[]> = { lpz: [], cbba: [] };
    for (let ms = 0; ms < 3_000; ms++) {
      for (const site of ['lpz', 'cbba']) {
        markQueueChanged(p, site, `q${ms % 7}`);
        if (takeSiteDue(p, site, ms)) sent[site]?.push(ms);
      }
    }
    for (const times of Object.values(sent)) {
      expect(times).toHaveLength(30);
      for (let i = 10; i < times.length; i++) expect((times[i] as number) - (times[i - 10] as number)).toBeGreaterThanOrEqual(1_000);
    }
  });

  it('sites are paced independently, and the wake-up waits for the earliest changed site', () => {
    const p = createSitePacer(100, 5_000);
    expect(waitMs(p, 0)).toBeNull();
    expect([shown(takeSiteDue(p, 'a', 0)), shown(takeSiteDue(p, 'b', 40))]).toEqual(['all', 'all']);
    markQueueChanged(p, 'a', 'q');
    markQueueChanged(p, 'b', 'q');
    expect(waitMs(p, 60)).toBe(40);
    expect([shown(takeSiteDue(p, 'a', 100)), shown(takeSiteDue(p, 'b', 100))]).toEqual([['q'], null]);
    expect(waitMs(p, 100)).toBe(40);
    expect(shown(takeSiteDue(p, 'b', 140))).toEqual(['q']);
    expect(waitMs(p, 140)).toBeNull();
    markQueueChanged(p, 'c', 'q'); // never published: now
    expect(waitMs(p, 150)).toBe(0);
  });

  it.each([[0, 5_000], [100, 50]])('rejects min %d / max %d', (min, max) => {
    expect(() => createSitePacer(min, max)).toThrow(RangeError);
  });

  it('a resync (a dashboard started) sends every site that published whole at its next due tick, within the pacing', () => {
    const p = createSitePacer(100, 5_000);
    expect([shown(takeSiteDue(p, 'a', 0)), shown(takeSiteDue(p, 'b', 0))]).toEqual(['all', 'all']);
    markQueueChanged(p, 'a', 'q1');
    expect(shown(takeSiteDue(p, 'a', 1_000))).toEqual(['q1']);
    markAllSitesChanged(p);
    // 'a' published 50 ms ago: not before 100 ms; 'b' at once; each with every queue.
    expect([shown(takeSiteDue(p, 'a', 1_050)), shown(takeSiteDue(p, 'b', 1_050))]).toEqual([null, 'all']);
    expect(shown(takeSiteDue(p, 'a', 1_100))).toEqual('all');
    // The heartbeat then counts from the resync message.
    expect([shown(takeSiteDue(p, 'b', 6_049)), shown(takeSiteDue(p, 'b', 6_050))]).toEqual([null, 'all']);
  });

  it('a resync makes every key of the per-key pacer due again (supervisor views)', () => {
    const p = createPacer(250, 5_000);
    expect([takeDue(p, 'a', 0), takeDue(p, 'b', 0)]).toEqual([true, true]);
    expect([takeDue(p, 'a', 300), takeDue(p, 'b', 300)]).toEqual([false, false]);
    markAllChanged(p);
    expect([takeDue(p, 'a', 300), takeDue(p, 'b', 300)]).toEqual([true, true]);
    expect(takeDue(p, 'a', 400)).toBe(false);
  });
});
