// The ECharts option of a queue's "service level of the day so far" line. Pure data (no
// functions), so the same object can be handed to the browser tests as-is.

import type { QueueSnapshot } from '@tablero/processor/contract';
import type { ChartOption } from '../../lib/Chart.svelte';
import { formatClock, formatPct, langOf, type Locale } from '../../lib/format.ts';
import { translate } from '../../lib/messages.ts';

const AXIS = '#8a97a8';
const GRID_LINE = '#263241';
const LINE = '#4fc3f7';
const TARGET = '#f5a623';
/** Room at the right of the plot for the target's label, so it never sits on the line. */
const LABEL_ROOM_PX = 96;

/**
 * x: the start of each 15-minute interval, "HH:MM" in the site's time zone; y: the day's SL up to
 * the end of that interval, as the processor computed it (`sl_cumulative`: the same sums as the
 * SL tile, so the line ends on the tile's figure; null before the day's first call: a gap). One
 * quiet interval at night no longer drops the line to 0 %. The target is a dashed line labelled
 * "Meta 80 %" outside the plot, at its right end.
 */
export function slChartOption(locale: Locale, s: Pick<QueueSnapshot, 'sl_cumulative' | 'target_pct' | 'definition'>): ChartOption {
  const lang = langOf(locale);
  const points = s.sl_cumulative ?? [];
  return {
    animation: false,
    grid: { left: 56, right: LABEL_ROOM_PX, top: 16, bottom: 28 },
    tooltip: { trigger: 'axis' },
    xAxis: {
      type: 'category',
      data: points.map((p) => formatClock(locale, p.start_s, s.definition.tz)),
      axisLabel: { color: AXIS, fontSize: 16 },
      axisLine: { lineStyle: { color: AXIS } },
    },
    yAxis: {
      type: 'value',
      min: 0,
      max: 100,
      interval: 25,
      axisLabel: { color: AXIS, fontSize: 16, formatter: '{value} %' },
      splitLine: { lineStyle: { color: GRID_LINE } },
    },
    series: [
      {
        type: 'line',
        name: translate(lang, 'chart.day_series'),
        data: points.map((p) => p.sl_pct),
        connectNulls: false,
        // A dot per interval: the first interval of a day is one point, which a bare line would not draw.
        showSymbol: true,
        symbolSize: 6,
        lineStyle: { width: 4, color: LINE },
        itemStyle: { color: LINE },
        markLine: {
          silent: true,
          symbol: 'none',
          label: {
            color: TARGET,
            fontSize: 16,
            fontWeight: 'bold',
            position: 'end',
            distance: 8,
            formatter: translate(lang, 'chart.target_label', { target: formatPct(locale, s.target_pct, 0) }),
          },
          lineStyle: { color: TARGET, type: 'dashed', width: 2 },
          data: [{ yAxis: s.target_pct }],
        },
      },
    ],
  };
}
