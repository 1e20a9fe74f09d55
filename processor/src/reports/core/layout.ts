// The report laid out as tables of typed cells, once, for every writer: the CSV, XLSX and PDF
// writers only decide how a cell of a kind looks. Column order here is the stable column order
// of every export (a contract with the users' spreadsheets: add columns at the end only).
import { localParts } from '../../core/calendar.ts';
import { WEEKDAY_NAMES, type ContactKpiRow, type EscalationMonthly, type EscalationMonthlyRow, type FunnelRow } from '../../contract.ts';
import { cdrChanged, contactsChanged, dataChanged, type DataFingerprint, type MonthlyReport, type ReportFigures, type ReportLang } from './model.ts';
import { CHANNEL_COLUMN_KEYS, FUNNEL_COLUMN_KEYS, texts, type ReportTexts } from './texts.ts';

/**
 * int: counts; pct: percent with 2 decimals (83.33 = 83.33 %); sec: seconds with 2 decimals; text;
 * dec / dec3: other numbers with 2 / 3 decimals (quality scores, survey means / Fleiss' kappa).
 */
export type ColumnKind = 'text' | 'int' | 'pct' | 'sec' | 'dec' | 'dec3';

/** Decimals a number of this kind is printed with. */
export function kindDecimals(kind: ColumnKind): number {
  return kind === 'dec3' ? 3 : kind === 'pct' || kind === 'sec' || kind === 'dec' ? 2 : 0;
}
export type CellValue = string | number | null;

export interface Column {
  /** Stable key (a KpiFigures field, or queue/day/hour/agent/formula/...), for writers that pick columns. */
  key: string;
  header: string;
  kind: ColumnKind;
}

export interface Table {
  /** Sheet / section name. */
  name: string;
  columns: Column[];
  rows: CellValue[][];
}

export interface ReportLayout {
  lang: ReportLang;
  t: ReportTexts;
  title: string;
  /** `YYYY-MM` or `YYYY-MM..YYYY-MM`. */
  period: string;
  summary: Table;
  by_day: Table;
  by_hour: Table;
  by_agent: Table;
  /** Label / value lines of the definitions section (without the generation line). */
  definitions: Array<[string, string]>;
  queue_definitions: Table;
  /** The escalations (PQRSD) sheet / section, or null when the month has none to report. */
  escalations: EscalationsLayout | null;
  /** The call funnel sheet / section, or null when no funnel service is configured (or the month was closed before it existed). */
  funnel: SectionLayout | null;
  /** The channels sheet / section (contacts of other channels), or null when the month has none. */
  channels: SectionLayout | null;
  status: string;
  /** The data-changed warning of a closed month, else null. */
  warning: string | null;
  /** The one line that differs between two exports of the same closed month. */
  generated: [string, string];
}

/** A section of its own: a table, then label / value lines (a count is a number). */
export interface SectionLayout {
  table: Table;
  lines: Array<[string, string | number]>;
}

/** Escalation indicators per area and type (a total row last), then their lines. */
export type EscalationsLayout = SectionLayout;

export interface LayoutOptions {
  lang: ReportLang;
  generatedAtMs: number;
  /** Fingerprint of the stints now (null when not computed): compared with a closed month's. */
  live: DataFingerprint | null;
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** `YYYY-MM-DD HH:MM:SS ±HH:MM` in `tz`, from epoch milliseconds (seconds precision). */
export function formatLocal(ms: number, tz: string): string {
  const s = Math.floor(ms / 1000);
  const p = localParts(s, tz);
  const off = Math.round((Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) / 1000 - s) / 60);
  const sign = off < 0 ? '-' : '+';
  const a = Math.abs(off);
  return `${p.year}-${pad2(p.month)}-${pad2(p.day)} ${pad2(p.hour)}:${pad2(p.minute)}:${pad2(p.second)} ${sign}${pad2(Math.floor(a / 60))}:${pad2(a % 60)}`;
}

type FigureKey = Exclude<keyof ReportFigures, 'met'>;

