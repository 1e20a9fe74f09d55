// Snapshot pacing per queue (issue #4): publish at most every `minMs` when something changed,
// and at least every `maxMs` even when nothing did (waiting times grow with the clock).
// Pure: the caller passes a monotonic clock reading; a change marked between two publications
// is kept until the queue may publish again, never dropped.

export interface Pacer {
  minMs: number;
  maxMs: number;
  /** Queue key -> monotonic ms of its last publication. */
  last: Map<string, number>;
  /** Queue keys with a change not published yet. */
  changed: Set<string>;
}

export function createPacer(minMs: number, maxMs: number): Pacer {
  if (!(minMs > 0 && maxMs >= minMs)) throw new RangeError(`pacing needs 0 < min (${minMs}) <= max (${maxMs})`);
  return { minMs, maxMs, last: new Map(), changed: new Set() };
}

export function markChanged(p: Pacer, key: string): void {
  p.changed.add(key);
}

/** True when the queue is due now; records the publication (the caller then publishes). */
export function takeDue(p: Pacer, key: string, monoMs: number): boolean {
  const last = p.last.get(key);
  const since = last === undefined ? Number.POSITIVE_INFINITY : monoMs - last;
  const due = (p.changed.has(key) && since >= p.minMs) || since >= p.maxMs;
  if (due) {
    p.last.set(key, monoMs);
    p.changed.delete(key);
  }
  return due;
}
