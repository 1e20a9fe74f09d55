// The monthly indicator report (kpi-definitions §7, issue #6) as data: per queue a summary, by
// day, by hour of day and by agent, plus every definition setting that produced the figures.
// Pure: built from integer sums the store computed (per queue and local hour, per queue and
// agent), so memory is bounded by queues x hours x days and agents, never by stints.
// The writers (CSV, XLSX, PDF) render this model and nothing else, which is what lets a closed
// month, stored as this model, reproduce the same figures byte for byte.
import type { ContactKpiRow, EscalationMonthly, FunnelRow, KpiFigures } from '../../contract.ts';
import type { SiteCalendarSpec } from '../../core/calendar.ts';
import { emptySums, figures, mergeSums, ratio2, type AgentSumsRow, type KpiSums } from '../../core/kpi-math.ts';
import type { QueueSettings } from '../../core/settings.ts';

export const REPORT_FORMATS = ['csv', 'xlsx', 'pdf'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];
export const REPORT_LANGS = ['es', 'en'] as const;
export type ReportLang = (typeof REPORT_LANGS)[number];

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** Year and month of `YYYY-MM`, or null when malformed. */
export function parseMonth(s: string): { year: number; month: number } | null {
  const m = MONTH.exec(s);
  return m ? { year: Number(m[1]), month: Number(m[2]) } : null;
}

