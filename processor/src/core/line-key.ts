// The same queue_log line counts once, whichever way it came (kpi-definitions §11 "Same line"):
// its natural key, and the memory of the keys applied recently. Pure: time is the events' own
// epochs, "stored" is told by the caller.
//
// Memory holds a 53-bit hash of each key in a typed array, not the text: measured in the
// processor, a string per event in a Set cost ~3 us CPU per event (allocation and GC), the hash in
// a Set<number> ~1.2 us (boxed numbers), the HashSet53 below ~0.5 us. So memory
// may take a different line for a seen one with probability (hashes in memory) / 2^53 per line:
// 1e-12 with 10,000 lines in the window. Storage is asked with the exact text.
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

// Two 32-bit multiplicative hashes of the fields, mixed in module state (no allocation per call).
let h1 = 0;
let h2 = 0;
function mix(s: string): void {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x9e3779b1);
    h2 = Math.imul(h2 ^ c, 0x5f356495);
  }
  h1 = Math.imul(h1 ^ 124, 0x9e3779b1); // the `|` after the field: fields never contain one
  h2 = Math.imul(h2 ^ 124, 0x5f356495);
}

/**
 * A 53-bit hash of `lineKey(ev)`'s fields, computed without building the text: equal keys give
 * equal hashes; different keys the same hash with probability 2^-53.
 */
export function lineHash(ev: LineFields): number {
  h1 = Math.imul(0xdeadbeef ^ ev.ts, 0x9e3779b1);
  h2 = Math.imul(0x41c6ce57 ^ Math.floor(ev.ts / 0x100000000), 0x5f356495);
  mix(ev.callid);
  mix(ev.queue);
  mix(ev.agent);
  mix(ev.verb);
  const d = ev.data;
  h2 = Math.imul(h2 ^ d.length, 0x5f356495); // no data field and one empty field differ
  for (let i = 0; i < d.length; i++) mix(d[i] as string);
  const a = Math.imul(h1 ^ (h1 >>> 16), 0x85ebca6b) ^ Math.imul(h2 ^ (h2 >>> 13), 0xc2b2ae35);
  const b = Math.imul(h2 ^ (h2 >>> 16), 0x85ebca6b) ^ Math.imul(a ^ (a >>> 13), 0xc2b2ae35);
  return 0x100000000 * (b & 0x1fffff) + (a >>> 0);
}

/**
 * A set of lineHash values in one Float64Array (open addressing, linear probing, deletion by
 * backward shift): no object per entry, so keeping a window of them costs the garbage collector
 * nothing (a Set<number> boxes every 53-bit value). Slots hold hash + 1, 0 is empty.
 */
export interface HashSet53 {
  table: Float64Array;
  size: number;
}

export function createHashSet53(capacity = 1024): HashSet53 {
  let n = 16;
  while (n < capacity * 2) n *= 2;
  return { table: new Float64Array(n), size: 0 };
}

/** Slot of `v` (hash + 1) or the empty slot where it would go. */
function slotOf(table: Float64Array, v: number): number {
  const mask = table.length - 1;
  let i = (v >>> 0) & mask;
  for (let x = table[i] as number; x !== 0 && x !== v; x = table[i] as number) i = (i + 1) & mask;
  return i;
}

export function hasHash(set: HashSet53, hash: number): boolean {
  return set.table[slotOf(set.table, hash + 1)] !== 0;
}

export function addHash(set: HashSet53, hash: number): void {
  if ((set.size + 1) * 2 > set.table.length) {
    const old = set.table;
    set.table = new Float64Array(old.length * 2);
    for (const v of old) if (v !== 0) set.table[slotOf(set.table, v)] = v;
  }
  const i = slotOf(set.table, hash + 1);
  if (set.table[i] === 0) {
    set.table[i] = hash + 1;
    set.size += 1;
  }
}

export function deleteHash(set: HashSet53, hash: number): void {
  const t = set.table;
  const mask = t.length - 1;
  let i = slotOf(t, hash + 1);
  if (t[i] === 0) return;
  set.size -= 1;
  // Backward shift: move up every later entry of the run that may not sit after the hole.
  for (let j = (i + 1) & mask; t[j] !== 0; j = (j + 1) & mask) {
    const home = ((t[j] as number) >>> 0) & mask;
    if (j > i ? home <= i || home > j : home <= i && home > j) {
      t[i] = t[j] as number;
      i = j;
    }
  }
  t[i] = 0;
}

interface SiteLines {
  /** lineHash of the keys remembered. */
  keys: HashSet53;
  floor: number;
  maxTs: number;
  /** Keys remembered at or above the floor, in the order remembered: hash, ts, commit id, from `head`. */
  log: number[];
  head: number;
}

export interface LineKeys {
  /** Seconds of data time below the newest line that memory alone answers for. */
  windowS: number;
  sites: Map<string, SiteLines>;
  /** Newest commit whose inserts all succeeded (commits are stored in order). */
  storedCommit: number;
  /** Keys remembered below the floor, by commit: they leave memory once their commit is stored. */
  below: Map<number, Array<[SiteLines, number]>>;
}

export function createLineKeys(windowS: number): LineKeys {
  if (!(windowS >= 0)) throw new RangeError(`line key window must be >= 0 s, got ${windowS}`);
  return { windowS, sites: new Map(), storedCommit: 0, below: new Map() };
}

function siteLines(state: LineKeys, site: string): SiteLines {
  let s = state.sites.get(site);
  if (!s) {
    // A site never seen has nothing stored (the restart sets the floor of every stored site).
    s = { keys: createHashSet53(), floor: Number.NEGATIVE_INFINITY, maxTs: Number.NEGATIVE_INFINITY, log: [], head: 0 };
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

/** True when a line of `site` with this lineHash was applied (or remembered from storage). */
export function knownLine(state: LineKeys, site: string, hash: number): boolean {
  const s = state.sites.get(site);
  return s !== undefined && hasHash(s.keys, hash);
}

/** Remembers an applied line by its lineHash; `commitId` is the commit that stores it (0: already stored). */
export function rememberLine(state: LineKeys, ev: Pick<QueueEvent, 'site' | 'ts'>, hash: number, commitId: number): void {
  const s = siteLines(state, ev.site);
  addHash(s.keys, hash);
  if (ev.ts < s.floor) {
    let list = state.below.get(commitId);
    if (!list) state.below.set(commitId, (list = []));
    list.push([s, hash]);
    return;
  }
  s.log.push(hash, ev.ts, commitId);
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
    for (const [s, hash] of list) deleteHash(s.keys, hash);
    state.below.delete(commitId);
  }
  for (const s of state.sites.values()) {
    const log = s.log;
    let head = s.head;
    // Remembered in commit order and mostly in time order: stop at the first one still needed.
    while (head < log.length && (log[head + 1] as number) < s.floor && (log[head + 2] as number) <= state.storedCommit) {
      deleteHash(s.keys, log[head] as number);
      head += 3;
    }
    if (head > 6144 && head * 2 > log.length) {
      log.splice(0, head);
      head = 0;
    }
    s.head = head;
  }
}
