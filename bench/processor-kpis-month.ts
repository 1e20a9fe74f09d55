// Benchmark: `tablero kpis --by month` (queryKpis) over 10,000,000 stored stints on embedded
// chDB. The stints are generated inside ClickHouse with one INSERT ... SELECT from numbers()
// (a year of traffic over 10 queues, every outcome), then the query runs a few times.
// Usage: npx tsx bench/processor-kpis-month.ts [stints]
import { cpus, loadavg } from 'node:os';
import { queryKpis } from '@tablero/processor';
import { freshClickHouse } from '../test/support/clickhouse.ts';

const total = Number(process.argv[2] ?? 10_000_000);
const ch = await freshClickHouse();
try {
  const t0 = performance.now();
  // 2025 in UTC, in time order as the processor writes them (each part covers a stretch of
  // time, like the parts of a live system); outcomes follow a contact-center-like mix; ids are
  // unique 32-hex strings like the processor's sha256 prefixes.
  await ch.client.command({
    query: `
      INSERT INTO stints
      SELECT
        lower(hex(MD5(toString(number)))) AS stint_id,
        'default' AS site,
        concat('q', toString(number % 10)) AS queue,
        concat(toString(1735689600 + number), '.', toString(number)) AS callid,
        toDateTime(1735689600 + intDiv(number * 31536000, ${total}), 'UTC') AS enter_ts,
        enter_ts + toIntervalSecond(60) AS end_ts,
        multiIf(r < 70, 'answered', r < 85, 'abandoned', r < 90, 'timeout', r < 93, 'exit_key', r < 95, 'exit_empty',
                r < 97, 'withdrawn', r < 98, 'failed', r < 99, 'refused', 'cut_by_restart') AS outcome,
        if(outcome = 'cut_by_restart', NULL, toInt64(cityHash64(number, 1) % 120)) AS wait_s,
        if(outcome = 'answered', toInt64(cityHash64(number, 2) % 600), NULL) AS talk_s,
        concat('Agent ', toString(number % 60)) AS agent,
        '' AS caller,
        outcome = 'answered' AND r % 7 = 0 AS transferred,
        true AS enter_seen,
        concat('gen:', toString(number)) AS end_event_id
      FROM (SELECT number, cityHash64(number, 3) % 100 AS r FROM numbers(${total}))`,
  });
  const insertMs = performance.now() - t0;
  const parts = await (await ch.client.query({ query: "SELECT count() AS n FROM system.parts WHERE active AND table = 'stints' AND database = currentDatabase()", format: 'JSONEachRow' })).json<{ n: unknown }>();
  console.log(`generated ${total} stints in ${Math.round(insertMs)} ms (${Number(parts[0]?.n)} active parts, unmerged as after ingestion)`);

  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
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
