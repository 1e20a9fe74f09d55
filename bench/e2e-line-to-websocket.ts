// End to end latency (issue #4): a queue_log line appended -> the KPI snapshot that counts it
// delivered to a WebSocket client, through the real `tablero start` (embedded chDB, in-process
// bus) while 2,000 lines/s flow. Each call is written as ENTERQUEUE + CONNECT + COMPLETECALLER
// (3 lines); the latency of a call is from the append of its COMPLETECALLER to the first snapshot
// whose `answered` for its queue includes it. Target (issue 18) p99 <= 150 ms over 20 queues and
// over 200 queues. Snapshots are paced per site: at most one message every 100 ms with the queues
// changed since the previous one, so pacing alone accounts for up to 100 ms whatever the number of
// queues. The client also counts the snapshots messages per second of the site (contract: <= 10).
// A third run (issue 18 "Live": 1,000 clients p99 <= 500 ms) adds 1,000 kiosk wallboard clients in
// a second Node process at 200 lines/s over 20 queues (a large contact center's rate): each of
// them notes when every snapshots frame arrived (frames are the same bytes for every client of a
// scope, keyed by their first snapshot's queue and at_ms); the latency of a call on a client is
// that frame's arrival there minus the append of the call's COMPLETECALLER, over every client.
import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import type { SnapshotMessage } from '@tablero/processor/contract';
import { startTablero } from '../test/support/tablero-process.ts';
import { waitFor } from '../test/support/wait-for.ts';
import { cpuSeconds } from './support/proc-cpu.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const TICK_MS = 30;
/** Absolute milliseconds, comparable between the two processes. */
const nowMs = (): number => performance.timeOrigin + performance.now();
/** The key of a snapshots frame: its first snapshot's queue and at_ms (read without parsing the frame). */
const FRAME_KEY = /"queue":"([^"]+)","at_ms":(\d+)/;

