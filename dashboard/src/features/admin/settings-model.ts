// The settings page's pure parts: the queue form started from the values in force, the patch it
// makes (the queue's own stored fields plus what the admin changed, so the rest keeps inheriting),
// the calendar editor and its check, each version's changes in words, and the admin routes' answers.

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

/** The fields of the queue form, in the order the page shows them (and names them in errors). */
export const QUEUE_FIELDS = ['formula', 'threshold_s', 'target_pct', 'strict', 'short_abandon_s', 'sl_below_pct', 'waiting_above', 'longest_wait_above_s'] as const;
export type QueueField = (typeof QUEUE_FIELDS)[number];
const ALERT_FIELDS = ['sl_below_pct', 'waiting_above', 'longest_wait_above_s'] as const;
type AlertField = (typeof ALERT_FIELDS)[number];
const isAlertField = (f: string): f is AlertField => (ALERT_FIELDS as readonly string[]).includes(f);

/** The settings of a queue in force (kpi-definitions §2): every field has a value; an alert may be off (null). */
export interface QueueValues {
  formula: string;
  threshold_s: number;
  target_pct: number;
  strict: boolean;
  short_abandon_s: number;
  alerts: Record<AlertField, number | null>;
}

/** A stored patch: only the fields a version sets. */
export type SettingsPatch = Record<string, unknown> & { alerts?: Record<string, unknown> };

export type PatchResult = { ok: true; patch: SettingsPatch; changed: number } | { ok: false; field: QueueField };

/** The form showing `v` (an alert that is off is an empty box). */
export function formFromValues(v: QueueValues): QueueForm {
  const alert = (n: number | null): string => (n === null ? '' : String(n));
  return {
    formula: v.formula,
    threshold_s: String(v.threshold_s),
    target_pct: String(v.target_pct),
    strict: v.strict ? 'true' : 'false',
    short_abandon_s: String(v.short_abandon_s),
    sl_below_pct: alert(v.alerts.sl_below_pct),
    waiting_above: alert(v.alerts.waiting_above),
    longest_wait_above_s: alert(v.alerts.longest_wait_above_s),
  };
}

/**
 * The patch of a new version: the queue's own stored patch (`own`; a new version replaces the
 * previous one, so what it set is kept) with every field the admin changed from `current`. An
 * emptied alert box turns that alert off (null); an empty definition field keeps its value.
 * Numbers take a decimal comma or point. `changed` counts the fields changed.
 */
export function buildPatch(f: QueueForm, current: QueueValues, own: SettingsPatch = {}): PatchResult {
  const patch: SettingsPatch = { ...own };
  const alerts: Record<string, unknown> = { ...(isObjRecord(own.alerts) ? own.alerts : {}) };
  let changed = 0;
  const num = (field: QueueField, text: string, integer: boolean, max?: number): number | null => {
    const n = Number(text.trim().replace(',', '.'));
    if (text.trim() === '' || !Number.isFinite(n) || n < 0 || (integer && !Number.isInteger(n)) || (max !== undefined && n > max)) throw field;
    return n;
  };
  try {
    if (f.formula !== '' && f.formula !== current.formula) {
      patch['formula'] = f.formula;
      changed++;
    }
    if (f.strict !== '' && (f.strict === 'true') !== current.strict) {
      patch['strict'] = f.strict === 'true';
      changed++;
    }
    for (const [field, integer, max] of [['threshold_s', true], ['short_abandon_s', true], ['target_pct', false, 100]] as const) {
      if (f[field].trim() === '') continue;
      const v = num(field, f[field], integer, max);
      if (v !== current[field]) {
        patch[field] = v;
        changed++;
      }
    }
    for (const field of ALERT_FIELDS) {
      const v = f[field].trim() === '' ? null : num(field, f[field], field !== 'sl_below_pct', field === 'sl_below_pct' ? 100 : undefined);
      if (v !== current.alerts[field]) {
        alerts[field] = v;
        changed++;
      }
    }
  } catch (field) {
    return { ok: false, field: field as QueueField };
  }
  if (Object.keys(alerts).length > 0) patch.alerts = alerts;
  else delete patch.alerts;
  return { ok: true, patch, changed };
}

