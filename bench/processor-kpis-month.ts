// Benchmark: `tablero kpis --by month` (queryKpis, the one read module, with its definition
// resolver) over 10,000,000 stored stints on embedded chDB: a year of generated traffic over 10
// queues, every outcome (bench/support/year-of-stints.ts), then the query runs a few times.
// Usage: npx tsx bench/processor-kpis-month.ts [stints]
import { cpus, loadavg } from 'node:os';
import { queryKpis } from '@tablero/processor';
import { freshClickHouse } from '../test/support/clickhouse.ts';
import { insertYearOfStints, median } from './support/year-of-stints.ts';

const total = Number(process.argv[2] ?? 10_000_000);
const ch = await freshClickHouse();
try {
  const t0 = performance.now();
  await insertYearOfStints(ch, total);
  const insertMs = performance.now() - t0;
  const parts = await (await ch.client.query({ query: "SELECT count() AS n FROM system.parts WHERE active AND table = 'stints' AND database = currentDatabase()", format: 'JSONEachRow' })).json<{ n: unknown }>();
  console.log(`generated ${total} stints in ${Math.round(insertMs)} ms (${Number(parts[0]?.n)} active parts, unmerged as after ingestion)`);

  async function measure(): Promise<{ wall: number[]; cpu: number[]; rows: number; offered: number }> {
    const wall: number[] = [];
    const cpu: number[] = [];
    let rows = 0;
    let offered = 0;
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      const c = process.cpuUsage(); // chDB runs in this process: its threads count here
      const r = await queryKpis(ch, { from: '2025-01-01', to: '2026-01-01', by: 'month', tz: 'America/La_Paz' });
      const d = process.cpuUsage(c);
      wall.push(Math.round(performance.now() - t));
      cpu.push(Math.round((d.user + d.system) / 1000));
      rows = r.length;
      offered = r.reduce((a, x) => a + x.offered, 0);
    }
    if (rows !== 120) throw new Error(`expected 120 rows (10 queues x 12 months), got ${rows}`);
    return { wall, cpu, rows, offered };
  }
  const fresh = await measure();
  console.log(`unmerged parts: wall ms ${fresh.wall.join(', ')}; CPU ms ${fresh.cpu.join(', ')}; ${fresh.rows} rows, offered total ${fresh.offered}`);
  // What a live table looks like once ClickHouse merged the parts of past months in the background.
  const tm = performance.now();
  await ch.client.command({ query: 'OPTIMIZE TABLE stints FINAL' });
  console.log(`merged every partition in ${Math.round(performance.now() - tm)} ms`);
  const merged = await measure();
  console.log(`merged parts: wall ms ${merged.wall.join(', ')}; CPU ms ${merged.cpu.join(', ')}`);
  if (merged.offered !== fresh.offered) throw new Error('merging changed the figures');
  console.log(`machine: ${cpus()[0]?.model ?? '?'} x${cpus().length}, load average ${loadavg()[0]?.toFixed(2)} (shared with other work)`);
  const target = '<= 1000 (10,000,000 stints)';
  console.log(`BENCH ${JSON.stringify({ bench: 'processor-kpis-month', metric: 'query_ms_unmerged_median_of_5', value: median(fresh.wall), unit: 'ms', target })}`);
  console.log(`BENCH ${JSON.stringify({ bench: 'processor-kpis-month', metric: 'query_cpu_ms_unmerged_median_of_5', value: median(fresh.cpu), unit: 'ms CPU', target: '-' })}`);
  console.log(`BENCH ${JSON.stringify({ bench: 'processor-kpis-month', metric: 'query_ms_merged_median_of_5', value: median(merged.wall), unit: 'ms', target })}`);
  console.log(`BENCH ${JSON.stringify({ bench: 'processor-kpis-month', metric: 'query_cpu_ms_merged_median_of_5', value: median(merged.cpu), unit: 'ms CPU', target: '-' })}`);
} finally {
  await ch.dispose();
}
