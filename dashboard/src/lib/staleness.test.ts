import { describe, expect, it } from 'vitest';
import { ageSeconds, freshness, STALE_AFTER_S } from './staleness.ts';

describe('ageSeconds', () => {
  it.each([
    [10_000, null, null],
    [10_000, 10_000, 0],
    [10_999, 10_000, 0],
    [11_000, 10_000, 1],
    [75_500, 10_000, 65],
    // The clock stepped back: an age is never negative.
    [9_000, 10_000, 0],
  ])('now %d, last %j -> %j', (now, last, expected) => {
    expect(ageSeconds(now, last)).toBe(expected);
  });
});

describe('freshness', () => {
  it('uses a 10 s limit: twice the processor heartbeat of 5 s', () => {
    expect(STALE_AFTER_S).toBe(10);
  });

  it.each([
    [true, null, { kind: 'none' }],
    [false, null, { kind: 'none' }],
    [true, 0, { kind: 'fresh', age_s: 0 }],
    [true, 9, { kind: 'fresh', age_s: 9 }],
    [true, 10, { kind: 'stale', age_s: 10, reason: 'silent' }],
    [true, 300, { kind: 'stale', age_s: 300, reason: 'silent' }],
    // A closed socket makes data stale at once, however recent the last message was.
    [false, 0, { kind: 'stale', age_s: 0, reason: 'offline' }],
    [false, 42, { kind: 'stale', age_s: 42, reason: 'offline' }],
  ] as const)('connected %j, age %j -> %j', (connected, age, expected) => {
    expect(freshness(connected, age)).toEqual(expected);
  });

  it('takes another limit', () => {
    expect(freshness(true, 5, 5)).toEqual({ kind: 'stale', age_s: 5, reason: 'silent' });
    expect(freshness(true, 4, 5)).toEqual({ kind: 'fresh', age_s: 4 });
  });
});