function isObjRecord(v: unknown): v is Record<string, unknown> {
  return isObj(v);
}

/** The built-in queue settings of GET /api/settings (`defaults`), or null when malformed. */
export function parseQueueValues(v: unknown): QueueValues | null {
  if (!isObj(v) || typeof v.formula !== 'string' || !isNum(v.threshold_s) || !isNum(v.target_pct) || typeof v.strict !== 'boolean' || !isNum(v.short_abandon_s) || !isObj(v.alerts)) return null;
  const a = v.alerts;
  const alert = (x: unknown): number | null => (isNum(x) ? x : null);
  return {
    formula: v.formula,
    threshold_s: v.threshold_s,
    target_pct: v.target_pct,
    strict: v.strict,
    short_abandon_s: v.short_abandon_s,
    alerts: { sl_below_pct: alert(a['sl_below_pct']), waiting_above: alert(a['waiting_above']), longest_wait_above_s: alert(a['longest_wait_above_s']) },
  };
}

/** `base` with a stored patch laid over it (processor/src/core/settings.ts mergeQueueSettings). */
export function mergePatch(base: QueueValues, patch: unknown): QueueValues {
  if (!isObj(patch)) return base;
  const out: QueueValues = { ...base, alerts: { ...base.alerts } };
  if (typeof patch['formula'] === 'string') out.formula = patch['formula'];
  if (typeof patch['strict'] === 'boolean') out.strict = patch['strict'];
  for (const k of ['threshold_s', 'target_pct', 'short_abandon_s'] as const) {
    const x = patch[k];
    if (isNum(x)) out[k] = x;
  }
  if (isObj(patch['alerts'])) {
    for (const [k, x] of Object.entries(patch['alerts'])) if (isAlertField(k) && (x === null || isNum(x))) out.alerts[k] = x;
  }
  return out;
}

/** The newest version of (site, queue) already valid at `atMs` (the processor's rule), or null. */
export function ownVersion(versions: readonly VersionRow[], site: string, queue: string, atMs: number): VersionRow | null {
  let best: VersionRow | null = null;
  for (const v of versions) {
    if (v.site === site && v.queue === queue && v.valid_from_ms <= atMs && (best === null || v.version > best.version)) best = v;
  }
  return best;
}

/**
 * A queue's settings in force at `atMs`: the built-in defaults, the site's stored defaults
 * (queue '') over them, the queue's own newest version over that (the processor's resolver).
 */
export function currentValues(answer: SettingsAnswer, site: string, queue: string, atMs: number): QueueValues | null {
  const builtIn = parseQueueValues(answer.defaults);
  if (builtIn === null) return null;
  const siteDefaults = mergePatch(builtIn, ownVersion(answer.versions, site, '', atMs)?.patch);
  return queue === '' ? siteDefaults : mergePatch(siteDefaults, ownVersion(answer.versions, site, queue, atMs)?.patch);
}

/** One field a version changed, with the value the previous version of the same queue had (if it had one). */
export interface FieldChange {
  field: string;
  value: unknown;
  /** The previous version's value when it had one and it was different; undefined otherwise. */
  before?: unknown;
}

/** The fields of a patch, flattened (alerts.x as x), in the form's order. */
function patchFields(patch: unknown): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (!isObj(patch)) return out;
  for (const [k, v] of Object.entries(patch)) {
    if (k === 'alerts' && isObj(v)) for (const [ak, av] of Object.entries(v)) out.set(ak, av);
    else out.set(k, v);
  }
  const order = (k: string): number => {
    const i = (QUEUE_FIELDS as readonly string[]).indexOf(k);
    return i === -1 ? QUEUE_FIELDS.length : i;
  };
  return new Map([...out].sort((a, b) => order(a[0]) - order(b[0])));
}

/**
 * What a version changed against the previous version of the same queue: every field whose value
 * differs (new fields too), with the earlier value when there was one. The first version: all it sets.
 */