const COUNT_KEYS: FigureKey[] = [
  'offered', 'answered', 'answered_within', 'unanswered', 'abandoned', 'timeout', 'exit_key', 'exit_empty', 'withdrawn', 'failed',
  'refused', 'short_abandoned', 'out_of_hours',
];
const RATIO_KEYS: Array<[FigureKey, ColumnKind]> = [
  ['abandon_rate_pct', 'pct'], ['unanswered_rate_pct', 'pct'], ['asa_s', 'sec'], ['avg_abandon_wait_s', 'sec'], ['aht_s', 'sec'], ['longest_wait_s', 'int'],
];

function yesNo(t: ReportTexts, v: boolean | null): string {
  return v === null ? '' : v ? t.yes : t.no;
}

export function layoutReport(report: MonthlyReport, o: LayoutOptions): ReportLayout {
  const t = texts(o.lang);
  const c = t.col;
  // One threshold in the header when every queue shares it ("Atendidas en 20 s o menos").
  const thresholds = new Set(report.queues.map((q) => `${q.definition.threshold_s}:${q.definition.strict}`));
  const first = report.queues[0]?.definition;
  const within = c.answered_within(thresholds.size === 1 && first ? first : null);
  const header = (k: FigureKey): string => (k === 'answered_within' ? within : c[k]);

  const figureColumns = (withFormula: boolean): Column[] => [
    ...COUNT_KEYS.map((k) => ({ key: k, header: header(k), kind: 'int' as const })),
    { key: 'sl_pct', header: c.sl_pct, kind: 'pct' },
    ...(withFormula ? [{ key: 'formula', header: c.formula, kind: 'text' as const }, { key: 'threshold_s', header: c.threshold_s, kind: 'int' as const }] : []),
    { key: 'target_pct', header: c.target_pct, kind: 'pct' },
    { key: 'met', header: c.met, kind: 'text' },
    ...RATIO_KEYS.map(([k, kind]) => ({ key: k, header: header(k), kind })),
  ];
  const figureCells = (f: ReportFigures, target: number, formula: [string, number] | null): CellValue[] => [
    ...COUNT_KEYS.map((k) => f[k]),
    f.sl_pct,
    ...(formula ?? []),
    target,
    yesNo(t, f.met),
    ...RATIO_KEYS.map(([k]) => f[k]),
  ];

  const summary: Table = {
    name: t.sheet.summary,
    columns: [{ key: 'queue', header: c.queue, kind: 'text' }, ...figureColumns(true)],
    rows: report.queues.map((q) => [
      q.queue,
      ...figureCells(q.summary, q.definition.target_pct, [t.formula[q.definition.formula], q.definition.threshold_s]),
    ]),
  };
  const by_day: Table = {
    name: t.sheet.by_day,
    columns: [{ key: 'queue', header: c.queue, kind: 'text' }, { key: 'day', header: c.day, kind: 'text' }, ...figureColumns(false)],
    rows: report.queues.flatMap((q) => q.by_day.map((d) => [q.queue, d.day, ...figureCells(d, q.definition.target_pct, null)])),
  };
  const by_hour: Table = {
    name: t.sheet.by_hour,
    columns: [{ key: 'queue', header: c.queue, kind: 'text' }, { key: 'hour', header: c.hour, kind: 'text' }, ...figureColumns(false)],
    rows: report.queues.flatMap((q) => q.by_hour.map((h) => [q.queue, `${pad2(h.hour)}:00`, ...figureCells(h, q.definition.target_pct, null)])),
  };
  const by_agent: Table = {
    name: t.sheet.by_agent,
    columns: [
      { key: 'queue', header: c.queue, kind: 'text' },
      { key: 'agent', header: c.agent, kind: 'text' },
      { key: 'answered', header: c.answered, kind: 'int' },
      { key: 'asa_s', header: c.asa_s, kind: 'sec' },
      { key: 'aht_s', header: c.aht_s, kind: 'sec' },
    ],
    rows: report.queues.flatMap((q) => q.by_agent.map((a) => [q.queue, a.agent === '' ? t.noAgent : a.agent, a.answered, a.asa_s, a.aht_s])),
  };
  const queue_definitions: Table = {
    name: t.def.definitions,
    columns: [
      { key: 'queue', header: c.queue, kind: 'text' },
      { key: 'formula', header: c.formula, kind: 'text' },
      { key: 'threshold_s', header: c.threshold_s, kind: 'int' },
      { key: 'strict', header: c.strict, kind: 'text' },
      { key: 'short_abandon_s', header: c.short_abandon_s, kind: 'int' },
      { key: 'count_refused', header: c.count_refused, kind: 'text' },
      { key: 'include_out_of_hours', header: c.include_out_of_hours, kind: 'text' },
      { key: 'target_pct', header: c.target_pct, kind: 'pct' },
      { key: 'settings_version', header: c.settings_version, kind: 'text' },
    ],
    rows: report.queues.map((q) => {
      const d = q.definition;
      return [
        q.queue, `${d.formula}: ${t.formula[d.formula]}`, d.threshold_s, yesNo(t, d.strict), d.short_abandon_s,
        yesNo(t, d.count_refused), yesNo(t, d.include_out_of_hours), d.target_pct, `${d.settings_version} / ${d.site_defaults_version}`,
      ];
    }),
  };

  const period = report.first_month === report.last_month ? report.first_month : `${report.first_month}..${report.last_month}`;
  const changed = dataChanged(report, o.live);
  const status = report.frozen
    ? t.def.closedOn(formatLocal(report.frozen.closed_at_ms, report.tz), report.frozen.closed_by, report.frozen.version)
    : t.def.open;
  const stintsChanged = changed && o.live !== null && (o.live.value !== report.fingerprint.value || o.live.stints !== report.fingerprint.stints);
  const cdrThen = report.fingerprint.cdr;
  const cdrNow = o.live?.cdr;
  const warnings = [
    ...(stintsChanged && o.live ? [t.def.changed(report.fingerprint.value, report.fingerprint.stints, o.live.value, o.live.stints)] : []),
    ...(cdrChanged(report, o.live) && cdrThen && cdrNow ? [t.def.changedCdr(cdrThen.value, cdrThen.rows, cdrNow.value, cdrNow.rows)] : []),
    ...(contactsChanged(report, o.live) && report.fingerprint.contacts && o.live?.contacts
      ? [t.def.changedContacts(report.fingerprint.contacts.value, report.fingerprint.contacts.rows, o.live.contacts.value, o.live.contacts.rows)]
      : []),
  ];
  const warning = warnings.length ? warnings.join(' ') : null;
  const definitions: Array<[string, string]> = [
    [t.def.report, t.title],
    [t.def.site, report.site],
    [t.def.period, period],
    [t.def.tz, report.tz],
    [t.def.calendar, describeCalendar(report, t)],
    [t.def.calendarVersion, String(report.calendar.version)],
    ...holidayLines(report, t),
    [t.def.status, status],
    [t.def.fingerprint, t.def.fingerprintValue(report.fingerprint.value, report.fingerprint.stints)],
    ...(report.fingerprint.cdr ? [[t.def.cdrFingerprint, t.def.cdrFingerprintValue(report.fingerprint.cdr.value, report.fingerprint.cdr.rows)] as [string, string]] : []),
    ...(report.fingerprint.contacts ? [[t.def.contactsFingerprint, t.def.contactsFingerprintValue(report.fingerprint.contacts.value, report.fingerprint.contacts.rows)] as [string, string]] : []),
  ];
  if (report.frozen) definitions.push([t.def.warning, warning ?? t.def.unchanged]);
  definitions.push([t.def.met, t.def.metText], [t.def.rounding, t.def.roundingText], [t.def.source, t.def.sourceText]);
  return {
    lang: o.lang,
    t,
    title: t.title,
    period,
    summary,
    by_day,
    by_hour,
    by_agent,
    definitions,
    queue_definitions,
    escalations: report.escalations ? layoutEscalations(report.escalations, t, { legacy: report.site_holidays === null }) : null,
    funnel: report.funnel ? layoutFunnel(report.funnel, t) : null,
    channels: report.channels ? layoutChannels(report.channels, t, o.lang) : null,
    status,
    warning,
    generated: [t.def.generated, `${formatLocal(o.generatedAtMs, report.tz)} (${report.tz})`],
  };
}

