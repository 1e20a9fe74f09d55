// The reports page's figures: KPI rows from /api/kpis checked field by field, the table and CSV
// they make, and the ECharts options of every chart (plain data, so tests assert on them).
// Pure: rows in, options out.

import type { AgentPerformance, KpiRow, WaitBucket } from '@tablero/processor/contract';
import { isNum, isObj } from '../../lib/guards.ts';
import type { Cell } from '../../lib/csv.ts';

export const GROUPINGS = ['month', 'day', 'hour', 'interval'] as const;
export type Grouping = (typeof GROUPINGS)[number];

/** The columns of the KPI table, in order; also the CSV columns. */
export const KPI_COLUMNS = [
  'offered', 'answered', 'answered_within', 'abandoned', 'unanswered', 'sl_pct', 'abandon_rate_pct', 'asa_s', 'aht_s', 'longest_wait_s',
] as const;
export type KpiColumn = (typeof KPI_COLUMNS)[number];

export interface ReportForm {
  from: string;
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

/** Query parameters of /api/kpis for the form; unset definition fields are left to the queue. */
export function kpiParams(f: ReportForm, by: Grouping = f.by): Record<string, string | readonly string[] | undefined> {
  return {
    from: f.from,
    to: f.to,
    queue: queueList(f.queues),
    by,
    formula: f.formula === '' ? undefined : f.formula,
    threshold: /^\d+$/.test(f.threshold.trim()) ? f.threshold.trim() : undefined,
    strict: f.strict === '' ? undefined : f.strict,
    site: f.site.trim() === '' ? undefined : f.site.trim(),
  };
}

/** The chart routes take the same parameters but the grouping. */
export function rangeParams(f: ReportForm): Record<string, string | readonly string[] | undefined> {
  const { by: _by, ...rest } = kpiParams(f);
  return rest;
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

/** Service level per period, one line per queue (a ratio is never summed across queues). */
export function slChartOption(rows: readonly KpiRow[], target: number | null) {
  const ps = periods(rows);
  return {
    tooltip: { trigger: 'axis' as const },
    legend: { top: 0, textStyle: { color: '#c8d1dc' } },
    grid: { left: 48, right: 16, top: 32, bottom: 28 },
    xAxis: { type: 'category' as const, data: ps.map(periodLabel) },
    yAxis: { type: 'value' as const, min: 0, max: 100 },
    series: queues(rows).map((q, i) => {
      const byPeriod = new Map(rows.filter((r) => r.queue === q).map((r) => [r.period, r.sl_pct]));
      return {
        type: 'line' as const,
        name: q,
        connectNulls: false,
        data: ps.map((p) => byPeriod.get(p) ?? null),
        ...(i === 0 && target !== null ? { markLine: { symbol: 'none', data: [{ yAxis: target }] } } : {}),
      };
    }),
  };
}

/** Offered, answered and abandoned per period, summed over the chosen queues (counts add up). */
export function volumeChartOption(rows: readonly KpiRow[], labels: SeriesLabels) {
  const ps = periods(rows);
  const sum = (key: 'offered' | 'answered' | 'abandoned') => ps.map((p) => rows.filter((r) => r.period === p).reduce((a, r) => a + r[key], 0));
  return {
    tooltip: { trigger: 'axis' as const },
    legend: { top: 0, textStyle: { color: '#c8d1dc' } },
    grid: { left: 48, right: 16, top: 32, bottom: 28 },
    xAxis: { type: 'category' as const, data: ps.map(periodLabel) },
    yAxis: { type: 'value' as const },
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

export function waitChartOption(buckets: readonly WaitBucket[], labels: SeriesLabels) {
  return {
    tooltip: { trigger: 'axis' as const },
    legend: { top: 0, textStyle: { color: '#c8d1dc' } },
    grid: { left: 48, right: 16, top: 32, bottom: 28 },
    xAxis: { type: 'category' as const, data: buckets.map(bucketLabel) },
    yAxis: { type: 'value' as const },
    series: [
      { type: 'bar' as const, name: labels.answered, data: buckets.map((b) => b.answered) },
      { type: 'bar' as const, name: labels.abandoned, data: buckets.map((b) => b.abandoned) },
    ],
  };
}

/**
 * Offered calls by date (rows) and hour of day (columns) from hourly KPI rows, summed over the
 * queues: where the load falls in the day.
 */
export function heatmapOption(hourRows: readonly KpiRow[]) {
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
  return {
    tooltip: { position: 'top' as const },
    grid: { left: 84, right: 16, top: 8, bottom: 64 },
    xAxis: { type: 'category' as const, data: Array.from({ length: 24 }, (_, h) => String(h).padStart(2, '0')) },
    yAxis: { type: 'category' as const, data: days },
    visualMap: { min: 0, max: Math.max(1, max), calculable: true, orient: 'horizontal' as const, left: 'center', bottom: 0, textStyle: { color: '#c8d1dc' } },
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

export function agentChartOption(agents: readonly AgentPerf[], labels: { answered: string; aht: string }) {
  return {
    tooltip: { trigger: 'axis' as const },
    legend: { top: 0, textStyle: { color: '#c8d1dc' } },
    grid: { left: 48, right: 48, top: 32, bottom: 28 },
    xAxis: { type: 'category' as const, data: agents.map((a) => a.agent) },
    yAxis: [{ type: 'value' as const }, { type: 'value' as const }],
    series: [
      { type: 'bar' as const, name: labels.answered, data: agents.map((a) => a.answered) },
      { type: 'line' as const, name: labels.aht, yAxisIndex: 1, data: agents.map((a) => a.aht_s) },
    ],
  };
}

/** Minutes paused per agent, stacked by reason ('' is shown as `noReason`). */
export function pauseChartOption(agents: readonly AgentPerf[], reasons: readonly string[], noReason: string) {
  return {
    tooltip: { trigger: 'axis' as const },
    legend: { top: 0, textStyle: { color: '#c8d1dc' } },
    grid: { left: 48, right: 16, top: 32, bottom: 28 },
    xAxis: { type: 'category' as const, data: agents.map((a) => a.agent) },
    yAxis: { type: 'value' as const },
    series: reasons.map((r) => ({
      type: 'bar' as const,
      name: r === '' ? noReason : r,
      stack: 'pause',
      data: agents.map((a) => Math.round(((a.pause_by_reason[r] ?? 0) / 60) * 10) / 10),
    })),
  };
}
