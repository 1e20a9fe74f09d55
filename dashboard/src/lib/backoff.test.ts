import { describe, expect, it } from 'vitest';
import { backoffDelayMs, DEFAULT_BACKOFF } from './backoff.ts';

describe('backoffDelayMs', () => {
  it.each([
    // attempt, random, delay: step = min(30000, 500 * 2^attempt); delay = step/2 + step/2 * random
    [0, 0, 250],
    [0, 0.5, 375],
    [0, 0.999, 500],
    [1, 0, 500],
    [1, 1, 1000],
    [3, 0.5, 3000],
    [5, 0, 8000],
    [6, 0, 15000],
    [6, 1, 30000],
    [7, 0.5, 22500],
    [50, 0, 15000],
    [2000, 1, 30000],
  ])('attempt %d, random %d -> %d ms', (attempt, random, expected) => {
    expect(backoffDelayMs(attempt, random)).toBe(expected);
  });

  it('a TV whose dashboard went away tries again within 0.5 s, and three times within 3.5 s (issue 19: on another dashboard within 5 s)', () => {
    // After a hello the attempt counter is back at 0 (live-feed.svelte.ts), so a drop starts here.
    expect(backoffDelayMs(0, 1)).toBe(500);
    expect([0, 1, 2].reduce((sum, attempt) => sum + backoffDelayMs(attempt, 1), 0)).toBe(3500);
  });

  it('clamps a random number outside [0, 1] and a negative or fractional attempt', () => {
    expect(backoffDelayMs(0, -1)).toBe(250);
    expect(backoffDelayMs(0, 7)).toBe(500);
    expect(backoffDelayMs(-4, 0)).toBe(250);
    expect(backoffDelayMs(2.9, 0)).toBe(1000);
  });

  it('follows a custom policy', () => {
    expect(backoffDelayMs(2, 0.25, { base_ms: 100, cap_ms: 300 })).toBe(188);
    expect(DEFAULT_BACKOFF).toEqual({ base_ms: 500, cap_ms: 30_000 });
  });

  it('never retries sooner than half the step, so a crowd of TVs spreads but none spins', () => {
    const delays = Array.from({ length: 11 }, (_, i) => backoffDelayMs(4, i / 10));
    expect(delays).toEqual([4000, 4400, 4800, 5200, 5600, 6000, 6400, 6800, 7200, 7600, 8000]);
  });
});
