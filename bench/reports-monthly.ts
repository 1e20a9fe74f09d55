// Benchmark (issue #6): the monthly indicator report for 20 queues over a month of 1,000,000
// stints on embedded chDB, as XLSX (target <= 3 s) and PDF (target <= 5 s); CSV for reference.
// The stints are generated inside ClickHouse (one INSERT ... SELECT from numbers(): October
// 2026 in La Paz, 20 queues, 500 agents, every outcome). Each format runs 3 times; the median
// and the first (cold) run are reported, with the heap growth, which stays flat because only
// aggregates (queues x hours, queues x agents) leave ClickHouse.
// Usage: npx tsx bench/reports-monthly.ts [stints]
import { cpus, loadavg } from 'node:os';
import pino from 'pino';
import { markUnrolledStints, rollUpAll, stintRollup } from '@tablero/processor';
import { exportMonthly } from '@tablero/processor/reports';
import { freshClickHouse } from '../test/support/clickhouse.ts';

const total = Number(process.argv[2] ?? 1_000_000);
const OCT_START = 1790827200; // 2026-10-01 00:00 in La Paz (UTC-4)
const OCT_S = 31 * 86400;
const ch = await freshClickHouse();
try {
  const t0 = performance.now();
  await ch.client.command({
    query: `
      INSERT INTO stints
      SELECT
        lower(hex(MD5(toString(number)))) AS stint_id,
        'default' AS site,
        toString(101 + number % 20) AS queue,
        concat('c', toString(number)) AS callid,
        toDateTime(${OCT_START} + (cityHash64(number) % ${OCT_S}), 'UTC') AS enter_ts,
        enter_ts + toIntervalSecond(60) AS end_ts,
        multiIf(r < 70, 'answered', r < 85, 'abandoned', r < 90, 'timeout', r < 93, 'exit_key', r < 95, 'exit_empty',
                r < 97, 'withdrawn', r < 98, 'failed', r < 99, 'refused', 'cut_by_restart') AS outcome,
        if(outcome = 'cut_by_restart', NULL, toInt64(cityHash64(number, 1) % 120)) AS wait_s,
        if(outcome = 'answered', toInt64(cityHash64(number, 2) % 600), NULL) AS talk_s,
        if(outcome = 'answered', concat('Agent ', toString(cityHash64(number, 4) % 500)), '') AS agent,
        '' AS caller,
        false AS transferred,
        true AS enter_seen,
        concat('gen:', toString(number)) AS end_event_id,
        0 AS commit_id -- migration 013's column: the INSERT lists every column of the table
      FROM (SELECT number, cityHash64(number, 3) % 100 AS r FROM numbers(${total}))`,
  });
  console.log(`generated ${total} stints in ${Math.round(performance.now() - t0)} ms`);
  // The processor's rollup job over what was generated (the backfill of migration 122).
  const tr = performance.now();
  await markUnrolledStints(ch);
  await rollUpAll(ch, stintRollup, { settleMs: 0 });
  console.log(`rollup built in ${Math.round(performance.now() - tr)} ms`);

  const ctx = { ch, log: pino({ level: 'silent' }), defaultTz: 'America/La_Paz' };
  const targets = { xlsx: '<= 3000 (20 queues, 1,000,000 stints)', pdf: '<= 5000 (20 queues, 1,000,000 stints)', csv: 'none (reference)' } as const;
  for (const format of ['xlsx', 'pdf', 'csv'] as const) {
    const runs: number[] = [];
    let bytes = 0;
    const heap0 = process.memoryUsage().heapUsed;
    let heapMax = heap0;
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      const out = await exportMonthly(ctx, { site: 'default', month: '2026-10', queues: [], format, lang: 'es', nowMs: Date.now() });
      runs.push(performance.now() - t);
      bytes = out.body.length;
      heapMax = Math.max(heapMax, process.memoryUsage().heapUsed);
      if (format === 'csv' && !out.body.toString('utf8').includes('\r\n120;')) throw new Error('queue 120 missing from the report');
    }
    const median = [...runs].sort((a, b) => a - b)[1] as number;
    console.log(`${format}: runs (ms) ${runs.map((x) => Math.round(x)).join(', ')}; ${bytes} bytes; heap growth ${Math.round((heapMax - heap0) / 2 ** 20)} MiB`);
    console.log(`BENCH ${JSON.stringify({ bench: `reports-monthly-${format}`, metric: 'export_ms_median_of_3', value: Math.round(median), unit: 'ms', target: targets[format] })}`);
    console.log(`BENCH ${JSON.stringify({ bench: `reports-monthly-${format}`, metric: 'export_ms_first', value: Math.round(runs[0] as number), unit: 'ms', target: targets[format] })}`);
  }
  console.log(`machine: ${cpus()[0]?.model ?? '?'} x${cpus().length}, load average ${loadavg()[0]?.toFixed(2)} (2 cores shared with other engineers' work)`);
} finally {
  await ch.dispose();
}
