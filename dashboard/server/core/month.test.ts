import { describe, expect, it } from 'vitest';
import { monthProblem } from './month.ts';

describe('monthProblem', () => {
  it.each([
    ['2026-10', null],
    ['2000-01', null],
    ['2099-12', null],
    ['1999-12', 'must be a month of the years 2000 to 2099'],
    ['2100-01', 'must be a month of the years 2000 to 2099'],
    ['9999-12', 'must be a month of the years 2000 to 2099'],
    ['0000-01', 'must be a month of the years 2000 to 2099'],
    ['2026-13', 'must be YYYY-MM'],
    ['2026-00', 'must be YYYY-MM'],
    ['2026-1', 'must be YYYY-MM'],
    ['', 'must be YYYY-MM'],
  ])('%s', (text, expected) => {
    expect(monthProblem(text)).toBe(expected);
  });
});
