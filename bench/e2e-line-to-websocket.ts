// End to end latency (issue #4): a queue_log line appended -> the KPI snapshot that counts it
// delivered to a WebSocket client, through the real `tablero start` (embedded chDB, in-process
// bus) while 2,000 lines/s flow. Each call is written as ENTERQUEUE + CONNECT + COMPLETECALLER
// (3 lines) across 20 queues; the latency of a call is from the append of its COMPLETECALLER to
// the first snapshot whose `answered` for its queue includes it. Target p99 <= 250 ms. Snapshots
// are paced at most every 250 ms per queue by design, so pacing alone accounts for up to 250 ms.
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import type { SnapshotMessage } from '@tablero/processor/contract';
import { startTablero } from '../test/support/tablero-process.ts';
import { waitFor } from '../test/support/wait-for.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const LINES_PER_S = 2_000;
const QUEUES = 20;
const TICK_MS = 30;

const dir = mkdtempSync(join(tmpdir(), 'tablero-bench-e2e-'));
const queueLog = join(dir, 'queue_log');
writeFileSync(queueLog, '');
const tablero = await startTablero({ args: ['--source', queueLog, '--no-simulate'] });
const latencies: number[] = [];
try {
  // completions[q][n] = when the (n+1)-th answered call of queue q was appended.
  const completions: number[][] = Array.from({ length: QUEUES }, () => []);
  const seen = new Array<number>(QUEUES).fill(0);
  const ws = new WebSocket(`${tablero.url.replace('http', 'ws')}/ws/live?kiosk=${tablero.admin.kioskToken}`, { origin: tablero.url });
  ws.on('message', (raw) => {
    const at = performance.now();
    const msg = JSON.parse(raw.toString()) as { type: string };
    if (msg.type !== 'snapshots') return;
    for (const q of (msg as SnapshotMessage).queues) {
      const i = Number(q.queue.slice(1));
      const answered = q.windows.today.answered;
      for (let n = seen[i] ?? 0; n < answered; n++) {
        const appended = completions[i]?.[n];
        if (appended !== undefined) latencies.push(at - appended);
      }
      seen[i] = Math.max(seen[i] ?? 0, answered);
    }
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });

  const callsPerTick = Math.round(((LINES_PER_S / 3) * TICK_MS) / 1000);
  const ticks = Math.round((SECONDS * 1000) / TICK_MS);
  let call = 0;
  const start = performance.now();
  for (let t = 0; t < ticks; t++) {
    const nowS = Math.floor(Date.now() / 1000);
    const lines: string[] = [];
    const queuesDone: number[] = [];
    for (let c = 0; c < callsPerTick; c++, call++) {
      const q = call % QUEUES;
      const id = `${nowS}.${call}`;
      lines.push(
        `${nowS - 20}|${id}|q${q}|NONE|ENTERQUEUE||5550000|1`,
        `${nowS - 10}|${id}|q${q}|Agent/${q}|CONNECT|10|${id}9|1`,
        `${nowS}|${id}|q${q}|Agent/${q}|COMPLETECALLER|10|10|1`,
      );
      queuesDone.push(q);
    }
    appendFileSync(queueLog, `${lines.join('\n')}\n`);
    const at = performance.now();
    for (const q of queuesDone) completions[q]?.push(at);
    const next = start + (t + 1) * TICK_MS;
    const wait = next - performance.now();
    if (wait > 0) await sleep(wait);
  }
  const written = completions.reduce((n, c) => n + c.length, 0);
  await waitFor(() => latencies.length >= written, { timeoutMs: 120_000, what: 'every call counted on the WebSocket' });
  ws.close();
  latencies.sort((a, b) => a - b);
  const pct = (p: number): number => Math.round(latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0);
  console.log(`machine load average ${loadavg()[0]?.toFixed(2)}; ${written} calls (${written * 3} lines) over ${SECONDS} s; p50 ${pct(50)} ms, p99 ${pct(99)} ms, max ${pct(100)} ms`);
  const row = (metric: string, value: number, target: string): void =>
    console.log(`BENCH ${JSON.stringify({ bench: 'e2e-line-to-websocket', metric, value, unit: 'ms', target })}`);
  row('p99_ms', pct(99), '<= 250 (2,000 lines/s)');
  row('p50_ms', pct(50), 'reference');
} finally {
  await tablero.stop();
  rmSync(dir, { recursive: true, force: true });
}
