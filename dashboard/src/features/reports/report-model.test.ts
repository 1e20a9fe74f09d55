import { describe, expect, it } from 'vitest';
import type { KpiRow, StatedDefinition } from '@tablero/processor/contract';
import { figures } from '../../lib/snapshot-fixture.ts';
import { ApiError } from '../../lib/api.ts';
import { formatDecimal, formatDuration, formatPct, formatCount, type Locale } from '../../lib/format.ts';
import {
  addDays,
  agentChartOption,
  formProblems,
  heatmapOption,
  refusalText,
  kpiCsvRows,
  kpiParams,
  rangeParams,
  kpiRows,
  pauseChartOption,
  periodLabel,
  slChartOption,
  volumeChartOption,
  waitChartOption,
  type AgentPerf,
  type ChartNumbers,
  type ReportForm,
} from './report-model.ts';

const def: StatedDefinition = {
  formula: 'offered', threshold_s: 20, strict: false, short_abandon_s: 0, tz: 'America/La_Paz', count_refused: false, include_out_of_hours: false,
  target_pct: 80, site: 'default', settings_version: 0, site_defaults_version: 0, calendar_version: 0, calendar_tz: 'America/La_Paz', holidays: [], overrides: [], spans_change: false,
};
function row(queue: string, period: string, over: Partial<KpiRow> = {}): KpiRow {
  return { ...figures(), queue, period, definition: def, ...over };
}
const LABELS = { sl: 'NS', offered: 'Recibidas', answered: 'Atendidas', abandoned: 'Abandonadas' };
const numbers = (l: Locale): ChartNumbers => ({
  count: (n) => formatCount(l, n), pct: (n, d) => formatPct(l, n, d), decimal: (n) => formatDecimal(l, n, 1), duration: (n) => formatDuration(l, n),
});
const ES = numbers('es-BO');

describe('kpiParams', () => {
  const form: ReportForm = { from: '2026-10-01', to: '2026-10-07', queues: ' 101, 102,,101', by: 'day', formula: '', threshold: '', strict: '', site: '' };
  it('asks for the day after the inclusive last day (the API\'s `to` is exclusive) and leaves the definition to each queue unless switched', () => {
    expect(kpiParams(form)).toEqual({ from: '2026-10-01', to: '2026-10-08', queue: ['101', '102'], by: 'day', formula: undefined, threshold: undefined, strict: undefined, site: undefined });
  });
  it('passes a switched formula, threshold and strictness', () => {
    expect(kpiParams({ ...form, formula: 'answered', threshold: ' 30 ', strict: 'true' }, 'hour')).toEqual({
      from: '2026-10-01', to: '2026-10-08', queue: ['101', '102'], by: 'hour', formula: 'answered', threshold: '30', strict: 'true', site: undefined,
    });
  });
  it('names the site when one is given, and the charts get the same parameters but the grouping', () => {
    const f = { ...form, site: ' pbx-2 ', formula: 'answered' };
    expect(kpiParams(f).site).toBe('pbx-2');
    expect(rangeParams(f)).toEqual({ from: '2026-10-01', to: '2026-10-08', queue: ['101', '102'], formula: 'answered', threshold: undefined, strict: undefined, site: 'pbx-2' });
  });
});

