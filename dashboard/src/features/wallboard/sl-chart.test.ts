import { describe, expect, it } from 'vitest';
import { snapshot } from '../../lib/snapshot-fixture.ts';
import { slChartOption } from './sl-chart.ts';

describe('slChartOption', () => {
  it('plots SL per interval in the site time zone, a gap for an interval without calls, and the target line', () => {
    const option = slChartOption('es-BO', snapshot());
    expect(option.xAxis).toMatchObject({ type: 'category', data: ['08:00', '08:15'] });
    expect(option.yAxis).toMatchObject({ type: 'value', min: 0, max: 100 });
    expect(option.series).toEqual([
      expect.objectContaining({
        type: 'line',
        name: 'NS',
        data: [85.71, null],
        connectNulls: false,
        markLine: expect.objectContaining({ data: [{ yAxis: 80 }], label: expect.objectContaining({ formatter: 'Meta' }) }),
      }),
    ]);
  });

  it('names the series in English and follows another zone and target', () => {
    const s = snapshot({ target_pct: 90, definition: { ...snapshot().definition, tz: 'America/Bogota' } });
    const option = slChartOption('en', s);
    expect(option.xAxis).toMatchObject({ data: ['07:00', '07:15'] });
    expect(option.series).toEqual([
      expect.objectContaining({
        name: 'SL',
        markLine: expect.objectContaining({ data: [{ yAxis: 90 }], label: expect.objectContaining({ formatter: 'Target' }) }),
      }),
    ]);
  });

  it('is plain data, so browser tests can read it back whole', () => {
    const option = slChartOption('en', snapshot());
    expect(JSON.parse(JSON.stringify(option))).toEqual(option);
  });

  it('draws an empty day as an empty chart', () => {
    const option = slChartOption('en', snapshot({ sl_series: [] }));
    expect(option.xAxis).toMatchObject({ data: [] });
    expect(option.series).toEqual([expect.objectContaining({ data: [] })]);
  });
});
