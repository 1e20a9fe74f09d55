// Pacing of live messages (issue #4): publish at most every `minMs` when something changed,
// and at least every `maxMs` even when nothing did (waiting times grow with the clock).
// Pure: the caller passes a monotonic clock reading; a change marked between two publications
// is kept until the key may publish again, never dropped. The per-key pacer paces the supervisor
// view of each site; snapshots use the site pacer below.

export interface Pacer {
  minMs: number;
  maxMs: number;
  /** Key -> monotonic ms of its last publication. */
  last: Map<string, number>;
  /** Keys with a change not published yet. */
  changed: Set<string>;
}

export function createPacer(minMs: number, maxMs: number): Pacer {
  if (!(minMs > 0 && maxMs >= minMs)) throw new RangeError(`pacing needs 0 < min (${minMs}) <= max (${maxMs})`);
  return { minMs, maxMs, last: new Map(), changed: new Set() };
}

export function markChanged(p: Pacer, key: string): void {
  p.changed.add(key);
}

/** True when the key is due now; records the publication (the caller then publishes). */
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

// ---- Live snapshots: paced per site (issue 18) ----
// At most one `snapshots` message every `minMs` per site, carrying only the queues changed since
// the site's previous message; the first change after a quiet spell goes out at once. Every
// `maxMs` the site's message carries every queue (the heartbeat: waiting times grow with the
// clock, and an idle site sends nothing else), still no sooner than `minMs` after the previous one.

export interface SitePacer {
  minMs: number;
  maxMs: number;
  /** Site -> monotonic ms of its last snapshots message. */
  last: Map<string, number>;
  /** Site -> monotonic ms of its last message carrying every queue. */
  lastAll: Map<string, number>;
  /** Site -> queues changed since its last message ('all': a site-wide event changed every queue). */
  changed: Map<string, Set<string> | 'all'>;
}

/** What a due site's message carries: every queue of the site, or the queues changed. */
export type SiteDue = { all: true } | { all: false; queues: ReadonlySet<string> };

export function createSitePacer(minMs: number, maxMs: number): SitePacer {
  createPacer(minMs, maxMs); // the same bounds
  return { minMs, maxMs, last: new Map(), lastAll: new Map(), changed: new Map() };
}

export function markQueueChanged(p: SitePacer, site: string, queue: string): void {
  const c = p.changed.get(site);
  if (c === 'all') return;
  if (c) c.add(queue);
  else p.changed.set(site, new Set([queue]));
}

/** A site-wide event (PAUSEALL, QUEUESTART, a settings reload) changed every queue of the site. */
export function markSiteChanged(p: SitePacer, site: string): void {
  p.changed.set(site, 'all');
}

/** Every site that has published goes out whole at its next due tick (a dashboard asked: LIVE_RESYNC_SUBJECT). */
export function markAllSitesChanged(p: SitePacer): void {
  for (const site of p.last.keys()) markSiteChanged(p, site);
}

/** Every key that has published is due again at its next tick (as markAllSitesChanged, for the per-key pacer). */
export function markAllChanged(p: Pacer): void {
  for (const key of p.last.keys()) markChanged(p, key);
}

/** What the site's message carries now, or null when it is not due; records the message (the caller publishes it). */
export function takeSiteDue(p: SitePacer, site: string, monoMs: number): SiteDue | null {
  const since = monoMs - (p.last.get(site) ?? Number.NEGATIVE_INFINITY);
  if (since < p.minMs) return null;
  const changed = p.changed.get(site);
  const heartbeat = monoMs - (p.lastAll.get(site) ?? Number.NEGATIVE_INFINITY) >= p.maxMs;
  if (!heartbeat && changed === undefined) return null;
  p.last.set(site, monoMs);
  p.changed.delete(site);
  if (heartbeat || changed === 'all') {
    p.lastAll.set(site, monoMs);
    return { all: true };
  }
  return { all: false, queues: changed as Set<string> };
}

/** Milliseconds until the earliest key with a change may publish (0: now); null when none changed. */
export function waitMs(p: Pacer | SitePacer, monoMs: number): number | null {
  let wait: number | null = null;
  for (const key of p.changed.keys()) {
    const last = p.last.get(key);
    const w = last === undefined ? 0 : Math.max(0, last + p.minMs - monoMs);
    wait = wait === null ? w : Math.min(wait, w);
  }
  return wait;
}