if (process.argv[2] === '--clients') {
  // The client process: N sockets, each noting when each snapshots frame arrived.
  const [url, origin, n] = [process.argv[3] as string, process.argv[4] as string, Number(process.argv[5])];
  const arrivals = new Map<string, number[]>();
  const sockets: WebSocket[] = [];
  let closed = 0;
  for (let i = 0; i < n; i += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, n - i) }, () => new Promise<void>((resolve, reject) => {
        const ws = new WebSocket(url, { origin });
        ws.on('message', (raw: Buffer) => {
          const at = nowMs();
          if (raw[9] !== 0x73) return; // {"type":"s(napshots)"
          const m = FRAME_KEY.exec(raw.subarray(0, 400).toString('latin1'));
          if (!m) return;
          const key = `${m[1]}|${m[2]}`;
          const list = arrivals.get(key);
          if (list) list.push(at);
          else arrivals.set(key, [at]);
        });
        ws.once('open', () => resolve());
        ws.once('error', reject);
        ws.on('close', () => closed++);
        sockets.push(ws);
      })),
    );
  }
  process.stdout.write('READY\n');
  const cpu0 = process.cpuUsage();
  createInterface({ input: process.stdin }).once('line', () => {
    const used = process.cpuUsage(cpu0);
    const cpuS = (used.user + used.system) / 1e6;
    for (const ws of sockets) ws.terminate();
    // Exit once the pipe took the whole line.
    process.stdout.write(`RESULT ${JSON.stringify({ closed, cpuS, arrivals: [...arrivals] })}\n`, () => process.exit(0));
  });
} else {

const dir = mkdtempSync(join(tmpdir(), 'tablero-bench-e2e-'));
const queueLog = join(dir, 'queue_log');
writeFileSync(queueLog, '');
// BENCH_TABLERO_NODE_ARGS (e.g. `--cpu-prof --cpu-prof-dir=DIR`): node flags of `tablero start` alone.
const nodeArgs = process.env.BENCH_TABLERO_NODE_ARGS?.split(' ').filter((a) => a !== '') ?? [];
const tablero = await startTablero({ args: ['--source', queueLog, '--no-simulate'], nodeArgs });
// Two runs at the same 2,000 lines/s: 20 queues, then 200 queues; the site changes all the time
// in both, so a change waits up to 100 ms for the site's next message.
async function run(prefix: string, queues: number, linesPerS: number, clients: number): Promise<{ latencies: number[]; maxPerSecond: number }> {
  const latencies: number[] = [];
  /** Appends of the calls each frame (by key) counted first, on the measuring client. */
  const counted = new Map<string, number[]>();
  const messageTimes: number[] = [];
  let lines0: number | null = null;
  // completions[q][n] = when the (n+1)-th answered call of queue q was appended.
  const completions: number[][] = Array.from({ length: queues }, () => []);
  const seen = new Array<number>(queues).fill(0);
  const ws = new WebSocket(`${tablero.url.replace('http', 'ws')}/ws/live?kiosk=${tablero.admin.kioskToken}`, { origin: tablero.url });
  ws.on('message', (raw) => {
    const at = nowMs();
    const msg = JSON.parse(raw.toString()) as { type: string };
    if (msg.type !== 'snapshots') return;
    // When the processor computed the message (its snapshots' at_ms): the pacing is the
    // producer's; arrival times bunch up behind a large message. The greeting is not paced traffic.
    const computed = (msg as SnapshotMessage).queues[0]?.at_ms;
    if (lines0 !== null && computed !== undefined) messageTimes.push(computed);
    const key = `${(msg as SnapshotMessage).queues[0]?.queue}|${computed}`;
    for (const q of (msg as SnapshotMessage).queues) {
      if (!q.queue.startsWith(prefix)) continue;
      const i = Number(q.queue.slice(prefix.length));
      const answered = q.windows.today.answered;
      for (let n = seen[i] ?? 0; n < answered; n++) {
        const appended = completions[i]?.[n];
        if (appended === undefined) continue;
        latencies.push(at - appended);
        counted.set(key, [...(counted.get(key) ?? []), appended]);
      }
      seen[i] = Math.max(seen[i] ?? 0, answered);
    }
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const crowd = clients > 0 ? await startCrowd(clients) : null;
  // Every client's greeting (the whole picture of the earlier runs' queues) drains before the traffic.
  if (crowd) await sleep(5_000);
  const pid = tablero.child.pid as number;
  const serverCpu0 = cpuSeconds(pid);

  const callsPerTick = Math.round(((linesPerS / 3) * TICK_MS) / 1000);
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
    const at = nowMs();
    for (const q of queuesDone) completions[q]?.push(at);
    const next = start + (t + 1) * TICK_MS;
    const wait = next - performance.now();
    if (wait > 0) await sleep(wait);
  }
  const written = completions.reduce((n, c) => n + c.length, 0);
  await waitFor(() => latencies.length >= written, { timeoutMs: 120_000, what: 'every call counted on the WebSocket' });
  const wallS = (performance.now() - start) / 1000;
  const serverCpuPct = ((cpuSeconds(pid) - serverCpu0) / wallS) * 100;
  ws.close();
  if (crowd) {
    // Every client's arrival of each frame, against the appends that frame counted.
    await sleep(2_000);
    const { closed, cpuS, arrivals } = await crowd.result();
    console.log(`${clients} clients: tablero start used ${serverCpuPct.toFixed(0)} % of a core, the client process ${((cpuS / wallS) * 100).toFixed(0)} % (both over ${wallS.toFixed(1)} s)`);
    if (closed > 0) throw new Error(`${closed} of the ${clients} clients were closed during the run`);
    latencies.length = 0;
    for (const [key, appends] of counted) {
      const at = arrivals.get(key) ?? [];
      if (at.length !== clients) throw new Error(`frame ${key} reached ${at.length} of ${clients} clients`);
      for (const a of at) for (const appended of appends) latencies.push(a - appended);
    }
  }
  // The most snapshots messages computed inside any 1 s window after the greeting (one site here).
  let maxPerSecond = 0;
  for (let i = 0, j = 0; i < messageTimes.length; i++) {
    while ((messageTimes[i] as number) - (messageTimes[j] as number) >= 1_000) j++;
    maxPerSecond = Math.max(maxPerSecond, i - j + 1);
  }
  return { latencies: latencies.sort((a, b) => a - b), maxPerSecond };
}

/** `clients` kiosk sockets in a second Node process; result() ends them and returns when each frame arrived. */
async function startCrowd(clients: number): Promise<{ result(): Promise<{ closed: number; cpuS: number; arrivals: Map<string, number[]> }> }> {
  const url = `${tablero.url.replace('http', 'ws')}/ws/live?kiosk=${tablero.admin.kioskToken}`;
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--clients', url, tablero.url, String(clients)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const next = (): Promise<string> => new Promise((resolve) => lines.once('line', resolve));
  if ((await next()) !== 'READY') throw new Error('the client process did not start');
  return {
    async result() {
      const answer = next();
      child.stdin.write('report\n');
      const r = JSON.parse((await answer).slice(7)) as { closed: number; cpuS: number; arrivals: Array<[string, number[]]> };
      return { closed: r.closed, cpuS: r.cpuS, arrivals: new Map(r.arrivals) };
    },
  };
}

try {
  const row = (metric: string, value: number, target: string): void =>
    console.log(`BENCH ${JSON.stringify({ bench: 'e2e-line-to-websocket', metric, value, unit: 'ms', target })}`);
  // BENCH_QUEUES=200 runs only that case (e.g. to profile it).
  const only = process.env.BENCH_QUEUES ? Number(process.env.BENCH_QUEUES) : null;
  const onlyClients = process.env.BENCH_CLIENTS !== undefined;
  for (const [prefix, queues, linesPerS, clients, suffix, target] of [
    ['q', 20, 2_000, 0, '', 150],
    ['w', 200, 2_000, 0, '_200_queues', 150],
    ['c', 20, 200, Number(process.env.BENCH_CLIENTS ?? 1_000), '_1000_clients', 500],
  ] as const) {
    if ((only !== null && queues !== only) || (onlyClients && clients === 0)) continue;
    const { latencies, maxPerSecond } = await run(prefix, queues, linesPerS, clients);
    const pct = (p: number): number => Math.round(latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0);
    console.log(
      `${queues} queues, ${linesPerS} lines/s, ${clients + 1} clients: machine load average ${loadavg()[0]?.toFixed(2)}; ${latencies.length} (client, call) samples over ${SECONDS} s; ` +
        `p50 ${pct(50)} ms, p99 ${pct(99)} ms, max ${pct(100)} ms; at most ${maxPerSecond} snapshots messages computed in 1 s`,
    );
    row(`p99_ms${suffix}`, pct(99), `<= ${target} (${linesPerS.toLocaleString('en')} lines/s over ${queues} queues, ${clients + 1} clients)`);
    row(`p50_ms${suffix}`, pct(50), 'reference');
    console.log(`BENCH ${JSON.stringify({ bench: 'e2e-line-to-websocket', metric: `max_messages_per_s${suffix}`, value: maxPerSecond, unit: 'messages', target: '<= 10' })}`);
  }
} finally {
  await tablero.stop();
  rmSync(dir, { recursive: true, force: true });
}
}
