// Order of rotated log files, oldest first. Pure: names in, names out. Shared by the tail (which
// file follows the one just finished) and bulk import (directory order).

const COMPRESSED_SUFFIX = /\.(gz|bz2|xz|zst)$/;

/** True for `base` itself and its rotations: `base.N`, `base-N` (dateext), optionally compressed. */
export function isRotationOf(base: string, name: string): boolean {
  if (name === base) return true;
  if (!name.startsWith(base)) return false;
  return /^[.-]\d+(\.(gz|bz2|xz|zst))?$/.test(name.slice(base.length));
}

export function isCompressed(name: string): boolean {
  return COMPRESSED_SUFFIX.test(name);
}

/**
 * Oldest first: dated/timestamped names ascending (`queue_log-20250101`, `queue_log.1700000000`),
 * then numbered rotations from the highest number down (`queue_log.4` ... `queue_log.1`), then
 * the live file.
 */
export function sortRotated(names: string[]): string[] {
  const key = (name: string): [string, number, number] => {
    const n = name.replace(COMPRESSED_SUFFIX, '');
    const m = /^(.*?)[.-](\d+)$/.exec(n);
    if (!m) return [n, 2, 0];
    const v = Number(m[2]);
    // Small numbers are rotation indexes (1 = newest); big ones are dates or epochs (bigger = newer).
    return v < 100_000 ? [m[1] as string, 1, -v] : [m[1] as string, 0, v];
  };
  return [...names].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    if (ka[0] !== kb[0]) return ka[0] < kb[0] ? -1 : 1;
    if (ka[1] !== kb[1]) return ka[1] - kb[1];
    return ka[2] - kb[2];
  });
}
