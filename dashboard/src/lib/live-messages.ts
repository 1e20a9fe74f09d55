// What crosses /ws/live: JSON messages with a `type` (hello, snapshots, alert, and more later).
// Parsing is defensive because a TV runs for weeks against servers that get upgraded under it:
// a malformed message or snapshot is dropped, an unknown type is kept as such, nothing throws.

import type { AlertMessage, QueueSnapshot } from '@tablero/processor/contract';
import { isNum, isObj } from './guards.ts';
import type { EscalationOverdueAlert, EscalationsSnapshot } from '@tablero/processor/contract';
import { isEscalationOverdueAlert, isEscalationsSnapshot } from '../features/escalations/guards.ts';

export interface HelloUser {
  username: string;
  role: string;
  lang: string;
}

export interface HelloMessage {
  type: 'hello';
  user: HelloUser | null;
  kiosk: boolean;
  server_time_ms: number;
  /** The site subscribed to, null = every site this viewer may see (absent from older servers: null). */
  site: string | null;
  /** The sites this viewer may subscribe to (absent from older servers: []). */
  sites: string[];
}

/**
 * The server took a `subscribe`: the messages that follow carry the new scope, first its whole
 * state. `refused`: the viewer may not see that site (the previous subscription stays).
 */
export interface SubscribedMessage {
  type: 'subscribed';
  site: string | null;
  sites: string[];
  refused: boolean;
}

export interface SnapshotsMessage {
  type: 'snapshots';
  site: string;
  /** Only the queues of the site that changed (every queue at the 5 s heartbeat and in the greeting): merged, never a replacement. */
  queues: QueueSnapshot[];
  /** Snapshots left out because they lacked fields the wallboard reads. */
  dropped: number;
}

export type { AlertMessage };

export interface UnknownMessage {
  type: 'unknown';
  raw_type: string;
}

/** A calibration session changed (processor quality contract); carries no scores, the view refetches. */
export interface CalibrationMessage {
  type: 'calibration';
  session_id: string;
  submitted: number;
  at_ms: number;
}

export type LiveMessage = HelloMessage | SubscribedMessage | SnapshotsMessage | AlertMessage | CalibrationMessage | EscalationsSnapshot | EscalationOverdueAlert | UnknownMessage;

export type ParseResult = { ok: true; value: LiveMessage } | { ok: false; reason: string; line: string };

function isNumOrNull(v: unknown): boolean {
  return v === null || isNum(v);
}

const FIGURES_READ = ['offered', 'answered', 'abandoned'] as const;
const RATIOS_READ = ['sl_pct', 'abandon_rate_pct', 'asa_s'] as const;

/** True when `v` has every field the wallboard reads from a QueueSnapshot. */
export function isQueueSnapshot(v: unknown): v is QueueSnapshot {
  if (!isObj(v)) return false;
  if (typeof v.site !== 'string' || typeof v.queue !== 'string' || v.queue === '') return false;
  if (!isNum(v.at_ms) || !isNum(v.target_pct) || !isNum(v.waiting_now)) return false;
  if (!isNumOrNull(v.longest_current_wait_s)) return false;
  const d = v.definition;
  if (!isObj(d) || typeof d.formula !== 'string' || !isNum(d.threshold_s) || typeof d.strict !== 'boolean') return false;
  if (!isNum(d.short_abandon_s) || typeof d.tz !== 'string') return false;
  const a = v.agents;
  if (!isObj(a) || !isNum(a.available) || !isNum(a.on_call) || !isNum(a.paused)) return false;
  const w = v.windows;
  if (!isObj(w) || !isObj(w.today)) return false;
  const today = w.today;
  if (!FIGURES_READ.every((k) => isNum(today[k])) || !RATIOS_READ.every((k) => isNumOrNull(today[k]))) return false;
  if (!isSeries(v.sl_series)) return false;
  // Newer fields (issue 15): absent from older producers, but never malformed.
  if (v.sl_cumulative !== undefined && !isSeries(v.sl_cumulative)) return false;
  if (v.answers_needed !== undefined && !isNumOrNull(v.answers_needed)) return false;
  return v.calls_at_risk === undefined || isNum(v.calls_at_risk);
}

function isSeries(v: unknown): boolean {
  return Array.isArray(v) && v.every((p) => isObj(p) && isNum(p.start_s) && isNumOrNull(p.sl_pct) && isNum(p.offered));
}

/** True when `v` has every field of the processor's alert message the dashboard reads. */
export function isAlertMessage(v: unknown): v is AlertMessage {
  if (!isObj(v) || v.type !== 'alert') return false;
  if (v.state !== 'raised' && v.state !== 'cleared') return false;
  for (const k of ['alert_id', 'site', 'queue', 'metric'] as const) if (typeof v[k] !== 'string') return false;
  if (!isNum(v.threshold) || !isNum(v.raised_at_ms)) return false;
  return ['raised_value', 'cleared_value', 'peak_value', 'cleared_at_ms'].every((k) => isNumOrNull(v[k]));
}

function parseHelloUser(v: unknown): HelloUser | null | undefined {
  if (v === null) return null;
  if (!isObj(v)) return undefined;
  if (typeof v.username !== 'string' || typeof v.role !== 'string' || typeof v.lang !== 'string') return undefined;
  return { username: v.username, role: v.role, lang: v.lang };
}