export function versionChanges(versions: readonly VersionRow[], v: VersionRow): FieldChange[] {
  let prev: VersionRow | null = null;
  for (const x of versions) if (x.site === v.site && x.queue === v.queue && x.version < v.version && (prev === null || x.version > prev.version)) prev = x;
  const before = patchFields(prev?.patch);
  const out: FieldChange[] = [];
  for (const [field, value] of patchFields(v.patch)) {
    if (!before.has(field)) out.push({ field, value });
    else if (before.get(field) !== value) out.push({ field, value, before: before.get(field) });
  }
  return out;
}

// --- Site calendars (processor/src/core/calendar.ts SiteCalendarSpec) ---

export interface RangeForm {
  from: string;
  to: string;
}

/** The calendar editor: a time zone, seven days (Monday first) of opening ranges, holidays. */
export interface CalendarForm {
  tz: string;
  weekly: RangeForm[][];
  holidays: string[];
}

export interface CalendarSpec {
  tz: string;
  weekly?: RangeForm[][];
  holidays?: string[];
}

const ALL_DAY: RangeForm = { from: '00:00', to: '24:00' };

export function parseCalendarSpec(v: unknown): CalendarSpec | null {
  if (!isObj(v) || typeof v.tz !== 'string') return null;
  const out: CalendarSpec = { tz: v.tz };
  if (Array.isArray(v.weekly)) {
    out.weekly = (v.weekly as unknown[]).map((day) =>
      Array.isArray(day) ? day.filter((r): r is RangeForm => isObj(r) && typeof r.from === 'string' && typeof r.to === 'string').map((r) => ({ from: r.from, to: r.to })) : [],
    );
  }
  if (Array.isArray(v.holidays)) out.holidays = (v.holidays as unknown[]).filter((h): h is string => typeof h === 'string');
  return out;
}

/** The editor showing a stored calendar; none stored = open 24 h every day in `tz`. */
export function calendarFormFrom(spec: CalendarSpec | null, tz: string): CalendarForm {
  const weekly = spec?.weekly ?? Array.from({ length: 7 }, () => [ALL_DAY]);
  return {
    tz: spec?.tz ?? tz,
    weekly: Array.from({ length: 7 }, (_, d) => (weekly[d] ?? []).map((r) => ({ ...r }))),
    holidays: [...(spec?.holidays ?? [])].sort(),
  };
}

/** What is wrong with a calendar form, named for the page's words. */
export type CalendarProblem =
  | { reason: 'bad_time'; day: number; value: string }
  | { reason: 'empty_range'; day: number; value: string }
  | { reason: 'overlap'; day: number; value: string }
  | { reason: 'bad_tz' }
  | { reason: 'bad_holiday'; value: string };

const minutesOf = (t: string): number | null => {
  const m = /^(\d{1,2}):(\d{2})$/.exec(t.trim());
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  return min > 59 || h > 24 || (h === 24 && min !== 0) ? null : h * 60 + min;
};
const hhmm = (t: string): string => t.trim().padStart(5, '0');

/** The spec to store, or the first problem (checked in the page, so the admin's typing is kept). */
export function calendarSpecOf(f: CalendarForm): { ok: true; spec: CalendarSpec } | { ok: false; problem: CalendarProblem } {
  if (f.tz.trim() === '') return { ok: false, problem: { reason: 'bad_tz' } };
  const weekly: RangeForm[][] = [];
  for (let d = 0; d < 7; d++) {
    const day = [...(f.weekly[d] ?? [])];
    const spans: Array<[number, number, string]> = [];
    for (const r of day) {
      const from = minutesOf(r.from);
      const to = minutesOf(r.to);
      if (from === null) return { ok: false, problem: { reason: 'bad_time', day: d, value: r.from } };
      if (to === null) return { ok: false, problem: { reason: 'bad_time', day: d, value: r.to } };
      const text = `${hhmm(r.from)}–${hhmm(r.to)}`;
      if (to <= from) return { ok: false, problem: { reason: 'empty_range', day: d, value: text } };
      spans.push([from, to, text]);
    }
    spans.sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < spans.length; i++) {
      const [prevFrom, prevTo] = spans[i - 1] as [number, number, string];
      const cur = spans[i] as [number, number, string];
      if (cur[0] < prevTo && prevFrom < cur[1]) return { ok: false, problem: { reason: 'overlap', day: d, value: cur[2] } };
    }
    const sorted = day.map((r) => ({ from: hhmm(r.from), to: hhmm(r.to) })).sort((a, b) => a.from.localeCompare(b.from));
    weekly.push(sorted);
  }
  for (const h of f.holidays) if (!/^\d{4}-\d{2}-\d{2}$/.test(h) || Number.isNaN(Date.parse(`${h}T00:00:00Z`))) return { ok: false, problem: { reason: 'bad_holiday', value: h } };
  return { ok: true, spec: { tz: f.tz.trim(), weekly, holidays: [...new Set(f.holidays)].sort() } };
}

