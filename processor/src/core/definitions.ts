// The definition resolver (conventions "One truth"): for a site, a queue and an instant, the KPI
// definition settings and the site calendar in force, with their stored versions. Every reader
// (live windows, `tablero kpis`, /api/kpis, the Reports page, the exports) asks it, so no surface
// can fall back to other defaults than another one.
// Pure: the stored version history and the configured base come in as data.
//
// Rules (docs/kpi-definitions.md §12):
// - At an instant, each (site, queue) uses the newest stored version (highest number) whose
//   valid_from <= the instant; queue '' holds the site defaults. A queue's version is laid over
//   the configured queue settings, the site defaults' over the configured site defaults.
// - The site calendar is the newest stored version valid at the instant, else the configured
//   one, else the default calendar (open 24 h) in the default time zone.
// - A stint is judged by the definition in force at its enter time; a period that spans a change
//   is cut at every valid_from inside it (`changes`) and each piece read with its own definition.
import type { StatedDefinition } from '../contract.ts';
import type { SiteCalendarSpec } from './calendar.ts';
import {
  defaultSiteSettings,
  mergeQueueSettings,
  type ProcessorSettings,
  type QueueSettings,
  type QueueSettingsPatch,
  type SiteSettings,
} from './settings.ts';

export interface SettingsVersionRecord {
  site: string;
  /** '' = the site defaults. */
  queue: string;
  version: number;
  valid_from_ms: number;
  patch: QueueSettingsPatch;
}

export interface CalendarVersionRecord {
  site: string;
  version: number;
  valid_from_ms: number;
  spec: SiteCalendarSpec;
  /** Who saved it (read from the store; absent in hand-made histories). */
  created_by?: string;
}

export interface DefinitionHistory {
  settings: SettingsVersionRecord[];
  calendars: CalendarVersionRecord[];
}

export interface ResolverBase {
  /** Configured settings under the stored versions (default: the built-in defaults). */
  settings: ProcessorSettings;
  /** Configured calendars per site under the stored versions. */
  calendars: Record<string, SiteCalendarSpec>;
  /** Time zone of a site with no calendar at all. */
  defaultTz: string;
}

export interface CalendarInForce {
  spec: SiteCalendarSpec;
  /** Stored version (0 = configured or default calendar). */
  version: number;
}

/** What judged a stint: the queue's settings and the site calendar, with their stored versions. */
export interface ResolvedDefinition {
  settings: QueueSettings;
  /** Version of the queue's own stored settings (0 = none: site defaults apply). */
  settings_version: number;
  /** Version of the stored site defaults (0 = configured / built-in defaults). */
  site_defaults_version: number;
  calendar: CalendarInForce;
}

export interface DefinitionResolver {
  at(site: string, queue: string, atMs: number): ResolvedDefinition;
  calendarAt(site: string, atMs: number): CalendarInForce;
  /** Instants strictly inside (fromMs, toMs) at which a setting or the calendar of the site may change. */
  changes(site: string, fromMs: number, toMs: number): number[];
  /** Queues of the site with settings of their own (configured or stored) at the instant. */
  queuesWithOwnSettings(site: string, atMs: number): string[];
  /** Every site's settings in force at the instant (the shape the processor's live path used). */
  settingsAt(atMs: number): ProcessorSettings;
  /** Every site's calendar in force at the instant (configured ones included). */
  calendarsAt(atMs: number): Record<string, SiteCalendarSpec>;
  /** Sites with any stored or configured definition. */
  readonly sites: readonly string[];
}

/** A key that equals for two definitions that judge every stint alike. */
export function definitionKey(d: ResolvedDefinition): string {
  const s = d.settings;
  return JSON.stringify([s.formula, s.threshold_s, s.strict, s.short_abandon_s, s.count_refused, s.include_out_of_hours, d.calendar.spec]);
}

function newestValid<T extends { version: number; valid_from_ms: number }>(list: readonly T[] | undefined, atMs: number): T | null {
  let best: T | null = null;
  for (const v of list ?? []) if (v.valid_from_ms <= atMs && (best === null || v.version > best.version)) best = v;
  return best;
}

