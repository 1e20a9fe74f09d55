// Benchmark (issue 19): how long a kiosk TV is off the live feed when its dashboard goes away and
// a load balancer sends it to another one. Two real dashboard servers (startDashboard, one embedded
// chDB, one bus both subscribe to, as two processes subscribe to `kpi.>`) behind a TCP balancer
// that, like nginx `proxy_next_upstream error`, tries the first dashboard and falls back to the
// second when the first refuses. Debian's Chromium opens the kiosk wallboard through the balancer
// (the real SPA and its live feed with backoff, dashboard/src/lib/backoff.ts). Then, 10 times, the
// dashboard the TV is on goes away: a graceful stop (close 1001, odd rounds) or a crash (its
// connections cut, its port refusing: even rounds); the other one takes the TV. Measured in the
// page: drop -> hello of the new dashboard, and drop -> its first `snapshots` frame (the whole
// picture: every queue). The dashboard that went away comes back before the next round.
// The bus emits what the processor would: a change every 200 ms, every queue every 5 s, and every
// queue 250 ms (its tick) after a dashboard asks at start (LIVE_RESYNC_SUBJECT).
import { createServer, connect as tcpConnect, type Server, type Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { chromium } from 'playwright-core';
import { migrate, openClickHouse } from '@tablero/sql';
import { createKioskToken, startDashboard, type DashboardBus, type RunningDashboard } from '@tablero/dashboard';
import type { QueueSnapshot, SnapshotMessage } from '@tablero/processor/contract';
import { LIVE_RESYNC_SUBJECT, SNAPSHOT_HEARTBEAT_MS } from '@tablero/processor/contract';
import { CHROMIUM_ARGS } from '../test/support/browser.ts';

const BENCH = 'dashboard-failover';
const ROUNDS = 10;
const QUEUES = 8;
const APP_DIR = fileURLToPath(new URL('../dashboard/dist/app/', import.meta.url));

function emit(metric: string, value: number, unit: string, target: string): void {
  console.log(`BENCH ${JSON.stringify({ bench: BENCH, metric, value, unit, target })}`);
}

function snapshot(queue: string, atMs: number, offered: number): QueueSnapshot {
  const f = {
    offered, answered: offered, answered_within: offered, unanswered: 0, abandoned: 0, timeout: 0, exit_key: 0, exit_empty: 0,
    withdrawn: 0, failed: 0, refused: 0, short_abandoned: 0, out_of_hours: 0, sl_pct: 100, abandon_rate_pct: 0,
    unanswered_rate_pct: 0, asa_s: 5, avg_abandon_wait_s: null, aht_s: 120, longest_wait_s: 9,
  };
  return {
    type: 'kpi', site: 'default', queue, at_ms: atMs, data_ts: Math.floor(atMs / 1000),
    definition: { formula: 'offered', threshold_s: 20, strict: false, short_abandon_s: 0, tz: 'UTC' },
    target_pct: 80, windows: { today: f, interval: f, last_60m: f }, waiting_now: 1, longest_current_wait_s: 4, talking_now: 2,
    agents: { logged_in: 6, available: 2, on_call: 2, paused: 2 },
    sl_series: [],
  } as QueueSnapshot;
}

/** One in-process bus both dashboards listen on (two processes would each subscribe to `kpi.>`). */
class SharedBus implements DashboardBus {
  private readonly handlers = new Set<(subject: string, data: Uint8Array) => void>();
  listen(_subject: string, handler: (subject: string, data: Uint8Array) => void): () => void {
    this.handlers.add(handler);
    return () => void this.handlers.delete(handler);
  }
  healthy(): boolean {
    return true;
  }
  /** A dashboard at start asks for the whole picture; the stand-in processor answers at its next tick (250 ms at most). */
  onResync: () => void = () => undefined;
  emit(subject: string): void {
    if (subject === LIVE_RESYNC_SUBJECT) setTimeout(() => this.onResync(), 250);
  }
  send(queues: QueueSnapshot[]): void {
    const msg: SnapshotMessage = { type: 'snapshots', site: 'default', queues };
    const data = Buffer.from(JSON.stringify(msg));
    for (const h of this.handlers) h('kpi.queue.default', data);
  }
}

/** A TCP balancer: each connection goes to the first upstream that accepts it. */
class Balancer {
  readonly down = new Set<number>();
  private readonly pairs = new Map<number, Set<Socket>>();
  private server: Server | null = null;
  port = 0;
  constructor(private readonly upstreams: number[]) {}
  async start(): Promise<void> {
    this.server = createServer((client) => this.route(client, 0));
    await new Promise<void>((r) => this.server?.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as { port: number }).port;
  }
  private route(client: Socket, i: number): void {
    const port = this.upstreams[i];
    if (port === undefined) {
      client.destroy();
      return;
    }
    if (this.down.has(port)) {
      this.route(client, i + 1);
      return;
    }
    client.pause();
    const up = tcpConnect(port, '127.0.0.1');
    up.once('error', () => {
      up.destroy();
      this.route(client, i + 1);
    });
    up.once('connect', () => {
      up.removeAllListeners('error');
      const set = this.pairs.get(port) ?? new Set<Socket>();
      this.pairs.set(port, set);
      set.add(up);
      up.on('close', () => set.delete(up));
      client.pipe(up).pipe(client);
      client.resume();
      const end = (): void => {
        client.destroy();
        up.destroy();
      };
      up.on('error', end);
      client.on('error', end);
      up.on('close', end);
      client.on('close', end);
    });
  }
  /** A crash of the dashboard on `port`: its connections cut, its port refusing. */
  crash(port: number): void {
    this.down.add(port);
    for (const s of this.pairs.get(port) ?? []) s.destroy();
  }
  /** Which upstream holds an open connection now (the TV's WebSocket, once the page has loaded). */
  holding(): number | null {
    for (const [port, set] of this.pairs) if (set.size > 0) return port;
    return null;
  }
  close(): void {
    this.server?.close();
    for (const set of this.pairs.values()) for (const s of set) s.destroy();
  }
}

const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] as number;

