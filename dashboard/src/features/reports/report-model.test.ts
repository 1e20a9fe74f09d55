import { describe, expect, it } from 'vitest';
import type { KpiRow, StatedDefinition } from '@tablero/processor/contract';
import { figures } from '../../lib/snapshot-fixture.ts';
import {
  heatmapOption,
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

describe('kpiParams', () => {
  const form: ReportForm = { from: '2026-10-01', to: '2026-10-08', queues: ' 101, 102,,101', by: 'day', formula: '', threshold: '', strict: '', site: '' };
  it('leaves the definition to each queue unless switched', () => {
    expect(kpiParams(form)).toEqual({ from: '2026-10-01', to: '2026-10-08', queue: ['101', '102'], by: 'day', formula: undefined, threshold: undefined, strict: undefined, site: undefined });
  });
  it('passes a switched formula, threshold and strictness', () => {
    expect(kpiParams({ ...form, formula: 'answered', threshold: ' 30 ', strict: 'true' }, 'hour')).toEqual({
      from: '2026-10-01', to: '2026-10-08', queue: ['101', '102'], by: 'hour', formula: 'answered', threshold: '30', strict: 'true', site: undefined,
    });
    expect(kpiParams({ ...form, threshold: '3x' }).threshold).toBeUndefined();
  });
  it('names the site when one is given, and the charts get the same parameters but the grouping', () => {
    const f = { ...form, site: ' pbx-2 ', formula: 'answered' };
    expect(kpiParams(f).site).toBe('pbx-2');
    expect(rangeParams(f)).toEqual({ from: '2026-10-01', to: '2026-10-08', queue: ['101', '102'], formula: 'answered', threshold: undefined, strict: undefined, site: 'pbx-2' });
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
    const o = slChartOption(rows, 80);
    expect(o.xAxis.data).toEqual(['10-01 09h', '10-01 10h']);
    expect(o.series.map((s) => [s.name, s.data])).toEqual([['101', [90, 100]], ['102', [75, null]]]);
    expect(o.series[0]).toMatchObject({ markLine: { data: [{ yAxis: 80 }] } });
    expect(o.series[1]).not.toHaveProperty('markLine');
  });

  it('sums counts over queues per period', () => {
    const o = volumeChartOption(rows, LABELS);
    expect(o.series.map((s) => [s.name, s.data])).toEqual([['Recibidas', [14, 5]], ['Atendidas', [12, 5]], ['Abandonadas', [2, 0]]]);
  });

  it('lays offered calls out by day and hour of day', () => {
    const o = heatmapOption([...rows, row('101', '2026-10-02T23', { offered: 7 })]);
    expect(o.yAxis.data).toEqual(['2026-10-01', '2026-10-02']);
    expect(o.xAxis.data).toHaveLength(24);
    expect(o.series[0]?.data).toEqual([[9, 0, 14], [10, 0, 5], [23, 1, 7]]);
    expect(o.visualMap.max).toBe(14);
  });

  it('labels wait buckets and keeps their counts', () => {
    const o = waitChartOption([{ from_s: 0, to_s: 10, answered: 3, abandoned: 1 }, { from_s: 300, to_s: null, answered: 0, abandoned: 2 }], LABELS);
    expect(o.xAxis.data).toEqual(['0–10 s', '≥ 300 s']);
    expect(o.series.map((s) => s.data)).toEqual([[3, 0], [1, 2]]);
  });

  it('stacks pause minutes by reason', () => {
    const agents: AgentPerf[] = [
      { agent: 'Ana', answered: 1, aht_s: 10, talk_s: 10, pause_s: 390, pause_by_reason: { '': 30, Almuerzo: 360 } },
      { agent: 'Beto', answered: 0, aht_s: null, talk_s: 0, pause_s: 0, pause_by_reason: {} },
    ];
    const o = pauseChartOption(agents, ['', 'Almuerzo'], 'sin motivo');
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
