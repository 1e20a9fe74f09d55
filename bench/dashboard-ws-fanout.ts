// Benchmark (issue #5): 1,000 concurrent wallboard WebSocket clients on one dashboard server
// process. The server (this process) runs the real app (startDashboard, embedded chDB with the
// real migrations, a kiosk token) on loopback; the clients run in a separate Node process (this
// same file with `--clients`). The bus stands in for the processor: every second it publishes a
// `snapshots` message of 12 queues (each with a full day's SL series), stamped with the publish
// time; each client measures receive time - publish time (one machine, one clock).
// Prints: p50/p99/max update latency, updates missed, server RSS. Exits 1 when an update was
// missed or p99 > 1 s.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import pino from 'pino';
import WebSocket from 'ws';
import { migrate, openClickHouse } from '@tablero/sql';
import { createKioskToken, startDashboard, type DashboardBus } from '@tablero/dashboard';
import type { QueueSnapshot, SnapshotMessage } from '@tablero/processor/contract';

const CLIENTS = Number(process.env['BENCH_CLIENTS'] ?? 1000);
const UPDATES = Number(process.env['BENCH_UPDATES'] ?? 30);
const QUEUES = 12;
const BENCH = 'dashboard-ws-fanout';

function emit(metric: string, value: number, unit: string, target: string): void {
  console.log(`BENCH ${JSON.stringify({ bench: BENCH, metric, value, unit, target })}`);
}

function snapshot(queue: string, atMs: number, i: number): QueueSnapshot {
  const figures = {
    offered: 400 + i, answered: 360 + i, answered_within: 300, unanswered: 40, abandoned: 35, timeout: 5, exit_key: 0,
    exit_empty: 0, withdrawn: 0, failed: 0, refused: 0, short_abandoned: 0, out_of_hours: 0, sl_pct: 75.5,
    abandon_rate_pct: 8.75, unanswered_rate_pct: 10, asa_s: 14.2, avg_abandon_wait_s: 31.5, aht_s: 182.4, longest_wait_s: 190,
  };
  const dayStart = Math.floor(atMs / 86_400_000) * 86_400;
  return {
    type: 'kpi', site: 'default', queue, at_ms: atMs, data_ts: Math.floor(atMs / 1000),
    definition: { formula: 'offered', threshold_s: 20, strict: false, short_abandon_s: 0, tz: 'America/La_Paz' },
    target_pct: 80, windows: { today: figures, interval: figures, last_60m: figures },
    waiting_now: i % 5, longest_current_wait_s: 12, talking_now: 8, agents: { logged_in: 20, available: 6, on_call: 8, paused: 6 },
    // A whole day of 15-minute points: the largest a snapshot gets.
    sl_series: Array.from({ length: 96 }, (_, k) => ({ start_s: dayStart + k * 900, sl_pct: 70 + (k % 30), offered: 10 + (k % 7) })),
  };
}

/** The in-process bus (as in `tablero start`): delivers each publish to the subscribers at once. */
class BenchBus implements DashboardBus {
  private readonly handlers: Array<(subject: string, data: Uint8Array) => void> = [];
  listen(_subject: string, handler: (subject: string, data: Uint8Array) => void): () => void {
    this.handlers.push(handler);
    return () => {};
  }
  healthy(): boolean {
    return true;
  }
  publish(subject: string, data: Uint8Array): void {
    for (const h of this.handlers) h(subject, data);
  }
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

async function runClients(url: string, n: number, updates: number): Promise<void> {
  // Client side: open n sockets (50 at a time), report ready, then collect latencies of the
  // `snapshots` messages published after ready (the welcome snapshot is not an update).
  const sockets: WebSocket[] = [];
  const latencies: number[] = [];
  const received = new Array<number>(n).fill(0);
  let readyAt = Number.POSITIVE_INFINITY;
  const origin = new URL(url).origin.replace('ws:', 'http:');
  const open = (i: number): Promise<void> =>
    new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers: { origin } });
      ws.on('message', (data: Buffer) => {
        const text = data.toString('utf8');
        if (text.startsWith('{"type":"hello"')) {
          resolve();
          return;
        }
        // The publish time sits in the first snapshot's at_ms; parse only that much.
        const m = /"at_ms":(\d+)/.exec(text);
        const at = m ? Number(m[1]) : 0;
        if (at >= readyAt) {
          latencies.push(Date.now() - at);
          received[i] = (received[i] ?? 0) + 1;
        }
      });
      ws.on('error', reject);
      sockets.push(ws);
    });
  const t0 = Date.now();
  for (let i = 0; i < n; i += 50) await Promise.all(Array.from({ length: Math.min(50, n - i) }, (_, k) => open(i + k)));
  readyAt = Date.now();
  process.stdout.write(`READY ${readyAt} ${readyAt - t0}\n`);
  const deadline = Date.now() + (updates + 15) * 1000;
  while (received.some((r) => r < updates) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  latencies.sort((a, b) => a - b);
  const missed = received.reduce((a, r) => a + Math.max(0, updates - r), 0);
  process.stdout.write(`RESULT ${JSON.stringify({ p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies.at(-1) ?? null, missed, samples: latencies.length })}\n`);
  for (const ws of sockets) ws.terminate();
  process.exit(0);
}

