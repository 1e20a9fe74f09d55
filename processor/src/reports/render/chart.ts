// The service-level-by-day chart of one queue, rendered by ECharts on the server as SVG (no
// DOM, no canvas: `ssr: true` with the SVG renderer). Only the pieces the chart uses are
// registered, which keeps the module small to load.
// ECharts itself loads on the first chart (lazy-module.ts).
import { lazyModule } from '../../lazy-module.ts';

const echartsCore = lazyModule<typeof import('echarts/core')>('echarts/core');
let registered = false;
function echarts(): typeof import('echarts/core') {
  const core = echartsCore();
  if (!registered) {
    const { LineChart } = lazyModule<typeof import('echarts/charts')>('echarts/charts')();
    const { GridComponent, MarkLineComponent } = lazyModule<typeof import('echarts/components')>('echarts/components')();
    const { SVGRenderer } = lazyModule<typeof import('echarts/renderers')>('echarts/renderers')();
    core.use([LineChart, GridComponent, MarkLineComponent, SVGRenderer]);
    registered = true;
  }
  return core;
}

export interface SlChartInput {
  /** Day labels (`01`..`31`). */
  days: string[];
  /** SL % per day, null = no offered calls that day (a gap, never 0). */
  sl: Array<number | null>;
  target_pct: number;
  targetLabel: string;
  axisLabel: string;
  width: number;
  height: number;
}

export function slByDaySvg(c: SlChartInput): string {
  const chart = echarts().init(null, null, { renderer: 'svg', ssr: true, width: c.width, height: c.height });
  try {
    chart.setOption({
      animation: false,
      grid: { left: 44, right: 56, top: 14, bottom: 28 },
      xAxis: { type: 'category', data: c.days, axisLabel: { interval: 0, fontSize: 9, color: '#333333' }, axisLine: { lineStyle: { color: '#666666' } } },
      yAxis: {
        type: 'value', min: 0, max: 100, interval: 20, name: c.axisLabel, nameGap: 6, nameTextStyle: { fontSize: 9, color: '#333333' },
        axisLabel: { fontSize: 9, color: '#333333' }, splitLine: { lineStyle: { color: '#dddddd' } },
      },
      series: [{
        type: 'line', data: c.sl, connectNulls: false, symbol: 'circle', symbolSize: 4,
        lineStyle: { color: '#1f5fbf', width: 1.5 }, itemStyle: { color: '#1f5fbf' },
        markLine: {
          silent: true, symbol: 'none', lineStyle: { color: '#c00000', type: 'dashed', width: 1 },
          label: { formatter: `${c.targetLabel} ${c.target_pct}`, fontSize: 9, color: '#c00000' },
          data: [{ yAxis: c.target_pct }],
        },
      }],
    });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}
