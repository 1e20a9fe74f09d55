// Memory of `tablero start` (issue 18 "Memory"): the real one-process start (embedded chDB,
// in-process bus, its own traffic simulator) sized to 100 queues and 1,000 agents, with wallboard
// WebSocket clients on the kiosk link, for `--minutes N` (default 60). Its RSS (/proc/<pid>/status
// VmRSS: node, V8 and the embedded ClickHouse together) is sampled every 30 s from outside. Targets:
// every sample <= 500 MB, and flat after the first 10 minutes: the least-squares slope of the
// samples after minute 10 under 5 MB per 10 minutes, and the last sample within 5 % of the one at
// minute 10. The clients count `snapshots` frames (without parsing them: the bench must not eat
// the cores it measures), so a start that stopped publishing fails the run instead of looking thrifty.
//
// Usage: npx tsx bench/start-memory.ts [--minutes 60] [--queues 100] [--agents 1000]
//        [--calls-per-hour 12000] [--clients 50]
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { startTablero } from '../test/support/tablero-process.ts';
import { cpuSeconds } from './support/proc-cpu.ts';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '60' },
    queues: { type: 'string', default: '100' },
    agents: { type: 'string', default: '1000' },
    'calls-per-hour': { type: 'string', default: '12000' },
    clients: { type: 'string', default: '50' },
  },
});
const MINUTES = Number(values.minutes);
const CLIENTS = Number(values.clients);
if (!(MINUTES > 0) || !(CLIENTS >= 0)) throw new Error('--minutes must be > 0 and --clients >= 0');
const SAMPLE_MS = 30_000;
const FLAT_FROM_MIN = Math.min(10, MINUTES / 2);
const LIMIT_MB = 500;

const tablero = await startTablero({
  args: ['--queues', values.queues as string, '--agents', values.agents as string, '--calls-per-hour', values['calls-per-hour'] as string],
});
const pid = tablero.child.pid;
if (pid === undefined) throw new Error('tablero start has no pid');
const status = (): string => readFileSync(`/proc/${pid}/status`, 'utf8');
const rssMb = (): number => Number(/VmRSS:\s+(\d+) kB/.exec(status())?.[1] ?? NaN) / 1024;
const threads = (): number => Number(/Threads:\s+(\d+)/.exec(status())?.[1] ?? NaN);

