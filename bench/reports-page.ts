// Benchmark: what the Reports page asks for one month by day, through the one KPI read module
// as the dashboard's routes call it: KPI rows by day and by hour (the table, the charts and the
// heatmap), the wait distribution and the agents' figures, in parallel as the page requests them.
// 10,000,000 stints over 2025 (one month holds ~850,000), a queue with stored settings of its own
// and a split-hours site calendar with a holiday, so the resolver and the in-hours rules work.
// Usage: npx tsx bench/reports-page.ts [stints]
import { cpus, loadavg } from 'node:os';
import { markUnrolledStints, queryAgentPerformance, queryKpis, queryWaitDistribution, rollUpAll, saveCalendarVersion, saveSettingsVersion, stintRollup } from '@tablero/processor';
import { freshClickHouse } from '../test/support/clickhouse.ts';
import { insertYearOfStints, median } from './support/year-of-stints.ts';

const total = Number(process.argv[2] ?? 10_000_000);
const ch = await freshClickHouse();
try {
  const t0 = performance.now();
  await insertYearOfStints(ch, total);
  await ch.client.command({ query: 'OPTIMIZE TABLE stints FINAL' });
  const weekday = [{ from: '08:00', to: '12:15' }, { from: '13:45', to: '16:00' }];
  const v = { site: 'default', createdBy: 'bench', nowMs: Date.now(), validFromMs: 0 };
  await saveCalendarVersion(ch, { ...v, spec: { tz: 'America/Bogota', weekly: [weekday, weekday, weekday, weekday, weekday, [{ from: '08:00', to: '13:00' }], []], holidays: ['2025-06-23'] } });
  await saveSettingsVersion(ch, { ...v, queue: 'q1', patch: { formula: 'answered', threshold_s: 30, short_abandon_s: 5 } });
  console.log(`generated ${total} stints and merged them in ${Math.round(performance.now() - t0)} ms`);
  // The processor's rollup job over what was generated (the backfill of migration 122).
  const tr = performance.now();
  await markUnrolledStints(ch);
  await rollUpAll(ch, stintRollup, { settleMs: 0 });
  console.log(`rollup built in ${Math.round(performance.now() - tr)} ms`);

  const read = { defaultTz: 'UTC' };
  const q = { from: '2025-06-01', to: '2025-07-01' };
  const wall: number[] = [];
  let rows = 0;
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    const [days, hours, waits, agents] = await Promise.all([
      queryKpis(ch, { ...q, by: 'day' }, read),
      queryKpis(ch, { ...q, by: 'hour' }, read),
      queryWaitDistribution(ch, q, read),
      queryAgentPerformance(ch, q, read),
    ]);
    wall.push(Math.round(performance.now() - t));
    rows = days.length;
    if (hours.length === 0 || waits.buckets.length !== 10 || agents.agents.length !== 60) throw new Error('unexpected report shape');
  }
  if (rows !== 300) throw new Error(`expected 300 day rows (10 queues x 30 days), got ${rows}`);
  console.log(`wall ms ${wall.join(', ')}; ${rows} day rows`);
  console.log(`machine: ${cpus()[0]?.model ?? '?'} x${cpus().length}, load average ${loadavg()[0]?.toFixed(2)}`);
  console.log(`BENCH ${JSON.stringify({ bench: 'reports-page', metric: 'month_by_day_ms_median_of_5', value: median(wall), unit: 'ms', target: '<= 1000 (10,000,000 stints stored)' })}`);
} finally {
  await ch.dispose();
}