/** One change of a calendar version against the previous one of its site (the first: everything it sets). */
export type CalendarChange =
  | { kind: 'tz'; value: string }
  | { kind: 'day'; day: number; ranges: RangeForm[] }
  | { kind: 'holiday_added'; date: string }
  | { kind: 'holiday_removed'; date: string };

export interface CalendarVersionRow {
  site: string;
  version: number;
  valid_from_ms: number;
  spec: CalendarSpec;
  created_by: string;
}

export function calendarChanges(versions: readonly CalendarVersionRow[], v: CalendarVersionRow): CalendarChange[] {
  let prev: CalendarVersionRow | null = null;
  for (const x of versions) if (x.site === v.site && x.version < v.version && (prev === null || x.version > prev.version)) prev = x;
  const before = calendarFormFrom(prev?.spec ?? null, '');
  const after = calendarFormFrom(v.spec, '');
  const out: CalendarChange[] = [];
  if (prev === null || before.tz !== after.tz) out.push({ kind: 'tz', value: after.tz });
  for (let d = 0; d < 7; d++) {
    const b = JSON.stringify(before.weekly[d]);
    const a = after.weekly[d] ?? [];
    if (prev === null || b !== JSON.stringify(a)) out.push({ kind: 'day', day: d, ranges: a });
  }
  for (const h of after.holidays) if (!before.holidays.includes(h)) out.push({ kind: 'holiday_added', date: h });
  for (const h of before.holidays) if (!after.holidays.includes(h)) out.push({ kind: 'holiday_removed', date: h });
  return out;
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
  calendar_versions: CalendarVersionRow[];
  tz: string;
}

export function parseSettings(v: unknown): SettingsAnswer | null {
  if (!isObj(v) || !Array.isArray(v.versions) || !isObj(v.calendars) || typeof v.tz !== 'string') return null;
  const versions = v.versions.filter(
    (x): x is VersionRow => isObj(x) && typeof x.site === 'string' && typeof x.queue === 'string' && isNum(x.version) && isNum(x.valid_from_ms) && typeof x.created_by === 'string',
  );
  const calendarVersions: CalendarVersionRow[] = [];
  for (const x of Array.isArray(v.calendar_versions) ? (v.calendar_versions as unknown[]) : []) {
    const spec = isObj(x) ? parseCalendarSpec(x.spec) : null;
    if (isObj(x) && spec && typeof x.site === 'string' && isNum(x.version) && isNum(x.valid_from_ms) && typeof x.created_by === 'string') {
      calendarVersions.push({ site: x.site, version: x.version, valid_from_ms: x.valid_from_ms, spec, created_by: x.created_by });
    }
  }
  return { defaults: v.defaults, versions, calendars: v.calendars, calendar_versions: calendarVersions, tz: v.tz };
}

export interface KioskRow {
  hash: string;
  label: string;
  created_by: string;
  created_at_ms: number;
  revoked: boolean;
  /** What its wallboard shows (empty = every site / queue). */
  sites: string[];
  queues: string[];
}

const isTextList = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

export function parseKiosks(v: unknown): KioskRow[] {
  if (!Array.isArray(v)) return [];
  return v.filter(
    (k): k is KioskRow =>
      isObj(k) && typeof k.hash === 'string' && typeof k.label === 'string' && typeof k.created_by === 'string' && isNum(k.created_at_ms) && typeof k.revoked === 'boolean' &&
      isTextList(k.sites) && isTextList(k.queues),
  );
}

/** A comma-separated list typed in a form: trimmed, empty entries dropped. */
export function commaList(text: string): string[] {
  return text.split(',').map((x) => x.trim()).filter((x) => x !== '');
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
