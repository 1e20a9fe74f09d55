import { describe, expect, it } from 'vitest';
import { snapshot } from '../../lib/snapshot-fixture.ts';
import { slChartOption } from './sl-chart.ts';

describe('slChartOption', () => {
  it("plots the processor's cumulative SL of the day per interval in the site time zone, and the labelled target line", () => {
    const option = slChartOption('es-BO', snapshot());
    expect(option.xAxis).toMatchObject({ type: 'category', data: ['08:00', '08:15'] });
    expect(option.yAxis).toMatchObject({ type: 'value', min: 0, max: 100 });
    expect(option.series).toEqual([
      expect.objectContaining({
        type: 'line',
        name: 'NS acumulado',
        // sl_cumulative, not the per-interval sl_series (whose second point is a gap)
        data: [85.71, 85.71],
        connectNulls: false,
        markLine: expect.objectContaining({ data: [{ yAxis: 80 }], label: expect.objectContaining({ formatter: 'Meta 80%', position: 'end' }) }),
      }),
    ]);
    // The label sits right of the plot (position 'end'), in room kept for it.
    expect(option.grid).toMatchObject({ right: 96 });
  });

  it('draws nothing from an older producer without the cumulative series (never re-derived here)', () => {
    const option = slChartOption('en', snapshot({ sl_cumulative: undefined }));
    expect(option.series).toEqual([expect.objectContaining({ data: [] })]);
  });

  it('names the series in English and follows another zone and target', () => {
    const s = snapshot({ target_pct: 90, definition: { ...snapshot().definition, tz: 'America/Bogota' } });
    const option = slChartOption('en', s);
    expect(option.xAxis).toMatchObject({ data: ['07:00', '07:15'] });
    expect(option.series).toEqual([
      expect.objectContaining({
        name: 'Cumulative SL',
        markLine: expect.objectContaining({ data: [{ yAxis: 90 }], label: expect.objectContaining({ formatter: 'Target 90%' }) }),
      }),
    ]);
  });

  it('is plain data, so browser tests can read it back whole', () => {
    const option = slChartOption('en', snapshot());
    expect(JSON.parse(JSON.stringify(option))).toEqual(option);
  });

  it('draws an empty day as an empty chart', () => {
    const option = slChartOption('en', snapshot({ sl_cumulative: [] }));
    expect(option.xAxis).toMatchObject({ data: [] });
    expect(option.series).toEqual([expect.objectContaining({ data: [] })]);
  });
});
