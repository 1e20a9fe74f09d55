// The reports page's figures: KPI rows from /api/kpis checked field by field, the table and CSV
// they make, and the ECharts options of every chart (plain data, so tests assert on them).
// Pure: rows in, options out.

import type { AgentPerformance, KpiRow, WaitBucket } from '@tablero/processor/contract';
import { MAX_QUEUE_LENGTH, MAX_QUEUES, SITE_ID as SITE } from '../../../shared/kpi-query-limits.ts';
import { ApiError } from '../../lib/api.ts';
import { isNum, isObj } from '../../lib/guards.ts';
import type { Cell } from '../../lib/csv.ts';
import type { MessageKey, MessageParams } from '../../lib/messages.ts';

export const GROUPINGS = ['month', 'day', 'hour', 'interval'] as const;
export type Grouping = (typeof GROUPINGS)[number];

/** The columns of the KPI table, in order; also the CSV columns. */
export const KPI_COLUMNS = [
  'offered', 'answered', 'answered_within', 'abandoned', 'unanswered', 'sl_pct', 'abandon_rate_pct', 'asa_s', 'aht_s', 'longest_wait_s',
] as const;
export type KpiColumn = (typeof KPI_COLUMNS)[number];

export interface ReportForm {
  /** First day, inclusive (YYYY-MM-DD). */
  from: string;
  /** Last day, inclusive (YYYY-MM-DD): the page asks the API for the day after (its `to` is exclusive). */
  to: string;
  /** Comma-separated queue names; empty = every queue. */
  queues: string;
  by: Grouping;
  /** '' = each queue's own setting. */
  formula: string;
  threshold: string;
  strict: '' | 'true' | 'false';
  /** '' = the installation's site. */
  site: string;
}

