// The ECharts every chart needs (line charts, grid, target line, tooltip, canvas), loaded on
// demand by Chart.svelte: a wallboard's figures render first, and ECharts (the largest part of
// the bundle) is downloaded and parsed after them, for the charts below the figures. Part of the
// one ECharts wrapper with ./chart-extras.ts: nothing else imports ECharts.
import { init, use } from 'echarts/core';
import { LineChart } from 'echarts/charts';
import { GridComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

use([LineChart, GridComponent, MarkLineComponent, TooltipComponent, CanvasRenderer]);

export { init };
