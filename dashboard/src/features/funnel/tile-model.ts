// The wallboard's funnel tile (issue 16): per service, today's inbound calls, those that ended in
// the IVR and those that asked for an agent, read from GET /api/funnel for today in the site's
// zone (the one truth: the figures the funnel page and `tablero funnel` show for the same day).
// Pure: the zone and the clock come in.
import type { QueueSnapshot } from '@tablero/processor/contract';
import type { FunnelRow } from '@tablero/processor/contract';

/** How often the tile asks again (the funnel is a stored read, not a live feed). */
export const FUNNEL_TILE_REFRESH_MS = 30_000;

/** The local date `YYYY-MM-DD` of `ms` in `tz`. */
export function localDay(ms: number, tz: string): string {
  const p = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(new Date(ms));
  const get = (t: string): string => p.find((x) => x.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** The day after `YYYY-MM-DD` (calendar arithmetic, no zone involved). */
export function nextDay(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, (d ?? 1) + 1)).toISOString().slice(0, 10);
}

/**
 * The zone whose "today" the tile shows: the site calendar's, as the live snapshots state it
 * (the first queue of the feed), else the browser's.
 */
export function siteZone(queues: readonly QueueSnapshot[], fallback: string): string {
  const d = queues[0]?.definition;
  return d?.calendar_tz ?? d?.tz ?? fallback;
}

/** The query of today's funnel in `tz`: `from` today, `to` tomorrow (exclusive), by day. */
export function todayQuery(nowMs: number, tz: string): Record<string, string> {
  const from = localDay(nowMs, tz);
  return { from, to: nextDay(from), by: 'day', tz };
}

export interface FunnelTileRow {
  service: string;
  ingresadas: number;
  ivr_only: number;
  asked_agent: number;
}

/** One line per configured service (zero rows for those without calls), in the configured order the API answers. */
export function tileRows(rows: readonly FunnelRow[]): FunnelTileRow[] {
  return rows.map((r) => ({ service: r.service, ingresadas: r.ingresadas, ivr_only: r.ivr_only, asked_agent: r.asked_agent }));
}