describe('the inclusive range and the form checks', () => {
  it.each([
    ['2026-10-07', 1, '2026-10-08'],
    ['2026-10-31', 1, '2026-11-01'],
    ['2026-12-31', 1, '2027-01-01'],
    ['2028-02-28', 1, '2028-02-29'],
    ['2026-03-01', -1, '2026-02-28'],
    ['2026-02-30', 1, null],
    ['', 1, null],
    ['7/10/2026', 1, null],
  ])('%s moved %i day is %s', (day, n, out) => {
    expect(addDays(day, n)).toBe(out);
  });

  const ok: ReportForm = { from: '2026-10-01', to: '2026-10-01', queues: '101', by: 'day', formula: '', threshold: '20', strict: '', site: 'pbx-2' };
  it('accepts a one-day range, a threshold in whole seconds and a site id', () => {
    expect(formProblems(ok)).toEqual({});
    expect(kpiParams(ok)).toMatchObject({ from: '2026-10-01', to: '2026-10-02', threshold: '20' });
  });

  it.each<[Partial<ReportForm>, ReturnType<typeof formProblems>]>([
    [{ threshold: 'abc' }, { threshold: { key: 'report.invalid.threshold' } }],
    [{ threshold: '-5' }, { threshold: { key: 'report.invalid.threshold' } }],
    [{ threshold: '2.5' }, { threshold: { key: 'report.invalid.threshold' } }],
    [{ to: '2026-09-30' }, { to: { key: 'report.invalid.order' } }],
    [{ from: '' }, { from: { key: 'report.invalid.date' } }],
    [{ from: '2026-02-31', to: '' }, { from: { key: 'report.invalid.date' }, to: { key: 'report.invalid.date' } }],
    [{ site: 'sede norte' }, { site: { key: 'report.invalid.site' } }],
    [{ queues: 'x'.repeat(129) }, { queues: { key: 'report.invalid.queues', params: { n: 500, len: 128 } } }],
  ])('refuses %j with %j', (change, problems) => {
    expect(formProblems({ ...ok, ...change })).toEqual(problems);
  });

  it.each<[unknown, ReturnType<typeof refusalText>]>([
    [new ApiError(400, 'TABLERO_ERR_BAD_QUERY', 'bad query parameter to: must be after from'), { key: 'report.invalid.order' }],
    [new ApiError(400, 'TABLERO_ERR_BAD_QUERY', 'bad query parameter from/to: from (2026-10-08) must be before to (2026-10-01); to is exclusive'), { key: 'report.invalid.order' }],
    [new ApiError(400, 'TABLERO_ERR_BAD_QUERY', 'bad query parameter from: must be YYYY-MM-DD or an ISO datetime'), { key: 'report.invalid.date' }],
    [new ApiError(400, 'TABLERO_ERR_BAD_QUERY', 'bad query parameter threshold: must be an integer >= 0'), { key: 'report.invalid.threshold' }],
    [new ApiError(400, 'TABLERO_ERR_BAD_QUERY', 'bad query parameter queue: at most 500 queues'), { key: 'report.refused.field', field: 'report.queues' }],
    [new ApiError(403, 'TABLERO_ERR_FORBIDDEN', 'forbidden'), { key: 'report.refused.forbidden' }],
    [new ApiError(0, 'NETWORK', 'GET /api/kpis failed'), { key: 'report.refused.network' }],
    [new ApiError(500, 'TABLERO_ERR_KPI_QUERY_FAILED', 'x'), { key: 'report.error', params: { code: 'TABLERO_ERR_KPI_QUERY_FAILED' } }],
    [new Error('boom'), { key: 'report.error', params: { code: 'ERROR' } }],
  ])('says a refusal (%s) as %j', (err, text) => {
    expect(refusalText(err)).toEqual(text);
  });
});

describe('kpiRows and CSV', () => {
  it('keeps well-formed rows only and writes one CSV line per row with its definition', () => {
    const good = row('101', '2026-10-01', {
      offered: 10, answered: 8, answered_within: 7, abandoned: 2, unanswered: 2, sl_pct: 70, abandon_rate_pct: 20, asa_s: 12.5, aht_s: null, longest_wait_s: 40,
    });
    expect(kpiRows([good, { queue: 1 }, null])).toEqual([good]);
    expect(kpiRows({ nope: 1 })).toEqual([]);
    expect(kpiCsvRows([good])).toEqual([['101', '2026-10-01', 10, 8, 7, 2, 2, 70, 20, 12.5, null, 40, 'offered', 20, false, 'America/La_Paz']]);
  });
});

