import { describe, expect, it } from 'vitest';
import { boardGrid, headlineFor } from './layout.ts';

describe('boardGrid (cards that fill a room screen)', () => {
  // The board of a 1920x1080 TV in kiosk mode: about 1900 x 1020 once the slim header is drawn.
  it.each<[number, number, number, string]>([
    [1, 1900, 1020, '1x1 row'],
    [2, 1900, 1020, '1x2 row'], // 102 px either way: one column of wide cards
    [3, 1900, 1020, '3x1 stacked'], // 102 px; 2x2 (95 px) would leave a quarter of the screen empty
    [4, 1900, 1020, '2x2 row'], // 95 px; 4x1 stacked gives 102 but leaves the other figures no height
    [6, 1900, 1020, '2x3 row'], // 6x1 would make 316 px cards
    [8, 1900, 1020, '3x3 row'],
    [12, 1900, 1020, '3x4 row'],
    [4, 1346, 700, '2x2 row'], // 4x1 would make 336 px cards
    [3, 1346, 700, '2x2 row'], // 1366x768: 67 px against 70 stacked in 449 px cards; all three on screen
    [3, 370, 700, '1x3 row'], // a phone: one column
    [0, 1900, 1020, '1x1 row'],
  ])('%i cards on %ix%i: %s', (n, w, h, expected) => {
    const g = boardGrid(n, w, h);
    expect(`${g.cols}x${g.rows} ${g.headline}`).toBe(expected);
  });

  it('headline size: up to 4 queues on 1920x1080 allow at least 8 % of 1080 px (86.4)', () => {
    expect(headlineFor(1900, 1020).px).toBe(190);
    expect(headlineFor(1900 / 3, 1020).px).toBe(102);
    expect(headlineFor(950, 510).px).toBe(95);
  });
});
