// How a room's screen is split among queue cards: the grid (columns x rows) whose cells give the
// largest headline figures, every card fully on screen. Pure: the count and the board's size in.
//
// A card lays its three headline figures (waiting, longest wait, SL) out in one row when the
// cell is wide, or stacked when it is tall; the font size each arrangement allows is the smaller
// of a share of the cell's height and of its width (the same factors as QueueCard.svelte's CSS,
// in container units: row min(20cqh, 10cqw), stacked min(10cqh, 26cqw)).

export interface BoardGrid {
  cols: number;
  rows: number;
  /** Headline figures side by side (wide cells) or stacked (tall cells). */
  headline: 'row' | 'stacked';
}

/** Cell aspect (width / height) from which the headline figures go side by side. */
export const ROW_ASPECT = 1.2;
/** Narrower cards cannot hold the secondary figures and the chart legibly: avoided while another grid fits. */
export const MIN_CELL_W = 420;
/** A stacked headline costs the rest of the card height: worth it only when clearly larger. */
export const STACKED_WEIGHT = 0.9;
/** The share of empty cells counts against a grid at this weight. */
export const EMPTY_WEIGHT = 0.25;
export const FACTORS = { row: { h: 0.2, w: 0.1 }, stacked: { h: 0.1, w: 0.26 } } as const;

export function headlineFor(cellW: number, cellH: number): { headline: BoardGrid['headline']; px: number } {
  const headline = cellW / cellH >= ROW_ASPECT ? 'row' : 'stacked';
  const f = FACTORS[headline];
  return { headline, px: Math.min(f.h * cellH, f.w * cellW) };
}

/**
 * The grid for `n` cards on a `width` x `height` board: the one whose cells allow the largest
 * headline font, weighed down for stacked headlines (they take the height the other figures and
 * the chart need) and for empty cells (screen nobody reads); cards at least MIN_CELL_W wide (one
 * column on a narrower board); on an equal score, fewer columns. n <= 0 gives one cell.
 */
export function boardGrid(n: number, width: number, height: number): BoardGrid {
  const count = Math.max(1, n);
  let best: (BoardGrid & { px: number; empty: number; score: number }) | null = null;
  for (let cols = 1; cols <= count; cols++) {
    const rows = Math.ceil(count / cols);
    if (cols > 1 && width / cols < MIN_CELL_W) break;
    const { headline, px } = headlineFor(width / cols, height / rows);
    const empty = cols * rows - count;
    const score = px * (headline === 'stacked' ? STACKED_WEIGHT : 1) * (1 - EMPTY_WEIGHT * (empty / (cols * rows)));
    if (best === null || score > best.score) best = { cols, rows, headline, px, empty, score };
  }
  // count >= 1, so the loop ran at least once.
  const b = best as BoardGrid & { px: number };
  return { cols: b.cols, rows: b.rows, headline: b.headline };
}