export function createResolver(history: DefinitionHistory, base: ResolverBase): DefinitionResolver {
  const settingsBy = new Map<string, SettingsVersionRecord[]>(); // site\0queue
  const siteQueues = new Map<string, Set<string>>();
  for (const v of history.settings) {
    const k = `${v.site}\0${v.queue}`;
    let list = settingsBy.get(k);
    if (!list) settingsBy.set(k, (list = []));
    list.push(v);
    let qs = siteQueues.get(v.site);
    if (!qs) siteQueues.set(v.site, (qs = new Set()));
    if (v.queue !== '') qs.add(v.queue);
  }
  const calendarsBy = new Map<string, CalendarVersionRecord[]>();
  for (const c of history.calendars) {
    let list = calendarsBy.get(c.site);
    if (!list) calendarsBy.set(c.site, (list = []));
    list.push(c);
  }
  // Change instants per site, sorted: the valid_from of every version of the site.
  const changesBy = new Map<string, number[]>();
  const addChange = (site: string, t: number): void => {
    let list = changesBy.get(site);
    if (!list) changesBy.set(site, (list = []));
    list.push(t);
  };
  for (const v of history.settings) addChange(v.site, v.valid_from_ms);
  for (const c of history.calendars) addChange(c.site, c.valid_from_ms);
  for (const [site, list] of changesBy) changesBy.set(site, [...new Set(list)].sort((a, b) => a - b));

  /** Index of the piece of time (between two change instants) that holds atMs: a cache key. */
  const pieceOf = (site: string, atMs: number): number => {
    const list = changesBy.get(site);
    if (!list) return 0;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((list[mid] as number) <= atMs) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };

  const baseSite = (site: string): SiteSettings => base.settings.sites[site] ?? base.settings.defaultSite ?? defaultSiteSettings();

  function siteSettingsAt(site: string, atMs: number): SiteSettings {
    const b = baseSite(site);
    const defaults = newestValid(settingsBy.get(`${site}\0`), atMs);
    const out: SiteSettings = { defaults: defaults ? mergeQueueSettings(b.defaults, defaults.patch) : b.defaults, queues: { ...b.queues } };
    for (const queue of siteQueues.get(site) ?? []) {
      const v = newestValid(settingsBy.get(`${site}\0${queue}`), atMs);
      if (!v) continue;
      const prev = b.queues[queue];
      out.queues[queue] = { ...(prev ?? {}), ...v.patch, alerts: { ...(prev?.alerts ?? {}), ...(v.patch.alerts ?? {}) } };
    }
    return out;
  }

  const calendarCache = new Map<string, CalendarInForce>();
  function calendarAt(site: string, atMs: number): CalendarInForce {
    const k = `${site}\0${pieceOf(site, atMs)}`;
    let c = calendarCache.get(k);
    if (!c) {
      const v = newestValid(calendarsBy.get(site), atMs);
      c = v ? { spec: v.spec, version: v.version } : { spec: base.calendars[site] ?? { tz: base.defaultTz }, version: 0 };
      calendarCache.set(k, c);
    }
    return c;
  }

  const siteCache = new Map<string, SiteSettings>();
  const resolvedCache = new Map<string, ResolvedDefinition>();
  function at(site: string, queue: string, atMs: number): ResolvedDefinition {
    const piece = pieceOf(site, atMs);
    const k = `${site}\0${queue}\0${piece}`;
    let r = resolvedCache.get(k);
    if (!r) {
      const sk = `${site}\0${piece}`;
      let ss = siteCache.get(sk);
      if (!ss) siteCache.set(sk, (ss = siteSettingsAt(site, atMs)));
      r = {
        settings: mergeQueueSettings(ss.defaults, ss.queues[queue]),
        settings_version: newestValid(settingsBy.get(`${site}\0${queue}`), atMs)?.version ?? 0,
        site_defaults_version: newestValid(settingsBy.get(`${site}\0`), atMs)?.version ?? 0,
        calendar: calendarAt(site, atMs),
      };
      resolvedCache.set(k, r);
    }
    return r;
  }

  const sites = [...new Set([...siteQueues.keys(), ...calendarsBy.keys(), ...Object.keys(base.settings.sites), ...Object.keys(base.calendars)])].sort();

  return {
    at,
    calendarAt,
    sites,
    changes(site, fromMs, toMs) {
      return (changesBy.get(site) ?? []).filter((t) => t > fromMs && t < toMs);
    },
    queuesWithOwnSettings(site, atMs) {
      const own = new Set(Object.keys(baseSite(site).queues));
      for (const queue of siteQueues.get(site) ?? []) if (newestValid(settingsBy.get(`${site}\0${queue}`), atMs)) own.add(queue);
      return [...own].sort();
    },
    settingsAt(atMs) {
      const out: ProcessorSettings = { defaultSite: base.settings.defaultSite, sites: { ...base.settings.sites } };
      for (const site of siteQueues.keys()) out.sites[site] = siteSettingsAt(site, atMs);
      return out;
    },
    calendarsAt(atMs) {
      const out: Record<string, SiteCalendarSpec> = { ...base.calendars };
      for (const site of calendarsBy.keys()) {
        const v = newestValid(calendarsBy.get(site), atMs);
        if (v) out[site] = v.spec;
      }
      return out;
    },
  };
}

/**
 * What a KPI row, a report or a live snapshot states about the definition that produced it
 * (docs/kpi-definitions.md §12): `settings` are the resolved ones with any request overrides.
 */
export function stateDefinition(
  settings: QueueSettings,
  r: ResolvedDefinition,
  o: { site: string; tz: string; holidays: string[]; overrides?: StatedDefinition['overrides']; spans_change?: boolean },
): StatedDefinition {
  return {
    formula: settings.formula, threshold_s: settings.threshold_s, strict: settings.strict, short_abandon_s: settings.short_abandon_s, tz: o.tz,
    count_refused: settings.count_refused, include_out_of_hours: settings.include_out_of_hours, target_pct: settings.target_pct, site: o.site,
    settings_version: r.settings_version, site_defaults_version: r.site_defaults_version,
    calendar_version: r.calendar.version, calendar_tz: r.calendar.spec.tz,
    holidays: o.holidays, overrides: [...(o.overrides ?? [])], spans_change: o.spans_change ?? false,
  };
}
