// Health during heavy exports (issue 14, item 6): `tablero start` (embedded chDB) with one month
// of calls in 500 queues (2 calls each, pushed over HTTP), then two monthly PDF exports of it at
// once while /api/health is asked one request after the other (20 ms apart). Before the render
// moved to worker threads, one such PDF held the event loop ~15 s (health answered in 14.9 s).
// Target: health p99 < 200 ms while the exports run.
import { cpus, loadavg } from 'node:os';
import { exportsWithHealth, LOAD_ENV, loginCookie, pushManyQueues } from '../test/support/exports-load.ts';
import { startTablero } from '../test/support/tablero-process.ts';

const t = await startTablero({ args: ['--no-simulate'], env: LOAD_ENV });
try {
  const cookie = await loginCookie(t);
  await pushManyQueues(t, cookie, 500, 2);
  const run = await exportsWithHealth(t, cookie, 2);
  const waits = run.health.map((h) => h.waitMs).sort((a, b) => a - b);
  const pct = (p: number): number => Math.round(waits[Math.min(waits.length - 1, Math.ceil((p / 100) * waits.length) - 1)] ?? NaN);
  const row = (metric: string, value: number, unit: string, target: string): void => {
    console.log(`BENCH ${JSON.stringify({ bench: 'health-during-exports', metric, value, unit, target })}`);
  };
  console.log(`machine: ${cpus()[0]?.model ?? '?'} x${cpus().length}, load average ${loadavg()[0]?.toFixed(2)} (shared with other sessions)`);
  console.log(`exports: ${run.exports.map((e) => `${e.status} ${e.bytes} B in ${Math.round(e.endedMs)} ms`).join(', ')}; health answers: ${waits.length}`);
  row('health_p50_ms', pct(50), 'ms', 'none (reference)');
  row('health_p99_ms', pct(99), 'ms', '< 200');
  row('health_max_ms', pct(100), 'ms', 'none (reference)');
  row('two_pdf_exports_ms', Math.round(Math.max(...run.exports.map((e) => e.endedMs))), 'ms', 'none (reference)');
} finally {
  await t.stop();
}
