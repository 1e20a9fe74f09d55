import { describe, expect, it } from 'vitest';
import { parseClosedQuarters, quarterOf, recentQuarters } from './quarterly-model.ts';

describe('quarterly panel model', () => {
  it('offers the ended quarters, newest first, across a year', () => {
    expect(quarterOf(Date.UTC(2026, 9, 20))).toBe('2026-Q4');
    expect(recentQuarters(Date.UTC(2026, 1, 10), 5)).toEqual(['2025-Q4', '2025-Q3', '2025-Q2', '2025-Q1', '2024-Q4']);
    expect(recentQuarters(Date.UTC(2026, 9, 1), 2)).toEqual(['2026-Q3', '2026-Q2']);
  });

  it('reads the closed quarters and skips what is not one', () => {
    expect(parseClosedQuarters([{ quarter: '2026-Q3', version: 2, tickets: 6, fingerprint: '19-a', closed_by: 'mario', live_fingerprint: '20-b', data_changed: true }, { x: 1 }])).toEqual([
      { quarter: '2026-Q3', version: 2, tickets: 6, fingerprint: '19-a', closed_by: 'mario', live_fingerprint: '20-b', data_changed: true },
    ]);
    expect(parseClosedQuarters(null)).toEqual([]);
  });
});
