// Benchmark: what the funnel rollup's dirty marks add to a CDR import (rollup/funnel-marks.ts,
// written by store/commit-store.ts around every commit). The marks of BENCH_MARKS_ROWS CDR rows
// (default 1,000,000; the rows and times of bench/cdr-import.ts: two legs a call, a call every
// half second, old enough to be rollable) in commits of 6,720 rows (the import's CDR commits):
// per commit the marks computed once and inserted twice (before and after) into embedded chDB, as the
// processor does. Printed: wall and CPU in total and per million rows, to set beside the import's
// own cost (bench/cdr-import.ts); no target.
import { cpus, loadavg } from 'node:os';
import type { CdrRecord } from '@tablero/ingest/contract';
import { createStore } from '../processor/src/store/store.ts';
import { funnelMarks } from '../processor/src/rollup/funnel-marks.ts';
import { freshClickHouse } from '../test/support/clickhouse.ts';

const N = Number(process.env.BENCH_MARKS_ROWS ?? 1_000_000);
const COMMIT_ROWS = 6720;
const ch = await freshClickHouse();
try {
  const store = createStore(ch);
  const nowS = Math.floor(Date.now() / 1000);
  let marks = 0;
  const t = performance.now();
  const c = process.cpuUsage(); // chDB runs in this process: its threads count here
  for (let first = 0; first < N; first += COMMIT_ROWS) {
    // Only what the marks read of a record: its site and start (as bench/cdr-import.ts's times).
    const cdr = [];
    for (let i = first; i < Math.min(N, first + COMMIT_ROWS); i++) cdr.push({ site: 'bench', start: 1764547200 + Math.floor(i / 4) } as CdrRecord);
    // As store/commit-store.ts: computed once, marked before and after the commit's rows.
    const m = funnelMarks({ cdr, stints: [], events: [] }, nowS);
    for (let k = 0; k < 2; k++) {
      for (const q of m.values()) marks += q.length;
      await store.markFunnelDirty(m);
    }
  }
  const d = process.cpuUsage(c);
  const ms = Math.round(performance.now() - t);
  const cpuMs = Math.round((d.user + d.system) / 1000);
  const perM = (x: number): number => Math.round((x * 1_000_000) / N);
  console.log(`marks of ${N} CDR rows in ${Math.ceil(N / COMMIT_ROWS)} commits: ${marks} mark rows, ${ms} ms wall, ${cpuMs} ms CPU; ${cpus()[0]?.model ?? '?'} x${cpus().length}, load average ${loadavg().map((x) => x.toFixed(1)).join(' ')} (shared)`);
  console.log(`BENCH ${JSON.stringify({ bench: 'funnel-marks', metric: 'marks_ms_per_million_cdr_rows', value: perM(ms), unit: 'ms', target: '- (beside cdr-import)' })}`);
  console.log(`BENCH ${JSON.stringify({ bench: 'funnel-marks', metric: 'marks_cpu_ms_per_million_cdr_rows', value: perM(cpuMs), unit: 'ms CPU', target: '-' })}`);
} finally {
  await ch.dispose();
}