describe('chart options', () => {
  const rows = [
    row('102', '2026-10-01T09', { offered: 4, answered: 3, abandoned: 1, sl_pct: 75 }),
    row('101', '2026-10-01T09', { offered: 10, answered: 9, abandoned: 1, sl_pct: 90 }),
    row('101', '2026-10-01T10', { offered: 5, answered: 5, abandoned: 0, sl_pct: 100 }),
  ];

  it('draws SL per queue over the sorted periods, with the target on the first line', () => {
    const o = slChartOption(rows, 80, ES);
    expect(o.xAxis.data).toEqual(['10-01 09h', '10-01 10h']);
    expect(o.series.map((s) => [s.name, s.data])).toEqual([['101', [90, 100]], ['102', [75, null]]]);
    expect(o.series[0]).toMatchObject({ markLine: { data: [{ yAxis: 80 }] } });
    expect(o.series[1]).not.toHaveProperty('markLine');
  });

  it('sums counts over queues per period', () => {
    const o = volumeChartOption(rows, LABELS, ES);
    expect(o.series.map((s) => [s.name, s.data])).toEqual([['Recibidas', [14, 5]], ['Atendidas', [12, 5]], ['Abandonadas', [2, 0]]]);
  });

  it('lays offered calls out by day and hour of day', () => {
    const o = heatmapOption([...rows, row('101', '2026-10-02T23', { offered: 7 })], ES);
    expect(o.yAxis.data).toEqual(['2026-10-01', '2026-10-02']);
    expect(o.xAxis.data).toHaveLength(24);
    expect(o.series[0]?.data).toEqual([[9, 0, 14], [10, 0, 5], [23, 1, 7]]);
    expect(o.visualMap.max).toBe(14);
  });

  it('labels wait buckets and keeps their counts', () => {
    const o = waitChartOption([{ from_s: 0, to_s: 10, answered: 3, abandoned: 1 }, { from_s: 300, to_s: null, answered: 0, abandoned: 2 }], LABELS, ES);
    expect(o.xAxis.data).toEqual(['0–10 s', '≥ 300 s']);
    expect(o.series.map((s) => s.data)).toEqual([[3, 0], [1, 2]]);
  });

  it('stacks pause minutes by reason', () => {
    const agents: AgentPerf[] = [
      { agent: 'Ana', answered: 1, aht_s: 10, talk_s: 10, pause_s: 390, pause_by_reason: { '': 30, Almuerzo: 360 } },
      { agent: 'Beto', answered: 0, aht_s: null, talk_s: 0, pause_s: 0, pause_by_reason: {} },
    ];
    const o = pauseChartOption(agents, ['', 'Almuerzo'], 'sin motivo', ES);
    expect(o.series.map((s) => [s.name, s.data])).toEqual([['sin motivo', [0.5, 0]], ['Almuerzo', [6, 0]]]);
  });

  it.each([
    ['2026-10', '2026-10'],
    ['2026-10-01', '2026-10-01'],
    ['2026-10-01T09', '10-01 09h'],
    ['2026-10-01T09:15', '10-01 09:15'],
  ])('labels period %s as %s', (p, label) => {
    expect(periodLabel(p)).toBe(label);
  });
});

describe('chart numbers in the user\'s locale', () => {
  const rows = [row('101', '2026-10-01', { offered: 2500, answered: 2400, abandoned: 100, sl_pct: 84.62 })];
  type Formatted = { tooltip: { valueFormatter: (v: unknown) => string }; yAxis: { axisLabel: { formatter: (v: number) => string } } };
  it.each<[Locale, string, string, string, string]>([
    ['es-BO', '2.500', '2.500', '84,62%', '1,5'],
    ['en', '2,500', '2,500', '84.62%', '1.5'],
  ])('%s: axis %s, tooltip %s, SL %s, minutes %s', (locale, axis, tip, sl, minutes) => {
    const num = numbers(locale);
    const volume = volumeChartOption(rows, LABELS, num) as unknown as Formatted;
    expect([volume.yAxis.axisLabel.formatter(2500), volume.tooltip.valueFormatter(2500), volume.tooltip.valueFormatter(null)]).toEqual([axis, tip, '—']);
    const slOpt = slChartOption(rows, null, num) as unknown as Formatted;
    expect(slOpt.tooltip.valueFormatter(84.62)).toBe(sl);
    const pauses = pauseChartOption([], [], '', num) as unknown as Formatted;
    expect(pauses.yAxis.axisLabel.formatter(1.5)).toBe(minutes);
    const heat = heatmapOption([row('101', '2026-10-01T09', { offered: 2500 })], num);
    expect(heat.visualMap.text).toEqual([axis, '0']);
    expect(heat.tooltip.formatter({ value: [9, 0, 2500] })).toBe(`2026-10-01 09h: ${tip}`);
  });

  it('labels every agent, turned when there are more than six, and writes AHT as a duration', () => {
    const agents: AgentPerf[] = Array.from({ length: 7 }, (_, i) => ({ agent: `Agente ${i + 1}`, answered: 1000 + i, aht_s: 125, talk_s: 0, pause_s: 0, pause_by_reason: {} }));
    const o = agentChartOption(agents, { answered: 'Atendidas', aht: 'TMO' }, ES);
    expect(o.xAxis.axisLabel).toMatchObject({ interval: 0, rotate: 40 });
    expect(o.xAxis.data).toHaveLength(7);
    expect(o.series.map((s) => s.data)).toEqual([[1000, 1001, 1002, 1003, 1004, 1005, 1006], [125, 125, 125, 125, 125, 125, 125]]);
    expect(o.series[1]?.tooltip?.valueFormatter(125)).toBe('2:05');
    expect(agentChartOption(agents.slice(0, 6), { answered: 'A', aht: 'T' }, ES).xAxis.axisLabel).toMatchObject({ interval: 0, rotate: 0 });
  });
});
