// The ECharts option of a queue's "service level through the day" line. Pure data (no
// functions), so the same object can be handed to the browser tests as-is.

import type { QueueSnapshot } from '@tablero/processor/contract';
import type { ChartOption } from '../../lib/Chart.svelte';
import { formatClock, langOf, type Locale } from '../../lib/format.ts';
import { translate } from '../../lib/messages.ts';

const AXIS = '#8a97a8';
const GRID_LINE = '#263241';
const LINE = '#4fc3f7';
const TARGET = '#f5a623';

/**
 * x: the start of each 15-minute interval, "HH:MM" in the site's time zone; y: its SL %
 * (null = no offered call in that interval: a gap, never a drop to 0). The target is a dashed line.
 */
export function slChartOption(locale: Locale, s: Pick<QueueSnapshot, 'sl_series' | 'target_pct' | 'definition'>): ChartOption {
  const lang = langOf(locale);
  return {
    animation: false,
    grid: { left: 48, right: 16, top: 16, bottom: 28 },
    tooltip: { trigger: 'axis' },
    xAxis: {
      type: 'category',
      data: s.sl_series.map((p) => formatClock(locale, p.start_s, s.definition.tz)),
      axisLabel: { color: AXIS, fontSize: 14 },
      axisLine: { lineStyle: { color: AXIS } },
    },
    yAxis: {
      type: 'value',
      min: 0,
      max: 100,
      interval: 25,
      axisLabel: { color: AXIS, fontSize: 14, formatter: '{value} %' },
      splitLine: { lineStyle: { color: GRID_LINE } },
    },
    series: [
      {
        type: 'line',
        name: translate(lang, 'chart.series'),
        data: s.sl_series.map((p) => p.sl_pct),
        connectNulls: false,
        showSymbol: false,
        lineStyle: { width: 3, color: LINE },
        itemStyle: { color: LINE },
        markLine: {
          silent: true,
          symbol: 'none',
          label: { color: TARGET, position: 'insideEndTop', formatter: translate(lang, 'chart.target') },
          lineStyle: { color: TARGET, type: 'dashed', width: 2 },
          data: [{ yAxis: s.target_pct }],
        },
      },
    ],
  };
}
