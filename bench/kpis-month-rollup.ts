// Benchmark (issue 18): `tablero kpis --by month` over 100,000,000 stored stints read from the
// exact rollup. A year (2025) of generated stints over 10 queues goes into a `tablero` data
// directory with one INSERT ... SELECT from numbers() (bench/support/year-of-stints.ts), every
// quarter is marked and the rollup job rolls it all up (timed: that is the backfill), then the
// query runs in this process (query time, median of 5) and as the real CLI in a new process
// (whole process: start, open the store, query, print, exit; median of 3). The rows are checked
// against the same query over the stints alone on a smaller run (the differential tests cover
// exactness; here only the totals, to catch a broken bench).
// Usage: npx tsx bench/kpis-month-rollup.ts [stints]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { markUnrolledStints, queryKpis, rollUpAll, stintRollup } from '@tablero/processor';
import { migrate, openClickHouse } from '@tablero/sql';
import { REPO_ROOT, TABLERO_BIN } from '../test/support/tablero-process.ts';
import { insertYearOfStints, median } from './support/year-of-stints.ts';

const total = Number(process.argv[2] ?? 100_000_000);
const dataDir = mkdtempSync(join(tmpdir(), 'tablero-bench-rollup-'));
const q = { from: '2025-01-01', to: '2026-01-01', by: 'month' as const, tz: 'America/La_Paz' };
try {
  let ch = await openClickHouse({ database: 'tablero', dataDir });
  await migrate(ch.client);
  const t0 = performance.now();
  await insertYearOfStints(ch, total);
  console.log(`generated ${total} stints in ${Math.round(performance.now() - t0)} ms`);
  const t1 = performance.now();
  await markUnrolledStints(ch);
  const built = await rollUpAll(ch, stintRollup, { settleMs: 0 });
  const buildMs = performance.now() - t1;
  const size = await (await ch.client.query({ query: 'SELECT level, count() AS rows FROM stint_rollup GROUP BY level ORDER BY level', format: 'JSONEachRow' })).json<{ level: number; rows: string }>();
  console.log(`rolled up ${built.quarters} quarters and ${built.days} days in ${Math.round(buildMs)} ms; rollup rows per level ${JSON.stringify(size)}`);

  const wall: number[] = [];
  const cpu: number[] = [];
  let offered = 0;
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    const c = process.cpuUsage(); // chDB runs in this process: its threads count here
    const rows = await queryKpis(ch, q, { defaultTz: 'UTC' });
    const d = process.cpuUsage(c);
    wall.push(Math.round(performance.now() - t));
    cpu.push(Math.round((d.user + d.system) / 1000));
    if (rows.length !== 120) throw new Error(`expected 120 rows (10 queues x 12 months), got ${rows.length}`);
    offered = rows.reduce((a, r) => a + r.offered, 0);
  }
  console.log(`query: wall ms ${wall.join(', ')}; CPU ms ${cpu.join(', ')}; offered total ${offered}`);
  if (total <= 20_000_000) {
    const t = performance.now();
    const scanned = await queryKpis(ch, q, { defaultTz: 'UTC', rollup: false });
    console.log(`the same query over the stints alone: ${Math.round(performance.now() - t)} ms`);
    if (scanned.reduce((a, r) => a + r.offered, 0) !== offered) throw new Error('rollup and scan disagree');
  }
  await ch.close();

  const whole: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    const r = spawnSync(process.execPath, [TABLERO_BIN, 'kpis', '--from', q.from, '--to', q.to, '--by', 'month', '--tz', q.tz, '--json'], {
      cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, TABLERO_DATA_DIR: dataDir, LOG_LEVEL: 'warn', TZ: 'UTC' }, maxBuffer: 64 * 2 ** 20,
    });
    whole.push(Math.round(performance.now() - t));
    if (r.status !== 0) throw new Error(`tablero kpis failed: ${r.stderr}`);
    if ((JSON.parse(r.stdout) as unknown[]).length !== 120) throw new Error('tablero kpis: expected 120 rows');
  }
  console.log(`tablero kpis --by month, whole process: ms ${whole.join(', ')}`);
  console.log(`machine: ${cpus()[0]?.model ?? '?'} x${cpus().length}, load average ${loadavg().map((x) => x.toFixed(1)).join(' ')} (shared with other sessions)`);
  const n = `${total.toLocaleString('en')} stints`;
  console.log(`BENCH ${JSON.stringify({ bench: 'kpis-month-rollup', metric: 'query_ms_median_of_5', value: median(wall), unit: 'ms', target: `<= 300 (${n})` })}`);
  console.log(`BENCH ${JSON.stringify({ bench: 'kpis-month-rollup', metric: 'query_cpu_ms_median_of_5', value: median(cpu), unit: 'ms CPU', target: '-' })}`);
  console.log(`BENCH ${JSON.stringify({ bench: 'kpis-month-rollup', metric: 'cli_whole_process_ms_median_of_3', value: median(whole), unit: 'ms', target: `<= 600 (${n})` })}`);
  console.log(`BENCH ${JSON.stringify({ bench: 'kpis-month-rollup', metric: 'rollup_build_s', value: Math.round(buildMs / 100) / 10, unit: 's', target: '-' })}`);
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