function describeCalendar(report: MonthlyReport, t: ReportTexts): string {
  const spec = report.calendar.spec;
  const weekly = spec.weekly
    ? spec.weekly.map((day, i) => `${t.def.weekdays[i] ?? i} ${day.length ? day.map((r) => `${r.from}-${r.to}`).join(', ') : t.def.closed}`).join('; ')
    : t.def.calendarAlwaysOpen;
  if (report.site_holidays !== null) return weekly;
  // A month closed before the holidays had lines of their own: its calendar line as it was then.
  const holidays = spec.holidays?.length ? spec.holidays.join(', ') : t.def.none;
  return `${weekly}; ${t.def.holidays}: ${holidays}`;
}

/**
 * The holidays each part of the report applied (kpi-definitions §6): the site calendar's in the
 * period for the call figures; for the escalations, their legal working weekdays and the
 * country and list of holidays their business days were counted with. None for a month closed
 * before these lines existed (it exports as it did then).
 */
function holidayLines(report: MonthlyReport, t: ReportTexts): Array<[string, string]> {
  if (report.site_holidays === null) return [];
  const lines: Array<[string, string]> = [[t.def.siteHolidays, report.site_holidays.length ? report.site_holidays.join(', ') : t.def.none]];
  const legal = report.escalations?.calendar;
  if (legal) {
    const country = legal.holidays_country === null ? t.def.noCountry : (t.def.countries[legal.holidays_country] ?? legal.holidays_country);
    const list = legal.holidays.length
      ? legal.holidays.map((h) => `${h.date} ${h.source === 'site' ? t.def.siteHoliday : h.name}`).join('; ')
      : t.def.none;
    lines.push(
      [t.def.legalDays, legal.working_weekdays.map((d) => t.def.weekdays[WEEKDAY_NAMES.indexOf(d)] ?? d).join(', ')],
      [t.def.legalHolidays, t.def.legalHolidaysValue(country, legal.from, legal.to, list)],
    );
  }
  return lines;
}