export function monthKey(year: number, month: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}`;
}

/** The month after `YYYY-MM`. */
export function nextMonth(year: number, month: number): { year: number; month: number } {
  return month === 12 ? { year: year + 1, month: 1 } : { year, month: month + 1 };
}

/** Every local date `YYYY-MM-DD` of the months first..last (inclusive). */
export function daysOfMonths(first: string, last: string): string[] {
  const a = parseMonth(first);
  const b = parseMonth(last);
  if (!a || !b) throw new RangeError(`bad month range ${first}..${last}`);
  const out: string[] = [];
  let t = Date.UTC(a.year, a.month - 1, 1);
  const end = Date.UTC(b.year, b.month, 1);
  for (; t < end; t += 86_400_000) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

/** The definition settings one queue's figures were computed with, and their stored version. */
export interface QueueDefinition {
  formula: QueueSettings['formula'];
  threshold_s: number;
  strict: boolean;
  short_abandon_s: number;
  count_refused: boolean;
  include_out_of_hours: boolean;
  target_pct: number;
  /** Version of the queue's own settings in settings_versions (0 = none stored, site defaults apply). */
  settings_version: number;
  /** Version of the site defaults in settings_versions (0 = built-in defaults). */
  site_defaults_version: number;
}

/** Figures plus whether the service level met the queue's target (null when SL has no data). */
export interface ReportFigures extends KpiFigures {
  met: boolean | null;
}

export interface AgentFigures {
  agent: string;
  answered: number;
  /** Sum of talk seconds over answered stints with a known talk time, and their count. */
  aht_s: number | null;
  asa_s: number | null;
}

export interface QueueReport {
  queue: string;
  definition: QueueDefinition;
  summary: ReportFigures;
  by_day: Array<ReportFigures & { day: string }>;
  /** Always 24 rows, hour 0..23 of the local day, summed over every day of the period. */
  by_hour: Array<ReportFigures & { hour: number }>;
  /** Sorted by agent name; '' is an answered stint with no agent logged. */
  by_agent: AgentFigures[];
}

/** The stint fingerprint's current scheme (store/queries/stint-fingerprint.sql). */
export const FINGERPRINT_SCHEME = 2;

export interface DataFingerprint {
  /** count + order-independent hash of the period's stints (see store/report-store.ts). */
  value: string;
  stints: number;
  /**
   * How the hash was computed: 2 covers every stint with every field; 1 (months closed before
   * 2026-12) skipped unanswered stints. A closed month is compared with live data hashed the same way.
   */
  scheme: 1 | 2;
  /**
   * The site's CDR rows whose start lies in the period (count + order-independent hash, see
   * store/report-store.ts), when the report has a funnel section: a CDR row stored after closing
   * changes the funnel the month would have now, so it raises the late-data warning too.
   */
  cdr?: { value: string; rows: number };
  /**
   * The site's contacts of other channels arriving in the period (count + order-independent hash
   * of each contact's state, store/queries/contacts-fingerprint.sql), when the report has a
   * channels section: a contact stored after closing raises the late-data warning too.
   */
  contacts?: { value: string; rows: number };
}

export interface MonthlyReport {
  site: string;
  /** `YYYY-MM`; first_month = last_month for the monthly report. */
  first_month: string;
  last_month: string;
  tz: string;
  calendar: { spec: SiteCalendarSpec; version: number };
  /**
   * The site calendar's holidays (`YYYY-MM-DD`) within the period: the days the call figures
   * treated as closed. null: a month closed before reports stated their holidays, exported as
   * it was then (the escalations' holidays are in `escalations.calendar`).
   */
  site_holidays: string[] | null;
  /** Sorted by queue name (case-sensitive, code-point order). */
  queues: QueueReport[];
  /** Fingerprint of the stints the figures were computed from. */
  fingerprint: DataFingerprint;
  /** Set when the figures come from a closed month. */
  frozen: { version: number; closed_at_ms: number; closed_by: string } | null;
  /**
   * The site's escalation (PQRSD) indicators of the month (kpi-definitions §8), or null when
   * there is nothing to report (see `escalationsToReport`). Site-wide: not filtered by queue.
   * Frozen with the month like every other figure.
   */
  escalations: EscalationMonthly | null;
  /**
   * The call funnel of the period (kpi-definitions §13): the rows of the funnel read
   * (store/funnel-query.ts, what GET /api/funnel answers for the month, by month), one per
   * service configured for the site in its configured order, a service without calls with
   * zeros. null: no funnel service configured for the site (no section); absent: a month closed
   * before reports carried the funnel, exported as it was then. Frozen with the month.
   */
  funnel?: FunnelRow[] | null;
  /**
   * Contacts of other channels in the period (kpi-definitions §15): the rows of the one contact
   * read (contacts/contact-query.ts, what GET /api/contacts/kpis answers for the month, by month),
   * one per channel with contacts. null: no contact in the month (no section); absent: a month
   * closed before reports carried channels, exported as it was then. Frozen with the month.
   */
  channels?: ContactKpiRow[] | null;
}

export interface HourSumsRow {
  queue: string;
  /** Local `YYYY-MM-DDTHH`. */
  period: string;
  sums: KpiSums;
}

export type { AgentSumsRow };

export interface BuildReportInput {
  site: string;
  first_month: string;
  last_month: string;
  tz: string;
  calendar: { spec: SiteCalendarSpec; version: number };
  hours: HourSumsRow[];
  agents: AgentSumsRow[];
  /** The definition of each queue that may appear (queues with data, and every wanted one). */
  definitionOf: (queue: string) => QueueDefinition;
  /** Queues asked for; empty = every queue with stints in the period. */
  queues: string[];
  fingerprint: DataFingerprint;
  /** The site's escalation indicators of the period (queryEscalationMonthly); null or absent = none. */
  escalations?: EscalationMonthly | null;
  /** The funnel rows of the period (see MonthlyReport.funnel); null or absent = no services configured. */
  funnel?: FunnelRow[] | null;
  /** The channel rows of the period (see MonthlyReport.channels); null, absent or empty = no section. */
  channels?: ContactKpiRow[] | null;
}

function withMet(f: KpiFigures, target: number): ReportFigures {
  // Met is decided on the printed (rounded) SL, so the document never says "80.00 %, not met".
  return { ...f, met: f.sl_pct === null ? null : f.sl_pct >= target };
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function buildMonthlyReport(input: BuildReportInput): MonthlyReport {
  const days = daysOfMonths(input.first_month, input.last_month);
  const dayIndex = new Map(days.map((d, i) => [d, i]));
  interface Acc {
    month: KpiSums;
    days: KpiSums[];
    hours: KpiSums[];
  }
  const acc = new Map<string, Acc>();
  const accOf = (queue: string): Acc => {
    let a = acc.get(queue);
    if (!a) {
      a = { month: emptySums(), days: days.map(() => emptySums()), hours: Array.from({ length: 24 }, () => emptySums()) };
      acc.set(queue, a);
    }
    return a;
  };
  for (const q of input.queues) accOf(q);
  for (const r of input.hours) {
    if (input.queues.length > 0 && !input.queues.includes(r.queue)) continue;
    const a = accOf(r.queue);
    const di = dayIndex.get(r.period.slice(0, 10));
    const hour = Number(r.period.slice(11, 13));
    if (di === undefined || !(hour >= 0 && hour < 24)) throw new RangeError(`hour row outside the period: ${r.queue} ${r.period}`);
    mergeSums(a.month, r.sums);
    mergeSums(a.days[di] as KpiSums, r.sums);
    mergeSums(a.hours[hour] as KpiSums, r.sums);
  }
  const agentsByQueue = new Map<string, AgentFigures[]>();
  for (const r of input.agents) {
    if (!acc.has(r.queue)) continue;
    let list = agentsByQueue.get(r.queue);
    if (!list) agentsByQueue.set(r.queue, (list = []));
    list.push({ agent: r.agent, answered: r.answered, aht_s: ratio2(r.talk_sum, r.talk_n), asa_s: ratio2(r.answered_wait_sum, r.answered_wait_n) });
  }
  const queues: QueueReport[] = [...acc.keys()].sort(cmp).map((queue) => {
    const a = acc.get(queue) as Acc;
    const def = input.definitionOf(queue);
    const fig = (s: KpiSums): ReportFigures => withMet(figures(s), def.target_pct);
    return {
      queue,
      definition: def,
      summary: fig(a.month),
      by_day: days.map((day, i) => ({ day, ...fig(a.days[i] as KpiSums) })),
      by_hour: a.hours.map((s, hour) => ({ hour, ...fig(s) })),
      by_agent: (agentsByQueue.get(queue) ?? []).sort((x, y) => cmp(x.agent, y.agent)),
    };
  });
  return {
    site: input.site,
    first_month: input.first_month,
    last_month: input.last_month,
    tz: input.tz,
    calendar: input.calendar,
    site_holidays: (input.calendar.spec.holidays ?? []).filter((d) => dayIndex.has(d)).sort(),
    queues,
    fingerprint: input.fingerprint,
    frozen: null,
    escalations: escalationsToReport(input.escalations ?? null),
    funnel: input.funnel ?? null,
    channels: input.channels && input.channels.length > 0 ? input.channels : null,
  };
}

/**
 * The escalation indicators worth a section of the report: a month in which no ticket was
 * closed and none was open and overdue at its end has nothing to report, so it adds no section
 * (a site that does not use escalations gets the same report as before they existed).
 */
export function escalationsToReport(m: EscalationMonthly | null): EscalationMonthly | null {
  return m !== null && (m.total.closed > 0 || m.open_overdue_at_month_end > 0) ? m : null;
}

/** Whether the live data still matches the data a closed month was computed from. */
export function dataChanged(report: MonthlyReport, live: DataFingerprint | null): boolean {
  return report.frozen !== null && live !== null && (live.value !== report.fingerprint.value || live.stints !== report.fingerprint.stints || cdrChanged(report, live) || contactsChanged(report, live));
}

/** Whether the month's contacts changed since closing (only a month closed with a channels section has their fingerprint). */
export function contactsChanged(report: MonthlyReport, live: DataFingerprint | null): boolean {
  const then = report.fingerprint.contacts;
  return report.frozen !== null && then !== undefined && live?.contacts !== undefined && live.contacts.value !== then.value;
}

/** Whether the month's CDR rows changed since closing (only a month closed with a funnel section has their fingerprint). */
export function cdrChanged(report: MonthlyReport, live: DataFingerprint | null): boolean {
  const then = report.fingerprint.cdr;
  return report.frozen !== null && then !== undefined && live?.cdr !== undefined && live.cdr.value !== then.value;
}
