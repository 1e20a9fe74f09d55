// Contacts of other channels on the SPA (issue 17): the queries the wallboard tiles and the
// Reports page's channel report send to GET /api/contacts/kpis (the one read; the page derives
// no figure), and the settings form's conversion between a threshold in seconds and the unit an
// admin types. Pure.
import type { ContactKpiRow } from '@tablero/processor/contract';

export const CONTACT_CHANNEL_LIST = ['chat', 'video', 'email', 'webform', 'social'] as const;
export type ChannelName = (typeof CONTACT_CHANNEL_LIST)[number];

/** How often the wallboard tiles ask again. */
export const CHANNEL_TILE_REFRESH_MS = 30_000;

export interface ChannelTile {
  channel: string;
  received: number;
  answered: number;
  waiting: number;
  within_pct: number | null;
}

/** One tile per channel with contacts today, in the channels' fixed order. */
export function channelTiles(rows: readonly ContactKpiRow[]): ChannelTile[] {
  const order = (c: string): number => {
    const i = (CONTACT_CHANNEL_LIST as readonly string[]).indexOf(c);
    return i < 0 ? CONTACT_CHANNEL_LIST.length : i;
  };
  return [...rows]
    .sort((a, b) => order(a.channel) - order(b.channel))
    .map((r) => ({ channel: r.channel, received: r.received, answered: r.answered, waiting: r.waiting, within_pct: r.within_pct }));
}

/** The report's query: the Reports form's inclusive days (to + 1 day, exclusive), its grouping (15-minute intervals read by hour). */
export function reportQuery(f: { from: string; to: string; by: string; site: string }): Record<string, string> {
  const [y, m, d] = f.to.split('-').map(Number);
  const to = new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, (d ?? 1) + 1)).toISOString().slice(0, 10);
  const by = f.by === 'month' || f.by === 'day' ? f.by : 'hour';
  return { from: f.from, to, by, ...(f.site ? { site: f.site } : {}) };
}

export type ThresholdUnit = 's' | 'min' | 'h';
const UNIT_S: Record<ThresholdUnit, number> = { s: 1, min: 60, h: 3600 };

/** The largest unit that writes `seconds` as a whole number (86 400 -> 24 h, 90 -> 90 s). */
export function thresholdUnit(seconds: number): { value: number; unit: ThresholdUnit } {
  for (const unit of ['h', 'min'] as const) if (seconds % UNIT_S[unit] === 0) return { value: seconds / UNIT_S[unit], unit };
  return { value: seconds, unit: 's' };
}

/** What an admin typed -> seconds; null when not a whole number from 1 s to `maxS`. */
export function thresholdSeconds(text: string, unit: ThresholdUnit, maxS: number): number | null {
  if (!/^\d{1,7}$/.test(text.trim())) return null;
  const s = Number(text.trim()) * UNIT_S[unit];
  return s >= 1 && s <= maxS ? s : null;
}
