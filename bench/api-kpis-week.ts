// Benchmark (issue 18): what GET /api/kpis runs for one week x 300 queues by day, 20 requests at
// a time (the route calls queryKpis, the one read module; HTTP and auth are left out here), over a
// month of 1,000,000 generated stints (300 queues, every outcome) with the rollup built, and the
// same with the rollup off for reference. Prints p50/p99 of 100 requests and the throughput.
// Usage: npx tsx bench/api-kpis-week.ts [stints]
import { cpus, loadavg } from 'node:os';
import { markUnrolledStints, queryKpis, rollUpAll, stintRollup } from '@tablero/processor';
import { freshClickHouse } from '../test/support/clickhouse.ts';

const total = Number(process.argv[2] ?? 1_000_000);
const OCT_START = 1790827200; // 2026-10-01 00:00 in La Paz (UTC-4)
const OCT_S = 31 * 86400;
const ch = await freshClickHouse();
const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))] as number;
try {
  await ch.client.command({
    query: `
      INSERT INTO stints
      SELECT lower(hex(MD5(toString(number)))) AS stint_id, 'default' AS site, concat('q', toString(number % 300)) AS queue, concat('c', toString(number)) AS callid,
        toDateTime(${OCT_START} + intDiv(number * ${OCT_S}, ${total}), 'UTC') AS enter_ts, enter_ts + toIntervalSecond(60) AS end_ts,
        multiIf(r < 70, 'answered', r < 85, 'abandoned', r < 90, 'timeout', r < 93, 'exit_key', r < 95, 'exit_empty', r < 97, 'withdrawn', r < 98, 'failed', r < 99, 'refused', 'cut_by_restart') AS outcome,
        if(outcome = 'cut_by_restart', NULL, toInt64(cityHash64(number, 1) % 120)) AS wait_s, if(outcome = 'answered', toInt64(cityHash64(number, 2) % 600), NULL) AS talk_s,
        '' AS agent, '' AS caller, false AS transferred, true AS enter_seen, concat('gen:', toString(number)) AS end_event_id, 0 AS commit_id
      FROM (SELECT number, cityHash64(number, 3) % 100 AS r FROM numbers(${total}))`,
  });
  const t0 = performance.now();
  await markUnrolledStints(ch);
  await rollUpAll(ch, stintRollup, { settleMs: 0 });
  console.log(`generated ${total} stints; rollup built in ${Math.round(performance.now() - t0)} ms`);
  const q = { from: '2026-10-12', to: '2026-10-19', by: 'day' as const };
  async function run(rollup: boolean): Promise<{ p50: number; p99: number; rps: number }> {
    const read = { defaultTz: 'America/La_Paz', rollup };
    const lat: number[] = [];
    const t = performance.now();
    let next = 0;
    await Promise.all(Array.from({ length: 20 }, async () => {
      while (next < 100) {
        next++;
        const s = performance.now();
        const rows = await queryKpis(ch, q, read);
        lat.push(performance.now() - s);
        if (rows.length !== 300 * 7) throw new Error(`expected 2100 rows, got ${rows.length}`);
      }
    }));
    return { p50: Math.round(pct(lat, 50)), p99: Math.round(pct(lat, 99)), rps: Math.round((100 / (performance.now() - t)) * 10000) / 10 };
  }
  await run(true); // warm
  const rolled = await run(true);
  const scanned = await run(false);
  console.log(`rollup: p50 ${rolled.p50} ms, p99 ${rolled.p99} ms, ${rolled.rps} req/s; stints only: p50 ${scanned.p50} ms, p99 ${scanned.p99} ms, ${scanned.rps} req/s`);
  console.log(`machine: ${cpus()[0]?.model ?? '?'} x${cpus().length}, load average ${loadavg().map((x) => x.toFixed(1)).join(' ')} (shared with other sessions)`);
  console.log(`BENCH ${JSON.stringify({ bench: 'api-kpis-week', metric: 'p99_ms_20_concurrent', value: rolled.p99, unit: 'ms', target: '<= 250 (1 week x 300 queues)' })}`);
  console.log(`BENCH ${JSON.stringify({ bench: 'api-kpis-week', metric: 'p50_ms_20_concurrent', value: rolled.p50, unit: 'ms', target: '-' })}`);
  console.log(`BENCH ${JSON.stringify({ bench: 'api-kpis-week', metric: 'p99_ms_20_concurrent_stints_only', value: scanned.p99, unit: 'ms', target: '- (reference)' })}`);
} finally {
  await ch.dispose();
}