export function queueList(text: string): string[] {
  return [...new Set(text.split(',').map((s) => s.trim()).filter((s) => s !== ''))];
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** `YYYY-MM-DD` moved by `n` calendar days, or null when `day` is not a real date. */
export function addDays(day: string, n: number): string | null {
  const m = DAY.exec(day);
  if (!m) return null;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  if (d.toISOString().slice(0, 10) !== day) return null;
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** A text of the shell catalog with its parameters: kept as a key so it follows a language switch. */
export interface KeyedText {
  key: MessageKey;
  params?: MessageParams;
  /** The form field the text is about, as its label's key (the `{field}` parameter). */
  field?: MessageKey;
}

export type FormField = 'from' | 'to' | 'queues' | 'threshold' | 'site';
export type FormProblems = Partial<Record<FormField, KeyedText>>;


/** What is wrong with the form, per field (empty when it can be sent): the server's own rules, checked before asking. */
export function formProblems(f: ReportForm): FormProblems {
  const out: FormProblems = {};
  if (addDays(f.from, 0) === null) out.from = { key: 'report.invalid.date' };
  if (addDays(f.to, 0) === null) out.to = { key: 'report.invalid.date' };
  else if (out.from === undefined && f.to < f.from) out.to = { key: 'report.invalid.order' };
  const queues = queueList(f.queues);
  if (queues.length > MAX_QUEUES || queues.some((q) => q.length > MAX_QUEUE_LENGTH)) out.queues = { key: 'report.invalid.queues', params: { n: MAX_QUEUES, len: MAX_QUEUE_LENGTH } };
  if (!/^\d{0,9}$/.test(f.threshold.trim())) out.threshold = { key: 'report.invalid.threshold' };
  if (f.site.trim() !== '' && !SITE.test(f.site.trim())) out.site = { key: 'report.invalid.site' };
  return out;
}

/** Query parameters of /api/kpis for a valid form; unset definition fields are left to the queue. */
export function kpiParams(f: ReportForm, by: Grouping = f.by): Record<string, string | readonly string[] | undefined> {
  return {
    from: f.from,
    to: addDays(f.to, 1) ?? f.to,
    queue: queueList(f.queues),
    by,
    formula: f.formula === '' ? undefined : f.formula,
    threshold: f.threshold.trim() === '' ? undefined : f.threshold.trim(),
    strict: f.strict === '' ? undefined : f.strict,
    site: f.site.trim() === '' ? undefined : f.site.trim(),
  };
}

/** The chart routes take the same parameters but the grouping. */
export function rangeParams(f: ReportForm): Record<string, string | readonly string[] | undefined> {
  const { by: _by, ...rest } = kpiParams(f);
  return rest;
}

const PARAM_FIELDS: Record<string, MessageKey> = {
  from: 'report.from', to: 'report.to', queue: 'report.queues', threshold: 'report.threshold',
  formula: 'report.formula', strict: 'report.strict', site: 'report.site', by: 'report.by',
};

/**
 * A refused report in the user's words. The server answers `{ code, message }` with an English
 * message naming the parameter (`bad query parameter to: must be after from`); the parameter
 * is named by the form's own label and the reasons the form can lead to are said in full.
 */
export function refusalText(err: unknown): KeyedText {
  if (!(err instanceof ApiError)) return { key: 'report.error', params: { code: 'ERROR' } };
  if (err.status === 0) return { key: 'report.refused.network' };
  if (err.code === 'TABLERO_ERR_FORBIDDEN') return { key: 'report.refused.forbidden' };
  if (err.code === 'TABLERO_ERR_BAD_QUERY') {
    const m = /^bad query parameter (\S+): (.*)$/.exec(err.message);
    const param = m?.[1] ?? '';
    const reason = m?.[2] ?? '';
    if (param === 'from/to' || reason === 'must be after from') return { key: 'report.invalid.order' };
    if (/YYYY-MM-DD/.test(reason)) return { key: 'report.invalid.date' };
    if (param === 'threshold') return { key: 'report.invalid.threshold' };
    if (param === 'site') return { key: 'report.invalid.site' };
    const field = PARAM_FIELDS[param];
    if (field) return { key: 'report.refused.field', field };
  }
  return { key: 'report.error', params: { code: err.code } };
}

/** Per queue, the definition its newest row states, and whether any row spans a change. */
export function queueDefinitions(rows: readonly KpiRow[]): Array<{ queue: string; definition: KpiRow['definition']; holidays: string[]; spans_change: boolean }> {
  const out = new Map<string, { queue: string; definition: KpiRow['definition']; holidays: string[]; spans_change: boolean }>();
  for (const r of rows) {
    const prev = out.get(r.queue);
    const holidays = [...new Set([...(prev?.holidays ?? []), ...r.definition.holidays])].sort();
    out.set(r.queue, { queue: r.queue, definition: r.definition, holidays, spans_change: (prev?.spans_change ?? false) || r.definition.spans_change });
  }
  return [...out.values()];
}

const numOrNull = (v: unknown): boolean => v === null || isNum(v);

export function isKpiRow(v: unknown): v is KpiRow {
  if (!isObj(v) || typeof v.queue !== 'string' || typeof v.period !== 'string') return false;
  if (!['offered', 'answered', 'answered_within', 'abandoned', 'unanswered'].every((k) => isNum(v[k]))) return false;
  if (!['sl_pct', 'abandon_rate_pct', 'asa_s', 'aht_s', 'longest_wait_s'].every((k) => numOrNull(v[k]))) return false;
  const d = v.definition;
  return isObj(d) && typeof d.formula === 'string' && isNum(d.threshold_s) && typeof d.strict === 'boolean' && typeof d.tz === 'string';
}

export function kpiRows(v: unknown): KpiRow[] {
  return Array.isArray(v) ? v.filter(isKpiRow) : [];
}

export function kpiCsvRows(rows: readonly KpiRow[]): Cell[][] {
  return rows.map((r) => [r.queue, r.period, ...KPI_COLUMNS.map((c) => r[c]), r.definition.formula, r.definition.threshold_s, r.definition.strict, r.definition.tz]);
}

function periods(rows: readonly KpiRow[]): string[] {
  return [...new Set(rows.map((r) => r.period))].sort();
}

function queues(rows: readonly KpiRow[]): string[] {
  const c = new Intl.Collator('en', { numeric: true });
  return [...new Set(rows.map((r) => r.queue))].sort(c.compare);
}

/** A period as the chart's x label: the part that changes within the range. */
export function periodLabel(period: string): string {
  if (/T\d{2}:\d{2}$/.test(period)) return period.slice(5).replace('T', ' ');
  if (/T\d{2}$/.test(period)) return `${period.slice(5, 10)} ${period.slice(11)}h`;
  return period;
}

export interface SeriesLabels {
  sl: string;
  offered: string;
  answered: string;
  abandoned: string;
}

/**
 * How a chart writes its numbers: the user's locale, the same helpers as the tables (ECharts
 * would otherwise write `2,500` and `84.5` whatever the language).
 */
export interface ChartNumbers {
  /** Counts: `2.500` (es), `2,500` (en). */
  count: (n: number) => string;
  /** A figure in percent with `digits` decimals: `84,62 %`. */
  pct: (n: number, digits: 0 | 2) => string;
  /** Seconds as the tables write them: `45 s`, `2:05`. */
  duration: (s: number) => string;
  /** A plain number with decimals (minutes of pause): `1,5`. */
  decimal: (n: number) => string;
}

type Fmt = (n: number) => string;
const LEGEND = { top: 0, type: 'scroll' as const, textStyle: { color: '#c8d1dc' }, pageTextStyle: { color: '#c8d1dc' } };
const AXIS_TEXT = { color: '#c8d1dc' };

/** A tooltip over the category under the pointer, every value written by `fmt` (none is `—`). */
function axisTooltip(fmt: Fmt) {
  return { trigger: 'axis' as const, valueFormatter: (v: unknown): string => (typeof v === 'number' && Number.isFinite(v) ? fmt(v) : '—') };
}

/** A value axis labelled by `fmt`; counts never get fractional ticks. */
function valueAxis(fmt: Fmt, extra: { min?: number; max?: number; minInterval?: number; name?: string } = {}) {
  return { type: 'value' as const, ...extra, axisLabel: { ...AXIS_TEXT, formatter: (v: number): string => fmt(v) } };
}

/** Periods in order: ECharts may skip labels of a long range (the neighbours say which they are). */
function periodAxis(data: string[]) {
  return { type: 'category' as const, data, axisLabel: AXIS_TEXT };
}

/** A category axis of names that shows every label, turned when there are many so none is skipped. */
function categoryAxis(data: string[], turnAbove: number) {
  return { type: 'category' as const, data, axisLabel: { ...AXIS_TEXT, interval: 0, hideOverlap: false, rotate: data.length > turnAbove ? 40 : 0 } };
}

/** Bottom margin under a category axis: room for turned labels. */
function bottomFor(data: readonly string[], turnAbove: number): number {
  if (data.length <= turnAbove) return 28;
  const longest = Math.max(...data.map((d) => d.length));
  return Math.min(120, 20 + Math.ceil(longest * 6.5 * 0.65));
}

/** Service level per period, one line per queue (a ratio is never summed across queues). */
export function slChartOption(rows: readonly KpiRow[], target: number | null, num: ChartNumbers) {
  const ps = periods(rows).map(periodLabel);
  return {
    tooltip: axisTooltip((v) => num.pct(v, 2)),
    legend: LEGEND,
    grid: { left: 56, right: 16, top: 32, bottom: 28 },
    xAxis: periodAxis(ps),
    yAxis: valueAxis((v) => num.pct(v, 0), { min: 0, max: 100 }),
    series: queues(rows).map((q, i) => {
      const byPeriod = new Map(rows.filter((r) => r.queue === q).map((r) => [r.period, r.sl_pct]));
      return {
        type: 'line' as const,
        name: q,
        connectNulls: false,
        data: periods(rows).map((p) => byPeriod.get(p) ?? null),
        ...(i === 0 && target !== null ? { markLine: { symbol: 'none', data: [{ yAxis: target }] } } : {}),
      };
    }),
  };
}

/** Offered, answered and abandoned per period, summed over the chosen queues (counts add up). */
export function volumeChartOption(rows: readonly KpiRow[], labels: SeriesLabels, num: ChartNumbers) {
  const ps = periods(rows);
  const names = ps.map(periodLabel);
  const sum = (key: 'offered' | 'answered' | 'abandoned') => ps.map((p) => rows.filter((r) => r.period === p).reduce((a, r) => a + r[key], 0));
  return {
    tooltip: axisTooltip(num.count),
    legend: LEGEND,
    grid: { left: 56, right: 16, top: 32, bottom: 28 },
    xAxis: periodAxis(names),
    yAxis: valueAxis(num.count, { min: 0, minInterval: 1 }),
    series: [
      { type: 'line' as const, name: labels.offered, data: sum('offered') },
      { type: 'bar' as const, name: labels.answered, data: sum('answered') },
      { type: 'bar' as const, name: labels.abandoned, data: sum('abandoned') },
    ],
  };
}

export type { WaitBucket };

export function parseWaitBuckets(v: unknown): WaitBucket[] {
  if (!isObj(v) || !Array.isArray(v.buckets)) return [];
  return v.buckets.filter(
    (b): b is WaitBucket => isObj(b) && isNum(b.from_s) && (b.to_s === null || isNum(b.to_s)) && isNum(b.answered) && isNum(b.abandoned),
  );
}

export function bucketLabel(b: WaitBucket): string {
  return b.to_s === null ? `≥ ${b.from_s} s` : `${b.from_s}–${b.to_s} s`;
}

export function waitChartOption(buckets: readonly WaitBucket[], labels: SeriesLabels, num: ChartNumbers) {
  const names = buckets.map(bucketLabel);
  return {
    tooltip: axisTooltip(num.count),
    legend: LEGEND,
    grid: { left: 56, right: 16, top: 32, bottom: bottomFor(names, 6) },
    xAxis: categoryAxis(names, 6),
    yAxis: valueAxis(num.count, { min: 0, minInterval: 1 }),
    series: [
      { type: 'bar' as const, name: labels.answered, data: buckets.map((b) => b.answered) },
      { type: 'bar' as const, name: labels.abandoned, data: buckets.map((b) => b.abandoned) },
    ],
  };
}

const HOURS = Array.from({ length: 24 }, (_, h) => String(h).padStart(2, '0'));

/**
 * Offered calls by date (rows) and hour of day (columns) from hourly KPI rows, summed over the
 * queues: where the load falls in the day. An hour without calls is a cell of 0, so the
 * colour scale runs from the quietest to the busiest hour and the empty hours read as empty.
 */
export function heatmapOption(hourRows: readonly KpiRow[], num: ChartNumbers) {
  const days = [...new Set(hourRows.map((r) => r.period.slice(0, 10)))].sort();
  const cells = new Map<string, number>();
  for (const r of hourRows) {
    const hour = Number(r.period.slice(11, 13));
    const k = `${hour}|${r.period.slice(0, 10)}`;
    cells.set(k, (cells.get(k) ?? 0) + r.offered);
  }
  const data: Array<[number, number, number]> = [];
  let max = 0;
  for (const [k, v] of cells) {
    const [h, d] = k.split('|') as [string, string];
    data.push([Number(h), days.indexOf(d), v]);
    max = Math.max(max, v);
  }
  data.sort((a, b) => a[1] - b[1] || a[0] - b[0]);
  const top = Math.max(1, max);
  return {
    tooltip: {
      position: 'top' as const,
      formatter: (p: unknown): string => {
        const v = isObj(p) && Array.isArray(p.value) ? p.value : [];
        const [h, d, n] = [Number(v[0]), Number(v[1]), Number(v[2])];
        return `${days[d] ?? ''} ${HOURS[h] ?? ''}h: ${num.count(n)}`;
      },
    },
    grid: { left: 84, right: 16, top: 8, bottom: 76 },
    xAxis: { type: 'category' as const, data: HOURS, axisLabel: AXIS_TEXT },
    yAxis: { type: 'category' as const, data: days, axisLabel: AXIS_TEXT },
    // A plain bar with its two ends written beside it (no draggable handles whose labels land on
    // the hour labels), the darkest cells the quietest against the dark page.
    visualMap: {
      type: 'continuous' as const,
      min: 0,
      max: top,
      calculable: false,
      orient: 'horizontal' as const,
      left: 'center',
      bottom: 0,
      itemHeight: 160,
      itemWidth: 12,
      text: [num.count(top), num.count(0)],
      textGap: 8,
      inRange: { color: ['#1e3a5c', '#2f6fde', '#f2c14e'] },
      textStyle: AXIS_TEXT,
    },
    series: [{ type: 'heatmap' as const, data }],
  };
}

/** The processor's agent performance row (one type, from its contract). */
export type AgentPerf = AgentPerformance;

export function parseAgents(v: unknown): { agents: AgentPerf[]; reasons: string[] } {
  if (!isObj(v) || !Array.isArray(v.agents) || !Array.isArray(v.reasons)) return { agents: [], reasons: [] };
  const agents = v.agents.filter(
    (a): a is AgentPerf =>
      isObj(a) && typeof a.agent === 'string' && isNum(a.answered) && (a.aht_s === null || isNum(a.aht_s)) && isNum(a.talk_s) && isNum(a.pause_s) && isObj(a.pause_by_reason),
  );
  return { agents, reasons: v.reasons.filter((r): r is string => typeof r === 'string') };
}

/** Answered calls (bars) and AHT in seconds (line, right axis) per agent; every agent is labelled. */
export function agentChartOption(agents: readonly AgentPerf[], labels: { answered: string; aht: string }, num: ChartNumbers) {
  const names = agents.map((a) => a.agent);
  return {
    tooltip: axisTooltip(num.count),
    legend: LEGEND,
    grid: { left: 56, right: 56, top: 32, bottom: bottomFor(names, 6) },
    xAxis: categoryAxis(names, 6),
    yAxis: [valueAxis(num.count, { min: 0, minInterval: 1 }), valueAxis(num.duration, { min: 0 })],
    series: [
      { type: 'bar' as const, name: labels.answered, data: agents.map((a) => a.answered) },
      { type: 'line' as const, name: labels.aht, yAxisIndex: 1, data: agents.map((a) => a.aht_s), tooltip: { valueFormatter: axisTooltip(num.duration).valueFormatter } },
    ],
  };
}

/** Minutes paused per agent, stacked by reason ('' is shown as `noReason`). */
export function pauseChartOption(agents: readonly AgentPerf[], reasons: readonly string[], noReason: string, num: ChartNumbers) {
  const names = agents.map((a) => a.agent);
  return {
    tooltip: axisTooltip(num.decimal),
    legend: LEGEND,
    grid: { left: 56, right: 16, top: 32, bottom: bottomFor(names, 6) },
    xAxis: categoryAxis(names, 6),
    yAxis: valueAxis(num.decimal, { min: 0 }),
    series: reasons.map((r) => ({
      type: 'bar' as const,
      name: r === '' ? noReason : r,
      stack: 'pause',
      data: agents.map((a) => Math.round(((a.pause_by_reason[r] ?? 0) / 60) * 10) / 10),
    })),
  };
}
