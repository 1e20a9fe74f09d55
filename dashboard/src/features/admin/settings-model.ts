// The settings page's pure parts: the patch a queue-settings form makes (only the fields the
// admin filled in, so the rest keeps inheriting), and the answers of the admin routes.

import { WEEKDAY_NAMES, type Weekday } from '@tablero/processor/contract';
import { isNum, isObj } from '../../lib/guards.ts';

export interface QueueForm {
  formula: string;
  threshold_s: string;
  target_pct: string;
  strict: '' | 'true' | 'false';
  short_abandon_s: string;
  sl_below_pct: string;
  waiting_above: string;
  longest_wait_above_s: string;
}

export const EMPTY_QUEUE_FORM: QueueForm = {
  formula: '', threshold_s: '', target_pct: '', strict: '', short_abandon_s: '', sl_below_pct: '', waiting_above: '', longest_wait_above_s: '',
};

export type PatchResult = { ok: true; patch: Record<string, unknown> } | { ok: false; field: string };

/** Blank fields are left out; `-` in an alert field turns that alert off (null). */
export function buildPatch(f: QueueForm): PatchResult {
  const patch: Record<string, unknown> = {};
  const alerts: Record<string, number | null> = {};
  const num = (field: string, text: string, integer: boolean, max?: number): number | null | undefined => {
    const t = text.trim();
    if (t === '') return undefined;
    const n = Number(t.replace(',', '.'));
    if (!Number.isFinite(n) || n < 0 || (integer && !Number.isInteger(n)) || (max !== undefined && n > max)) throw field;
    return n;
  };
  try {
    if (f.formula !== '') patch['formula'] = f.formula;
    if (f.strict !== '') patch['strict'] = f.strict === 'true';
    for (const [field, integer, max] of [['threshold_s', true], ['short_abandon_s', true], ['target_pct', false, 100]] as const) {
      const v = num(field, f[field], integer, max);
      if (v !== undefined) patch[field] = v;
    }
    for (const field of ['sl_below_pct', 'waiting_above', 'longest_wait_above_s'] as const) {
      if (f[field].trim() === '-') alerts[field] = null;
      else {
        const v = num(field, f[field], field !== 'sl_below_pct', field === 'sl_below_pct' ? 100 : undefined);
        if (v !== undefined) alerts[field] = v;
      }
    }
  } catch (field) {
    return { ok: false, field: String(field) };
  }
  if (Object.keys(alerts).length > 0) patch['alerts'] = alerts;
  return { ok: true, patch };
}

export interface UserRow {
  username: string;
  role: string;
  lang: string;
  disabled: boolean;
  /** The queues a supervisor supervises (the calls they may list); absent or empty = every queue. */
  queues?: string[];
}

export function parseUsers(v: unknown): UserRow[] {
  if (!Array.isArray(v)) return [];
  return v.filter(
    (u): u is UserRow => isObj(u) && typeof u.username === 'string' && typeof u.role === 'string' && typeof u.lang === 'string' && typeof u.disabled === 'boolean',
  );
}

export interface VersionRow {
  site: string;
  queue: string;
  version: number;
  valid_from_ms: number;
  patch: unknown;
  created_by: string;
}

export interface SettingsAnswer {
  defaults: unknown;
  versions: VersionRow[];
  calendars: Record<string, unknown>;
  tz: string;
}

export function parseSettings(v: unknown): SettingsAnswer | null {
  if (!isObj(v) || !Array.isArray(v.versions) || !isObj(v.calendars) || typeof v.tz !== 'string') return null;
  const versions = v.versions.filter(
    (x): x is VersionRow => isObj(x) && typeof x.site === 'string' && typeof x.queue === 'string' && isNum(x.version) && isNum(x.valid_from_ms) && typeof x.created_by === 'string',
  );
  return { defaults: v.defaults, versions, calendars: v.calendars, tz: v.tz };
}

export interface KioskRow {
  hash: string;
  label: string;
  created_by: string;
  created_at_ms: number;
  revoked: boolean;
}

export function parseKiosks(v: unknown): KioskRow[] {
  if (!Array.isArray(v)) return [];
  return v.filter(
    (k): k is KioskRow => isObj(k) && typeof k.hash === 'string' && typeof k.label === 'string' && typeof k.created_by === 'string' && isNum(k.created_at_ms) && typeof k.revoked === 'boolean',
  );
}

/**
 * The legal working weekdays of a site's escalation settings (GET /api/escalations/settings), in
 * week order; null when the answer has no valid list (the form then shows nothing checked).
 */
export function parseWorkingWeekdays(v: unknown): Weekday[] | null {
  if (!isObj(v) || !Array.isArray(v['working_weekdays'])) return null;
  const days: unknown[] = v['working_weekdays'];
  return days.every((d) => (WEEKDAY_NAMES as readonly unknown[]).includes(d)) ? WEEKDAY_NAMES.filter((d) => days.includes(d)) : null;
}

/** The list with `day` added or removed, kept in week order (the order the server stores). */
export function toggleWeekday(days: readonly Weekday[], day: Weekday): Weekday[] {
  return WEEKDAY_NAMES.filter((d) => (d === day ? !days.includes(d) : days.includes(d)));
}
