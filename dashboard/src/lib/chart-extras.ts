// Chart types only the report and admin views use, registered on demand by Chart.svelte (the
// wallboard's line charts do not need them, so a TV never downloads or parses them). Part of
// the one ECharts wrapper: nothing else imports ECharts.
import { use } from 'echarts/core';
import { BarChart, HeatmapChart } from 'echarts/charts';
import { LegendComponent, VisualMapComponent } from 'echarts/components';

use([BarChart, HeatmapChart, LegendComponent, VisualMapComponent]);
