// End to end latency (issue #4): a queue_log line appended -> the KPI snapshot that counts it
// delivered to a WebSocket client, through the real `tablero start` (embedded chDB, in-process
// bus) while 2,000 lines/s flow. Each call is written as ENTERQUEUE + CONNECT + COMPLETECALLER
// (3 lines); the latency of a call is from the append of its COMPLETECALLER to the first snapshot
// whose `answered` for its queue includes it. Target (issue 18) p99 <= 150 ms over 20 queues and
// over 200 queues. Snapshots are paced per site: at most one message every 100 ms with the queues
// changed since the previous one, so pacing alone accounts for up to 100 ms whatever the number of
// queues. The client also counts the snapshots messages per second of the site (contract: <= 10).
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
const TICK_MS = 30;

const dir = mkdtempSync(join(tmpdir(), 'tablero-bench-e2e-'));
const queueLog = join(dir, 'queue_log');
writeFileSync(queueLog, '');
const tablero = await startTablero({ args: ['--source', queueLog, '--no-simulate'] });
// Two runs at the same 2,000 lines/s: 20 queues, then 200 queues; the site changes all the time
// in both, so a change waits up to 100 ms for the site's next message.
async function run(prefix: string, queues: number): Promise<{ latencies: number[]; maxPerSecond: number }> {
  const latencies: number[] = [];
  const messageTimes: number[] = [];
  let lines0: number | null = null;
  // completions[q][n] = when the (n+1)-th answered call of queue q was appended.
  const completions: number[][] = Array.from({ length: queues }, () => []);
  const seen = new Array<number>(queues).fill(0);
  const ws = new WebSocket(`${tablero.url.replace('http', 'ws')}/ws/live?kiosk=${tablero.admin.kioskToken}`, { origin: tablero.url });
  ws.on('message', (raw) => {
    const at = performance.now();
    const msg = JSON.parse(raw.toString()) as { type: string };
    if (msg.type !== 'snapshots') return;
    // When the processor computed the message (its snapshots' at_ms): the pacing is the
    // producer's; arrival times bunch up behind a large message. The greeting is not paced traffic.
    const computed = (msg as SnapshotMessage).queues[0]?.at_ms;
    if (lines0 !== null && computed !== undefined) messageTimes.push(computed);
    for (const q of (msg as SnapshotMessage).queues) {
      if (!q.queue.startsWith(prefix)) continue;
      const i = Number(q.queue.slice(prefix.length));
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
  lines0 = start;
  for (let t = 0; t < ticks; t++) {
    const nowS = Math.floor(Date.now() / 1000);
    const lines: string[] = [];
    const queuesDone: number[] = [];
    for (let c = 0; c < callsPerTick; c++, call++) {
      const q = call % queues;
      const id = `${prefix}${nowS}.${call}`;
      lines.push(
        `${nowS - 20}|${id}|${prefix}${q}|NONE|ENTERQUEUE||5550000|1`,
        `${nowS - 10}|${id}|${prefix}${q}|Agent/${q}|CONNECT|10|${id}9|1`,
        `${nowS}|${id}|${prefix}${q}|Agent/${q}|COMPLETECALLER|10|10|1`,
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
  // The most snapshots messages computed inside any 1 s window after the greeting (one site here).
  let maxPerSecond = 0;
  for (let i = 0, j = 0; i < messageTimes.length; i++) {
    while ((messageTimes[i] as number) - (messageTimes[j] as number) >= 1_000) j++;
    maxPerSecond = Math.max(maxPerSecond, i - j + 1);
  }
  return { latencies: latencies.sort((a, b) => a - b), maxPerSecond };
}

try {
  const row = (metric: string, value: number, target: string): void =>
    console.log(`BENCH ${JSON.stringify({ bench: 'e2e-line-to-websocket', metric, value, unit: 'ms', target })}`);
  // BENCH_QUEUES=200 runs only that case (e.g. to profile it).
  const only = process.env.BENCH_QUEUES ? Number(process.env.BENCH_QUEUES) : null;
  for (const [prefix, queues, suffix] of [
    ['q', 20, ''],
    ['w', 200, '_200_queues'],
  ] as const) {
    if (only !== null && queues !== only) continue;
    const { latencies, maxPerSecond } = await run(prefix, queues);
    const pct = (p: number): number => Math.round(latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0);
    console.log(
      `${queues} queues: machine load average ${loadavg()[0]?.toFixed(2)}; ${latencies.length} calls (${latencies.length * 3} lines) over ${SECONDS} s; ` +
        `p50 ${pct(50)} ms, p99 ${pct(99)} ms, max ${pct(100)} ms; at most ${maxPerSecond} snapshots messages computed in 1 s`,
    );
    row(`p99_ms${suffix}`, pct(99), `<= 150 (2,000 lines/s over ${queues} queues)`);
    row(`p50_ms${suffix}`, pct(50), 'reference');
    console.log(`BENCH ${JSON.stringify({ bench: 'e2e-line-to-websocket', metric: `max_messages_per_s${suffix}`, value: maxPerSecond, unit: 'messages', target: '<= 10' })}`);
  }
} finally {
  await tablero.stop();
  rmSync(dir, { recursive: true, force: true });
}