/** The escalations section: one row per (area, type) with tickets closed in the month, then the total. */
export function layoutEscalations(m: EscalationMonthly, t: ReportTexts, o: { legacy: boolean } = { legacy: false }): EscalationsLayout {
  const e = t.esc;
  const typeName = (type: string): string => e.types[type] ?? type;
  const figures = (r: EscalationMonthlyRow): CellValue[] => [r.closed, r.closed_on_time, r.on_time_pct, r.avg_days_to_answer, r.closed_late, r.atl_days];
  const table: Table = {
    name: e.title,
    columns: [
      { key: 'area', header: e.area, kind: 'text' },
      { key: 'ticket_type', header: e.type, kind: 'text' },
      { key: 'closed', header: e.closed, kind: 'int' },
      { key: 'closed_on_time', header: e.closed_on_time, kind: 'int' },
      { key: 'on_time_pct', header: e.on_time_pct, kind: 'pct' },
      { key: 'avg_days_to_answer', header: e.avg_days_to_answer, kind: 'dec' },
      { key: 'closed_late', header: e.closed_late, kind: 'int' },
      { key: 'atl_days', header: e.atl_days, kind: 'dec' },
    ],
    rows: [
      ...m.rows.map((r) => [r.area === '' ? e.noArea : r.area, typeName(r.ticket_type), ...figures(r)]),
      [e.total, '', ...figures(m.total)],
    ],
  };
  const lines: Array<[string, string | number]> = [
    [e.openOverdue, m.open_overdue_at_month_end],
    [e.terms, e.termsValue(Object.entries(m.terms).map(([k, d]) => [typeName(k), d]))],
    [e.definition, o.legacy ? e.definitionTextLegacy : e.definitionText],
  ];
  return { table, lines };
}

const FUNNEL_COUNT_KEYS = [
  'ingresadas', 'ivr_only', 'asked_agent', 'lost_before_queue', 'refused', 'offered', 'answered', 'answered_within', 'abandoned', 'other_exit',
] as const;

