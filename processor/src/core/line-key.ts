// The same queue_log line counts once, whichever way it came (kpi-definitions §11 "Same line"):
// its natural key, and the memory of the keys applied recently. Pure: time is the events' own
// epochs, "stored" is told by the caller.
//
// Invariants (per site):
// - Every key applied or stored with ts >= `floor` is in `keys`; `floor` only rises, to
//   (newest ts applied - windowS). So for an event at or above the floor, memory alone answers.
// - Every key applied in a commit not stored yet is in `keys`, whatever its ts.
// - A key leaves memory only in `releaseStoredLines`, which the caller runs at the start of its
//   turn, before it asks storage about the events below the floor: what left memory was stored
//   before that question, so the answer includes it. Nothing leaves memory between the question
//   and the use of its answer.
import type { QueueEvent } from '@tablero/ingest/contract';

export type LineFields = Pick<QueueEvent, 'ts' | 'callid' | 'queue' | 'agent' | 'verb' | 'data'>;

/**
 * The natural key of a queue_log line within its site: the line as Asterisk writes it to the file
 * (`epoch|callid|queue|agent|verb|data1|...`), rebuilt from the parsed fields. So it is the same
 * for a tailed, imported, pushed or realtime-exported copy of the line (a CRLF ending, a
 * gzip, the byte offset and the source do not enter it), and differs when any field differs.
 * A field cannot hold `|` (the parser splits on it), so the text is unambiguous.
 */
export function lineKey(ev: LineFields): string {
  const head = `${ev.ts}|${ev.callid}|${ev.queue}|${ev.agent}|${ev.verb}`;
  return ev.data.length === 0 ? head : `${head}|${ev.data.join('|')}`;
}

interface SiteLines {
  keys: Set<string>;
  floor: number;
  maxTs: number;
  /** Keys remembered at or above the floor, in the order remembered: key, ts, commit id, from `head`. */
  log: Array<string | number>;
  head: number;
}

export interface LineKeys {
  /** Seconds of data time below the newest line that memory alone answers for. */
  windowS: number;
  sites: Map<string, SiteLines>;
  /** Newest commit whose inserts all succeeded (commits are stored in order). */
  storedCommit: number;
  /** Keys remembered below the floor, by commit: they leave memory once their commit is stored. */
  below: Map<number, Array<[SiteLines, string]>>;
  /** Lines dropped because their key was applied or stored already. */
  sameLines: number;
}

export function createLineKeys(windowS: number): LineKeys {
  if (!(windowS >= 0)) throw new RangeError(`line key window must be >= 0 s, got ${windowS}`);
  return { windowS, sites: new Map(), storedCommit: 0, below: new Map(), sameLines: 0 };
}

function siteLines(state: LineKeys, site: string): SiteLines {
  let s = state.sites.get(site);
  if (!s) {
    // A site never seen has nothing stored (the restart sets the floor of every stored site).
    s = { keys: new Set(), floor: Number.NEGATIVE_INFINITY, maxTs: Number.NEGATIVE_INFINITY, log: [], head: 0 };
    state.sites.set(site, s);
  }
  return s;
}

/**
 * At a restart, before the stored lines of `site` from `fromS` on are remembered (commit 0):
 * memory answers from there, storage below.
 */
export function restoreFloor(state: LineKeys, site: string, fromS: number): void {
  siteLines(state, site).floor = fromS;
}

/** True when memory does not answer for `ev` alone: storage must be asked (one query per group). */
export function belowFloor(state: LineKeys, ev: Pick<QueueEvent, 'site' | 'ts'>): boolean {
  const s = state.sites.get(ev.site);
  return s !== undefined && ev.ts < s.floor;
}

/** True when the line `key` of `site` was applied in memory (or remembered from storage). */
export function knownLine(state: LineKeys, site: string, key: string): boolean {
  return state.sites.get(site)?.keys.has(key) ?? false;
}

/** Remembers an applied line; `commitId` is the commit that stores it (0: already stored). */
export function rememberLine(state: LineKeys, ev: Pick<QueueEvent, 'site' | 'ts'>, key: string, commitId: number): void {
  const s = siteLines(state, ev.site);
  s.keys.add(key);
  if (ev.ts < s.floor) {
    let list = state.below.get(commitId);
    if (!list) state.below.set(commitId, (list = []));
    list.push([s, key]);
    return;
  }
  s.log.push(key, ev.ts, commitId);
  if (ev.ts > s.maxTs) {
    s.maxTs = ev.ts;
    // The floor rises now; keys that fall below it stay until released (see the header).
    if (ev.ts - state.windowS > s.floor) s.floor = ev.ts - state.windowS;
  }
}

/** Commit `commitId` (and every earlier one) is stored. */
export function linesStored(state: LineKeys, commitId: number): void {
  if (commitId > state.storedCommit) state.storedCommit = commitId;
}

/** Forgets the keys that storage now answers for: stored, and below the floor. */
export function releaseStoredLines(state: LineKeys): void {
  for (const [commitId, list] of state.below) {
    if (commitId > state.storedCommit) continue;
    for (const [s, key] of list) s.keys.delete(key);
    state.below.delete(commitId);
  }
  for (const s of state.sites.values()) {
    const log = s.log;
    let head = s.head;
    // Remembered in commit order and mostly in time order: stop at the first one still needed.
    while (head < log.length && (log[head + 1] as number) < s.floor && (log[head + 2] as number) <= state.storedCommit) {
      s.keys.delete(log[head] as string);
      head += 3;
    }
    if (head > 6144 && head * 2 > log.length) {
      log.splice(0, head);
      head = 0;
    }
    s.head = head;
  }
}