let frames = 0;
let bytes = 0;
let failure: Error | null = null;
const sockets: WebSocket[] = [];
const wsUrl = `${tablero.url.replace('http', 'ws')}/ws/live?kiosk=${encodeURIComponent(tablero.admin.kioskToken)}`;
const SNAPSHOTS = Buffer.from('{"type":"snapshots"');
try {
  for (let i = 0; i < CLIENTS; i++) {
    const ws = new WebSocket(wsUrl, { origin: tablero.url });
    ws.on('message', (raw: Buffer) => {
      bytes += raw.length;
      if (raw.subarray(0, SNAPSHOTS.length).equals(SNAPSHOTS)) frames++;
    });
    ws.on('close', () => {
      failure ??= new Error(`WebSocket client ${i} was closed by the server`);
    });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    sockets.push(ws);
  }

  const start = performance.now();
  const cpu0 = cpuSeconds(pid);
  const samples: { min: number; rss: number }[] = [];
  let framesAtFlat = -1;
  for (let k = 1; k * SAMPLE_MS <= MINUTES * 60_000; k++) {
    const wait = start + k * SAMPLE_MS - performance.now();
    if (wait > 0) await sleep(wait);
    if (failure) throw failure;
    const min = (performance.now() - start) / 60_000;
    const rss = rssMb();
    samples.push({ min, rss });
    if (framesAtFlat < 0 && min >= FLAT_FROM_MIN) framesAtFlat = frames;
    console.log(
      `${min.toFixed(1)} min: rss ${rss.toFixed(1)} MB, threads ${threads()}, cpu ${(((cpuSeconds(pid) - cpu0) / (min * 60)) * 100).toFixed(0)} %, ` +
        `${frames} snapshot frames (${(bytes / 2 ** 20).toFixed(0)} MiB) to ${CLIENTS} clients, load ${loadavg()[0]?.toFixed(2)}`,
    );
  }
  const wallS = (performance.now() - start) / 1000;
  const cpuPct = ((cpuSeconds(pid) - cpu0) / wallS) * 100;
  const after = samples.filter((s) => s.min >= FLAT_FROM_MIN);
  const first = after[0];
  const last = after.at(-1);
  if (!first || !last) throw new Error('the run ended before the flat part began');
  // Least-squares slope of RSS over the minutes after FLAT_FROM_MIN, per 10 minutes.
  const mx = after.reduce((a, s) => a + s.min, 0) / after.length;
  const my = after.reduce((a, s) => a + s.rss, 0) / after.length;
  const slope = (after.reduce((a, s) => a + (s.min - mx) * (s.rss - my), 0) / Math.max(1e-9, after.reduce((a, s) => a + (s.min - mx) ** 2, 0))) * 10;
  const peak = Math.max(...samples.map((s) => s.rss));
  const growthPct = ((last.rss - first.rss) / first.rss) * 100;
  const curve = samples.filter((_, i) => i % 10 === 9 || i === 0).map((s) => `${s.min.toFixed(0)}m ${s.rss.toFixed(0)}`);
  console.log(`RSS curve (MB, every 5 min): ${curve.join(', ')}`);
  console.log(
    `${MINUTES} min, ${values.queues} queues, ${values.agents} agents, ${values['calls-per-hour']} calls/h, ${CLIENTS} clients: ` +
      `peak ${peak.toFixed(0)} MB; ${first.rss.toFixed(0)} MB at ${first.min.toFixed(1)} min -> ${last.rss.toFixed(0)} MB at the end (${growthPct.toFixed(1)} %), ` +
      `slope ${slope.toFixed(1)} MB / 10 min; CPU ${cpuPct.toFixed(0)} % of a core; ${frames - framesAtFlat} frames since minute ${FLAT_FROM_MIN}; load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`,
  );
  const row = (metric: string, value: number, unit: string, target: string): void =>
    console.log(`BENCH ${JSON.stringify({ bench: 'start-memory', metric, value, unit, target })}`);
  const load = `${values.queues} queues, ${values.agents} agents, ${values['calls-per-hour']} calls/h, ${CLIENTS} clients, ${MINUTES} min`;
  row('rss_mb_peak', Math.round(peak), 'MB', `<= ${LIMIT_MB} (${load})`);
  row(`rss_mb_at_${FLAT_FROM_MIN}_min`, Math.round(first.rss), 'MB', 'reference');
  row('rss_mb_end', Math.round(last.rss), 'MB', 'reference');
  row('rss_slope_mb_per_10_min', Math.round(slope * 10) / 10, 'MB', '< 5 (flat after 10 min)');
  row('cpu_pct', Math.round(cpuPct), '%', 'reference (one core = 100)');
  const problems: string[] = [];
  if (peak > LIMIT_MB) problems.push(`RSS peaked at ${peak.toFixed(0)} MB (> ${LIMIT_MB})`);
  if (slope >= 5) problems.push(`RSS still grows ${slope.toFixed(1)} MB per 10 minutes after minute ${FLAT_FROM_MIN}`);
  if (Math.abs(growthPct) > 5) problems.push(`RSS moved ${growthPct.toFixed(1)} % after minute ${FLAT_FROM_MIN}`);
  if (CLIENTS > 0 && frames === framesAtFlat) problems.push(`no snapshot reached the clients after minute ${FLAT_FROM_MIN}`);
  if (problems.length > 0) throw new Error(problems.join('; '));
} finally {
  for (const ws of sockets) ws.terminate();
  await tablero.stop();
}
