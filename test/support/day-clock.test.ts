import { describe, expect, it } from 'vitest';
import { msToClearOfMidnight } from './day-clock.ts';

const at = (iso: string): number => Date.parse(iso);

describe('msToClearOfMidnight', () => {
  it('waits only in the minutes around UTC midnight, until 3 minutes past it', () => {
    expect(msToClearOfMidnight(at('2026-11-22T12:00:00Z'))).toBe(0);
    expect(msToClearOfMidnight(at('2026-11-22T23:54:59.999Z'))).toBe(0);
    expect(msToClearOfMidnight(at('2026-11-22T23:55:00Z'))).toBe(8 * 60_000);
    expect(msToClearOfMidnight(at('2026-11-22T23:59:30Z'))).toBe(3.5 * 60_000);
    expect(msToClearOfMidnight(at('2026-11-23T00:00:00Z'))).toBe(3 * 60_000);
    expect(msToClearOfMidnight(at('2026-11-23T00:02:59Z'))).toBe(1_000);
    expect(msToClearOfMidnight(at('2026-11-23T00:03:00Z'))).toBe(0);
  });
});