const dir = mkdtempSync(join(tmpdir(), 'tablero-bench-failover-'));
const ch = await openClickHouse({ database: 'tablero', dataDir: dir });
await migrate(ch.client);
const token = await createKioskToken(ch, 'bench', 'bench');
const bus = new SharedBus();
const log = pino({ level: 'warn' }, pino.destination(2));
const deps = { bus, ch, log, queryKpis: async () => [] };
const opts = { sessionSecret: 'a-benchmark-session-secret-of-32-bytes!', host: '127.0.0.1', staticDir: APP_DIR };
const ports: number[] = [];
const running = new Map<number, RunningDashboard>();
for (let i = 0; i < 2; i++) {
  const d = await startDashboard(deps, { ...opts, port: 0 });
  const port = Number(new URL(d.url).port);
  ports.push(port);
  running.set(port, d);
}
const balancer = new Balancer(ports);
await balancer.start();

// What the processor would send: a change of one queue every 200 ms, every queue every 5 s.
let tick = 0;
const all = (): QueueSnapshot[] => Array.from({ length: QUEUES }, (_, i) => snapshot(String(101 + i), Date.now(), 10 + tick));
bus.send(all());
bus.onResync = () => bus.send(all());
const changes = setInterval(() => {
  tick += 1;
  bus.send([snapshot(String(101 + (tick % QUEUES)), Date.now(), 10 + tick)]);
}, 200);
const heartbeat = setInterval(() => bus.send(all()), SNAPSHOT_HEARTBEAT_MS);

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
const toHello: number[] = [];
const toPicture: number[] = [];
try {
  const page = await (await browser.newContext({ viewport: { width: 1920, height: 1080 } })).newPage();
  await page.addInitScript(() => {
    const W = window.WebSocket;
    const marks: Array<{ what: string; at: number; queues?: number }> = [];
    (window as unknown as { __marks: typeof marks }).__marks = marks;
    window.WebSocket = class extends W {
      constructor(url: string | URL, p?: string | string[]) {
        super(url, p);
        this.addEventListener('close', () => marks.push({ what: 'close', at: performance.now() }));
        this.addEventListener('message', (e) => {
          const m = JSON.parse(String(e.data)) as { type: string; queues?: unknown[] };
          if (m.type === 'hello' || m.type === 'snapshots') marks.push({ what: m.type, at: performance.now(), queues: m.queues?.length ?? 0 });
        });
      }
    } as typeof WebSocket;
  });
  await page.goto(`http://127.0.0.1:${balancer.port}/?kiosk=${encodeURIComponent(token)}#/wallboard`);
  await page.waitForSelector(`[data-testid="queue-card-${100 + QUEUES}"]`, { timeout: 30_000 });
  for (let round = 1; round <= ROUNDS; round++) {
    const marks = (): Promise<Array<{ what: string; at: number; queues?: number }>> => page.evaluate(() => (window as unknown as { __marks: Array<{ what: string; at: number; queues?: number }> }).__marks);
    // The TV's socket is the one open connection through the balancer.
    const on = balancer.holding();
    if (on === null) throw new Error('the TV is not connected');
    const before = (await marks()).length;
    if (round % 2 === 1) await running.get(on)?.close();
    else balancer.crash(on);
    // Wait (in the page) for a close, then a hello and a whole picture after it.
    const got = await page.waitForFunction(
      ([from, queues]) => {
        const m = (window as unknown as { __marks: Array<{ what: string; at: number; queues?: number }> }).__marks.slice(from);
        const close = m.find((x) => x.what === 'close');
        if (!close) return false;
        const hello = m.find((x) => x.what === 'hello' && x.at >= close.at);
        const picture = hello ? m.find((x) => x.what === 'snapshots' && x.at >= hello.at && (x.queues ?? 0) >= queues) : undefined;
        return hello && picture ? [hello.at - close.at, picture.at - close.at] : false;
      },
      [before, QUEUES] as const,
      { polling: 50, timeout: 60_000 },
    );
    const [hello, picture] = (await got.jsonValue()) as [number, number];
    toHello.push(Math.round(hello));
    toPicture.push(Math.round(picture));
    console.log(`round ${round} (${round % 2 === 1 ? 'graceful stop' : 'crash'} of :${on}): hello after ${Math.round(hello)} ms, every queue after ${Math.round(picture)} ms`);
    // The one that went away comes back (same port) before the next round.
    if (round % 2 === 1) running.set(on, await startDashboard(deps, { ...opts, port: on }));
    else balancer.down.delete(on);
  }
} finally {
  clearInterval(changes);
  clearInterval(heartbeat);
  await browser.close();
  balancer.close();
  for (const d of running.values()) await d.close().catch(() => undefined);
  await ch.close();
  rmSync(dir, { recursive: true, force: true });
}
console.log(`machine: ${cpus()[0]?.model ?? '?'} x${cpus().length}, load average ${loadavg()[0]?.toFixed(2)}`);
emit('reconnect_ms_p50', pct(toHello, 50), 'ms', 'reference (drop -> hello of the other dashboard)');
emit('reconnect_ms_max', Math.max(...toHello), 'ms', `<= 5000 (${ROUNDS} switches, half graceful, half crash)`);
emit('whole_picture_ms_max', Math.max(...toPicture), 'ms', '<= 5000 (drop -> every queue from the other dashboard)');
if (Math.max(...toPicture) > 5000) process.exitCode = 1;