async function main(): Promise<void> {
  if (process.argv[2] === '--clients') {
    await runClients(process.argv[3] as string, Number(process.argv[4]), Number(process.argv[5]));
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'tablero-bench-ws-'));
  const ch = await openClickHouse({ database: 'tablero', dataDir: dir });
  await migrate(ch.client);
  const token = await createKioskToken(ch, 'bench', 'bench');
  const bus = new BenchBus();
  const log = pino({ level: 'warn' }, pino.destination(2));
  const dash = await startDashboard(
    { bus, ch, log, queryKpis: async () => [] },
    { sessionSecret: 'a-benchmark-session-secret-of-32-bytes!', port: 0, host: '127.0.0.1' },
  );
  const wsUrl = `${dash.url.replace('http:', 'ws:')}/ws/live?kiosk=${encodeURIComponent(token)}`;
  const names = Array.from({ length: QUEUES }, (_, i) => String(101 + i));
  const publish = (atMs: number): number => {
    const msg: SnapshotMessage = { type: 'snapshots', site: 'default', queues: names.map((q, i) => snapshot(q, atMs, i)) };
    const bytes = Buffer.from(JSON.stringify(msg));
    bus.publish('kpi.queue.default', bytes);
    return bytes.length;
  };
  publish(Date.now() - 60_000); // the state a client is greeted with

  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--clients', wsUrl, String(CLIENTS), String(UPDATES)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  interface ClientResult {
    p50: number;
    p99: number;
    max: number | null;
    missed: number;
    samples: number;
  }
  const got: { result: ClientResult | null } = { result: null };
  let rssPeak = 0;
  let heapPeak = 0;
  let messageBytes = 0;
  const fanoutCpuMs: number[] = [];
  let connectMs = 0;
  const done = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  for await (const line of lines) {
    if (line.startsWith('READY ')) {
      connectMs = Number(line.split(' ')[2]);
      // Updates once a second, as a busy processor publishes; RSS sampled after each.
      for (let u = 0; u < UPDATES; u++) {
        await new Promise((r) => setTimeout(r, 1000));
        // The hub's synchronous fan-out (decode once, one frame per scope, 1,000 socket writes):
        // its CPU time is what the server pays per update, whatever else loads the machine.
        const c0 = process.cpuUsage();
        messageBytes = publish(Date.now());
        const c = process.cpuUsage(c0);
        fanoutCpuMs.push((c.user + c.system) / 1000);
        const mem = process.memoryUsage();
        rssPeak = Math.max(rssPeak, mem.rss);
        heapPeak = Math.max(heapPeak, mem.heapUsed);
      }
    } else if (line.startsWith('RESULT ')) {
      got.result = JSON.parse(line.slice(7)) as ClientResult;
    }
  }
  await done;
  await dash.close();
  await ch.close();
  rmSync(dir, { recursive: true, force: true });
  const result = got.result;
  if (!result) throw new Error('the client process gave no result');
  console.log(
    `machine: ${cpus()[0]?.model ?? '?'} x${cpus().length}, load average ${loadavg()[0]?.toFixed(2)}; ${CLIENTS} clients, ${UPDATES} updates of ${messageBytes} bytes, connect ${connectMs} ms, ${result.samples} samples`,
  );
  emit('update_latency_p99_ms', result.p99, 'ms', `<= 1000 (${CLIENTS} clients)`);
  emit('update_latency_p50_ms', result.p50, 'ms', 'reference');
  emit('update_latency_max_ms', result.max ?? -1, 'ms', 'reference');
  emit('updates_missed', result.missed, 'updates', '0');
  fanoutCpuMs.sort((a, b) => a - b);
  emit('fanout_cpu_ms_per_update_median', Math.round(percentile(fanoutCpuMs, 50) * 10) / 10, 'ms CPU', `reference (${CLIENTS} clients, one scope)`);
  // RSS includes the embedded chDB engine of this process (as in `tablero start`).
  emit('server_rss_mb', Math.round(rssPeak / 2 ** 20), 'MiB', 'report');
  emit('server_heap_used_mb', Math.round(heapPeak / 2 ** 20), 'MiB', 'report');
  if (result.missed > 0 || !(result.p99 <= 1000)) process.exit(1);
}

await main();
