import { describe, expect, it } from 'vitest';
import { pageAt, pageCount, pageIndexAt } from './pages.ts';

describe('pageCount', () => {
  it.each([
    [0, null, 1],
    [5, null, 1],
    [5, 5, 1],
    [5, 6, 1],
    [6, 5, 2],
    [10, 2, 5],
    [11, 2, 6],
    [3, 0, 1],
  ])('%d items, %j per page -> %d pages', (total, perPage, expected) => {
    expect(pageCount(total, perPage)).toBe(expected);
  });
});

describe('pageIndexAt', () => {
  it.each([
    // now, pages, rotate_s, page
    [0, 3, 20, 0],
    [19_999, 3, 20, 0],
    [20_000, 3, 20, 1],
    [40_000, 3, 20, 2],
    [60_000, 3, 20, 0],
    [1_790_337_615_000, 3, 15, 1],
    [123_456, 1, 20, 0],
    [123_456, 4, 0, 0],
  ])('now %d, %d pages, every %d s -> page %d', (now, pages, rotate, expected) => {
    expect(pageIndexAt(now, pages, rotate)).toBe(expected);
  });
});

describe('pageAt', () => {
  const q = ['101', '102', '103', '104', '105'];
  it.each([
    [null, 0, { items: q, page: 0, pages: 1 }],
    [2, 0, { items: ['101', '102'], page: 0, pages: 3 }],
    [2, 1, { items: ['103', '104'], page: 1, pages: 3 }],
    [2, 2, { items: ['105'], page: 2, pages: 3 }],
    // A page past the end (queues disappeared since the index was computed) shows the last one.
    [2, 7, { items: ['105'], page: 2, pages: 3 }],
    [10, 3, { items: q, page: 0, pages: 1 }],
  ])('%j per page, page %d', (perPage, page, expected) => {
    expect(pageAt(q, perPage, page)).toEqual(expected);
  });
});
