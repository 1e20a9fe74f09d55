// The data quality picture per source: lines accepted and rejected, the last line seen, whether
// the source has gone silent, and the clock skew between the PBX and this server. Pure.
import type { ProcessorHealth } from '@tablero/processor/contract';
import { parseProcessorHealth } from '../../shared/processor-health.ts';

/** How `tablero import` names its sources (ingest/src/sources/import.ts): `import:<file>`. */
export const IMPORT_SOURCE_PREFIX = 'import:';
/** Contacts of other channels name their sources `contacts:<source>` (`contacts:import:<name>` for `tablero import --kind contacts`). */
export const CONTACTS_SOURCE_PREFIX = 'contacts:';

export interface SourceStatusIn {
  source: string;
  site: string;
  kind: string;
  accepted: number;
  rejected: number;
  /** Server time (epoch ms) when the newest line was read. */
  last_line_at_ms: number | null;
  /** The newest line's own timestamp (epoch s, the PBX clock). */
  last_event_ts: number | null;
}

export interface SourceQuality {
  site: string;
  source: string;
  kind: string;
  /** Counted by the running ingest since it started (null when not tailed by this process). */
  live_accepted: number | null;
  live_rejected: number | null;
  /** Stored in the window. */
  stored_accepted: number;
  stored_rejected: number;
  last_line_at_ms: number | null;
  last_event_s: number | null;
  /** Seconds since the last line (server clock when read, else the line's own time). */
  silent_for_s: number | null;
  /** A live source that stopped delivering lines; never an import (it ends when its file is read). */
  silent: boolean;
  /** A one-off import (`tablero import`, source `import:<file>`): finished, not a live source. */
  imported: boolean;
  /**
   * Server clock minus PBX clock, in seconds, from the newest line: Asterisk stamps a line when
   * it writes it and a live tail reads it within a poll, so the difference is the skew (to about
   * a second). Null when the source is not a queue_log tailed live here (CDR rows carry the
   * call's start time). Positive: the PBX clock is behind.
   */
  clock_skew_s: number | null;
}

/** Reads ingest's status list defensively: health facts are injected and loosely typed. */
export function sourceStatuses(health: Record<string, unknown>): SourceStatusIn[] {
  const list = health['sources'];
  if (!Array.isArray(list)) return [];
  const out: SourceStatusIn[] = [];
  for (const v of list) {
    if (typeof v !== 'object' || v === null) continue;
    const o = v as Record<string, unknown>;
    if (typeof o['source'] !== 'string' || typeof o['site'] !== 'string') continue;
    const n = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);
    out.push({
      source: o['source'],
      site: o['site'],
      kind: typeof o['kind'] === 'string' ? o['kind'] : '',
      accepted: n(o['accepted']) ?? 0,
      rejected: n(o['rejected']) ?? 0,
      last_line_at_ms: n(o['last_line_at_ms']),
      last_event_ts: n(o['last_event_ts']),
    });
  }
  return out;
}

export function qualityBySource(input: {
  nowMs: number;
  silentAfterS: number;
  live: readonly SourceStatusIn[];
  accepted: ReadonlyArray<{ site: string; source: string; kind?: string; lines: number; last_event_s: number }>;
  rejected: ReadonlyArray<{ site: string; source: string; lines: number }>;
}): SourceQuality[] {
  const rows = new Map<string, SourceQuality>();
  const row = (site: string, source: string): SourceQuality => {
    const k = `${site}\0${source}`;
    let r = rows.get(k);
    if (!r) {
      r = {
        site, source, kind: '', live_accepted: null, live_rejected: null, stored_accepted: 0, stored_rejected: 0,
        last_line_at_ms: null, last_event_s: null, silent_for_s: null, silent: false, imported: source.startsWith(IMPORT_SOURCE_PREFIX) || source.startsWith(`${CONTACTS_SOURCE_PREFIX}${IMPORT_SOURCE_PREFIX}`), clock_skew_s: null,
      };
      rows.set(k, r);
    }
    return r;
  };
  for (const a of input.accepted) {
    const r = row(a.site, a.source);
    r.stored_accepted += a.lines;
    // A finished import has no live status: its kind comes from what it stored (queue_log or CDR).
    if (r.kind === '' && a.kind !== undefined) r.kind = a.kind;
    r.last_event_s = Math.max(r.last_event_s ?? a.last_event_s, a.last_event_s);
  }
  for (const d of input.rejected) row(d.site, d.source).stored_rejected += d.lines;
  for (const s of input.live) {
    const r = row(s.site, s.source);
    r.kind = s.kind;
    r.live_accepted = s.accepted;
    r.live_rejected = s.rejected;
    r.last_line_at_ms = s.last_line_at_ms;
    if (s.last_event_ts !== null) r.last_event_s = Math.max(r.last_event_s ?? s.last_event_ts, s.last_event_ts);
    // Only queue_log lines are stamped when written; a CDR row carries the call's start time,
    // so its age at reading is the call's duration, not a clock difference.
    if (s.kind === 'queue_log' && s.last_line_at_ms !== null && s.last_event_ts !== null) {
      r.clock_skew_s = Math.round(s.last_line_at_ms / 1000 - s.last_event_ts);
    }
  }
  const nowS = input.nowMs / 1000;
  for (const r of rows.values()) {
    const lastS = r.last_line_at_ms !== null ? r.last_line_at_ms / 1000 : r.last_event_s;
    r.silent_for_s = lastS === null ? null : Math.max(0, Math.floor(nowS - lastS));
    // A live source that never delivered a line is silent too; an import that finished is not, nor
    // a contacts source (a channel system pushes when it has contacts: a quiet one is not a fault).
    r.silent = r.imported || r.source.startsWith(CONTACTS_SOURCE_PREFIX) ? false : r.silent_for_s === null ? r.live_accepted !== null : r.silent_for_s > input.silentAfterS;
  }
  const collator = new Intl.Collator('en', { numeric: true });
  return [...rows.values()].sort((a, b) => collator.compare(a.site, b.site) || collator.compare(a.source, b.source));
}

/** The processor's storage health from the health facts, when this process runs the processor (`tablero start`). */
export function processorHealthOf(health: Record<string, unknown>): ProcessorHealth | null {
  return parseProcessorHealth(health['processor']);
}

/** A processor not heard from for this long is reported silent (it publishes every 2 s). */
export const PROCESSOR_SILENT_AFTER_MS = 10_000;

/**
 * The health a processor in another process last published on the live bus (`kpi.processor`),
 * as of `nowMs`: degraded when it has gone silent (stopped, crashed, or cut off from the bus).
 * Null when none was ever heard (no processor yet, or one too old to publish it).
 */
export function heardProcessorHealth(last: { health: ProcessorHealth; atMs: number } | null, nowMs: number): ProcessorHealth | null {
  if (!last) return null;
  const silentMs = nowMs - last.atMs;
  if (silentMs < PROCESSOR_SILENT_AFTER_MS) return last.health;
  return { ...last.health, status: 'degraded', reason: `no word from the processor for ${Math.floor(silentMs / 1000)} s`, stalled_s: null };
}
