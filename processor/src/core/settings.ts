// KPI definition settings (kpi-definitions §3-§4): site defaults plus per-queue overrides.
// Pure data and merging; storage of versions lives in store/.
import { SL_FORMULAS, type Definition, type SlFormula } from '../contract.ts';

export interface QueueSettings {
  formula: SlFormula;
  threshold_s: number;
  /** With strict, a wait of exactly T is after the threshold (applies to every "within T"). */
  strict: boolean;
  /** Abandons with wait < this many seconds leave every figure (0 = none). */
  short_abandon_s: number;
  /** Refused stints (FULL, JOINEMPTY, ...) count as offered. */
  count_refused: boolean;
  /** Out-of-hours stints count in every figure (they are always reported on their own too). */
  include_out_of_hours: boolean;
  target_pct: number;
  alerts: AlertThresholds;
}

/** An alert is raised when a figure crosses its threshold; null disables it. */
export interface AlertThresholds {
  sl_below_pct: number | null;
  waiting_above: number | null;
  longest_wait_above_s: number | null;
}

export const DEFAULT_QUEUE_SETTINGS: QueueSettings = {
  formula: 'offered',
  threshold_s: 20,
  strict: false,
  short_abandon_s: 0,
  count_refused: false,
  include_out_of_hours: false,
  target_pct: 80,
  alerts: { sl_below_pct: null, waiting_above: null, longest_wait_above_s: null },
};

export type QueueSettingsPatch = Partial<Omit<QueueSettings, 'alerts'>> & { alerts?: Partial<AlertThresholds> };

/** Settings of every queue of one site: defaults, then per-queue patches over them. */
export interface SiteSettings {
  defaults: QueueSettings;
  queues: Record<string, QueueSettingsPatch>;
}

export interface ProcessorSettings {
  /** Per site; a site not listed uses `defaultSite`. */
  sites: Record<string, SiteSettings>;
  defaultSite: SiteSettings;
}

export function defaultSiteSettings(): SiteSettings {
  return { defaults: { ...DEFAULT_QUEUE_SETTINGS, alerts: { ...DEFAULT_QUEUE_SETTINGS.alerts } }, queues: {} };
}

export function defaultProcessorSettings(): ProcessorSettings {
  return { sites: {}, defaultSite: defaultSiteSettings() };
}

export function mergeQueueSettings(base: QueueSettings, patch: QueueSettingsPatch | undefined): QueueSettings {
  if (!patch) return base;
  const { alerts, ...rest } = patch;
  const merged: QueueSettings = { ...base, alerts: { ...base.alerts, ...(alerts ?? {}) } };
  for (const [k, v] of Object.entries(rest)) {
    if (v !== undefined) (merged as unknown as Record<string, unknown>)[k] = v;
  }
  return merged;
}

export function queueSettings(settings: ProcessorSettings, site: string, queue: string): QueueSettings {
  const s = settings.sites[site] ?? settings.defaultSite;
  return mergeQueueSettings(s.defaults, s.queues[queue]);
}

/** The subset of settings the counting math needs (kpi-math's `def`). */
export interface SumsDefinition {
  threshold_s: number;
  strict: boolean;
  short_abandon_s: number;
  count_refused: boolean;
  include_out_of_hours: boolean;
}

export function toDefinition(s: QueueSettings, tz: string): Definition {
  return { formula: s.formula, threshold_s: s.threshold_s, strict: s.strict, short_abandon_s: s.short_abandon_s, tz };
}

export type SettingsCheck = { ok: true; value: QueueSettingsPatch } | { ok: false; reason: string };

/** Validates an untrusted patch (dashboard edits, stored JSON); reports the first bad field. */
export function checkQueueSettingsPatch(input: unknown): SettingsCheck {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return { ok: false, reason: 'not_an_object' };
  const o = input as Record<string, unknown>;
  const out: QueueSettingsPatch = {};
  const nonNegInt = (k: string): boolean => typeof o[k] === 'number' && Number.isInteger(o[k]) && (o[k] as number) >= 0;
  for (const k of Object.keys(o)) {
    switch (k) {
      case 'formula':
        if (!(SL_FORMULAS as readonly unknown[]).includes(o[k])) return { ok: false, reason: 'bad_field:formula' };
        out.formula = o[k] as SlFormula;
        break;
      case 'threshold_s':
      case 'short_abandon_s':
        if (!nonNegInt(k)) return { ok: false, reason: `bad_field:${k}` };
        out[k] = o[k] as number;
        break;
      case 'target_pct':
        if (typeof o[k] !== 'number' || !((o[k] as number) >= 0 && (o[k] as number) <= 100)) return { ok: false, reason: 'bad_field:target_pct' };
        out.target_pct = o[k] as number;
        break;
      case 'strict':
      case 'count_refused':
      case 'include_out_of_hours':
        if (typeof o[k] !== 'boolean') return { ok: false, reason: `bad_field:${k}` };
        out[k] = o[k] as boolean;
        break;
      case 'alerts': {
        const a = o[k];
        if (typeof a !== 'object' || a === null || Array.isArray(a)) return { ok: false, reason: 'bad_field:alerts' };
        const alerts: Partial<AlertThresholds> = {};
        for (const [ak, av] of Object.entries(a as Record<string, unknown>)) {
          if (ak !== 'sl_below_pct' && ak !== 'waiting_above' && ak !== 'longest_wait_above_s') return { ok: false, reason: `unknown_field:alerts.${ak}` };
          if (av !== null && (typeof av !== 'number' || !(av >= 0))) return { ok: false, reason: `bad_field:alerts.${ak}` };
          alerts[ak] = av as number | null;
        }
        out.alerts = alerts;
        break;
      }
      default:
        return { ok: false, reason: `unknown_field:${k}` };
    }
  }
  return { ok: true, value: out };
}