/**
 * The funnel section: one row per service with the funnel read's counts as they are, the row's
 * definition in text columns, then one line per column with its definition (kpi-definitions §13).
 */
export function layoutFunnel(rows: readonly FunnelRow[], t: ReportTexts): SectionLayout {
  const f = t.fun;
  const list = (xs: readonly string[]): string => (xs.length ? xs.join(', ') : f.any);
  const table: Table = {
    name: f.title,
    columns: FUNNEL_COLUMN_KEYS.map((key) => ({ key, header: f.col[key], kind: key === 'service' || !(FUNNEL_COUNT_KEYS as readonly string[]).includes(key) ? 'text' : 'int' })),
    rows: rows.map((r) => {
      const d = r.definition;
      const thresholds = d.thresholds.map((x) => `${x.queue} ${x.threshold_s} s${x.strict ? ` (${f.strict})` : ''}`).join('; ');
      // Nothing to state (no calls, no queue answered, no agent option) is an empty cell.
      const text = (s: string): string | null => (s === '' ? null : s);
      return [
        r.service,
        ...FUNNEL_COUNT_KEYS.map((k) => r[k]),
        text(r.by_option.map((o) => `${o.option === '' ? f.noOption : o.option}: ${o.calls}`).join('; ')),
        text(d.spans_change ? `${thresholds} (${f.spansChange})` : thresholds),
        list(d.contexts),
        list(d.dids),
        d.ivr_source,
        text(d.agent_options.join(', ')),
      ];
    }),
  };
  const lines: Array<[string, string | number]> = [
    ...FUNNEL_COLUMN_KEYS.map((k): [string, string] => [f.col[k], f.def[k]]),
    [f.identities, f.identitiesText],
    [f.source, f.sourceText],
  ];
  return { table, lines };
}

const CHANNEL_KINDS: Record<(typeof CHANNEL_COLUMN_KEYS)[number], ColumnKind> = {
  channel: 'text', received: 'int', answered: 'int', abandoned: 'int', unanswered: 'int', waiting: 'int', answered_within: 'int', within_pct: 'pct', abandon_pct: 'pct',
  first_response_avg_s: 'sec', first_response_max_s: 'sec', handled: 'int', handle_avg_s: 'sec', rated: 'int', rating_response_pct: 'pct', csat_pct: 'pct', threshold: 'text',
};

/**
 * The channels section: one row per channel with the contact read's figures as they are, the
 * channel's threshold in a text column, then the ratings per dimension and one line per column
 * with its definition (kpi-definitions §15).
 */
export function layoutChannels(rows: readonly ContactKpiRow[], t: ReportTexts, lang: ReportLang): SectionLayout {
  const c = t.chn;
  const name = (ch: string): string => c.channel[ch] ?? ch;
  const dec = (v: number | null): string => (v === null ? '' : lang === 'es' ? String(v).replace('.', ',') : String(v));
  const table: Table = {
    name: c.title,
    columns: CHANNEL_COLUMN_KEYS.map((key) => ({ key, header: c.col[key], kind: CHANNEL_KINDS[key] })),
    rows: rows.map((r) => {
      const d = r.definition;
      const threshold = `${d.strict ? '<' : '<='} ${d.threshold_s} s ${d.basis === 'business' ? c.business : c.wall}${d.strict ? ` (${c.strict})` : ''}${d.spans_change ? `; ${c.spansChange}` : ''}`;
      return CHANNEL_COLUMN_KEYS.map((k): CellValue => (k === 'channel' ? name(r.channel) : k === 'threshold' ? threshold : r[k]));
    }),
  };
  const lines: Array<[string, string | number]> = [
    ...rows.flatMap((r) => Object.entries(r.ratings).map(([dim, s]): [string, string] => [`${c.ratings} · ${name(r.channel)} · ${dim}`, c.ratingLine(s.answers, dec(s.mean), dec(s.csat_pct))])),
    ...CHANNEL_COLUMN_KEYS.map((k): [string, string] => [c.col[k], c.def[k]]),
    [c.source, c.sourceText],
  ];
  return { table, lines };
}