/** `site` (string or null) and `sites` (strings) of a hello or subscribed message; absent = every site, none listed. */
function parseScope(v: Record<string, unknown>): { site: string | null; sites: string[] } | null {
  const site = v.site ?? null;
  const sites = v.sites ?? [];
  if (site !== null && typeof site !== 'string') return null;
  if (!Array.isArray(sites) || !sites.every((s) => typeof s === 'string')) return null;
  return { site, sites };
}

export function parseLiveMessage(text: string): ParseResult {
  const line = text.length > 200 ? `${text.slice(0, 200)}…` : text;
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'not JSON', line };
  }
  if (!isObj(data)) return { ok: false, reason: 'not an object', line };
  if (typeof data.type !== 'string') return { ok: false, reason: 'missing type', line };
  switch (data.type) {
    case 'hello': {
      const user = parseHelloUser(data.user);
      if (user === undefined) return { ok: false, reason: 'hello: bad user', line };
      if (typeof data.kiosk !== 'boolean') return { ok: false, reason: 'hello: bad kiosk', line };
      if (!isNum(data.server_time_ms)) return { ok: false, reason: 'hello: bad server_time_ms', line };
      const scope = parseScope(data);
      if (scope === null) return { ok: false, reason: 'hello: bad site or sites', line };
      return { ok: true, value: { type: 'hello', user, kiosk: data.kiosk, server_time_ms: data.server_time_ms, ...scope } };
    }
    case 'subscribed':
    case 'subscribe_refused': {
      const scope = parseScope(data);
      if (scope === null) return { ok: false, reason: `${data.type}: bad site`, line };
      return { ok: true, value: { type: 'subscribed', ...scope, refused: data.type === 'subscribe_refused' } };
    }
    case 'snapshots': {
      if (typeof data.site !== 'string') return { ok: false, reason: 'snapshots: bad site', line };
      if (!Array.isArray(data.queues)) return { ok: false, reason: 'snapshots: queues not an array', line };
      const queues = data.queues.filter(isQueueSnapshot);
      return {
        ok: true,
        value: { type: 'snapshots', site: data.site, queues, dropped: data.queues.length - queues.length },
      };
    }
    case 'alert': {
      if (!isAlertMessage(data)) return { ok: false, reason: 'alert: missing or bad fields', line };
      return { ok: true, value: data };
    }
    case 'calibration': {
      if (typeof data.session_id !== 'string' || !isNum(data.submitted) || !isNum(data.at_ms)) return { ok: false, reason: 'calibration: bad fields', line };
      return { ok: true, value: { type: 'calibration', session_id: data.session_id, submitted: data.submitted, at_ms: data.at_ms } };
    }
    case 'escalations': {
      if (!isEscalationsSnapshot(data)) return { ok: false, reason: 'escalations: missing or bad fields', line };
      return { ok: true, value: data };
    }
    case 'escalation_overdue': {
      if (!isEscalationOverdueAlert(data)) return { ok: false, reason: 'escalation_overdue: missing or bad fields', line };
      return { ok: true, value: data };
    }
    default:
      return { ok: true, value: { type: 'unknown', raw_type: data.type } };
  }
}

/** Map key of a snapshot: queue names are case-sensitive and unique only within a site. */
export function snapshotKey(site: string, queue: string): string {
  return `${site}\u0000${queue}`;
}

/**
 * The snapshots map after a `snapshots` message: each snapshot replaces the one of the same
 * site and queue, unless it is older (by `at_ms`) than what is already shown; queues the message
 * does not carry stay as they are (the processor sends only the queues that changed). Returns a new map
 * (the old one is never mutated) so a change is a new reference for the UI.
 */
export function applySnapshots(
  prev: ReadonlyMap<string, QueueSnapshot>,
  queues: readonly QueueSnapshot[],
): Map<string, QueueSnapshot> {
  const next = new Map(prev);
  for (const s of queues) {
    const key = snapshotKey(s.site, s.queue);
    const old = next.get(key);
    if (old && old.at_ms > s.at_ms) continue;
    next.set(key, s);
  }
  return next;
}

const collator = new Intl.Collator('en', { numeric: true });
/** Display order: by site, then queue, with numbers in numeric order ("2" before "10"). */
export function sortedSnapshots(map: ReadonlyMap<string, QueueSnapshot>): QueueSnapshot[] {
  return [...map.values()].sort((a, b) => collator.compare(a.site, b.site) || collator.compare(a.queue, b.queue));
}

/**
 * The WebSocket URL on the page's own origin; a kiosk passes its token in the query, and `site`
 * subscribes the socket to one site from its first message (`?site=`).
 */
export function liveUrl(loc: { protocol: string; host: string }, kioskToken: string | null, site: string | null = null): string {
  const scheme = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  const params = [
    ...(kioskToken ? [`kiosk=${encodeURIComponent(kioskToken)}`] : []),
    ...(site !== null ? [`site=${encodeURIComponent(site)}`] : []),
  ];
  return `${scheme}//${loc.host}/ws/live${params.length > 0 ? `?${params.join('&')}` : ''}`;
}
