// Soak (issue 14): the real `tablero start` (embedded chDB, in-process bus) tailing a queue_log
// appended at 200 lines/s, with 200 wallboard WebSocket clients (kiosk link), for `--minutes N`
// (default 30). Measured from outside, on the child process: its RSS (/proc/<pid>/status VmRSS)
// and its open file descriptors (/proc/<pid>/fd: sockets, files, pipes; threads apart) after the
// warm-up (5 minutes, or half a shorter run) and at the end. Memory must grow by less than 10 %
// from the warm-up to the end and the descriptors must stay flat (the 200 sockets and the
// tailed file are held the whole time, so growth means a leak). The clients count snapshot
// messages, so a server that stopped updating them fails the run instead of looking thrifty.
//
// Usage: npx tsx bench/soak.ts [--minutes N]   (also through `pnpm bench soak`, 30 minutes)
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { startTablero } from '../test/support/tablero-process.ts';

const { values } = parseArgs({ options: { minutes: { type: 'string', default: '30' } } });
const MINUTES = Number(values.minutes);
if (!Number.isFinite(MINUTES) || MINUTES <= 0) throw new Error(`--minutes must be a positive number, got ${values.minutes}`);
const LINES_PER_S = 200;
const CLIENTS = 200;
const QUEUES = 10;
const TICK_MS = 100;
const WARMUP_MS = Math.min(5 * 60_000, (MINUTES * 60_000) / 2);
const SAMPLE_MS = 30_000;

const dir = mkdtempSync(join(tmpdir(), 'tablero-bench-soak-'));
const queueLog = join(dir, 'queue_log');
writeFileSync(queueLog, '');
const tablero = await startTablero({ args: ['--source', queueLog, '--no-simulate'] });
const pid = tablero.child.pid;
if (pid === undefined) throw new Error('tablero start has no pid');

const rssMb = (): number => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024;
/**
 * Open descriptors, without the three that embedded ClickHouse (chDB) keeps per thread of its own
 * pools (/proc/self/task/<tid>/{stat,schedstat,io}, for its per-query thread statistics): those
 * follow the pool's size, reported apart as threads. What is left (sockets, files, pipes) must stay flat.
 */
function fds(): number {
  let n = 0;
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      if (!readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith(`/proc/${pid}/task/`)) n++;
    } catch {
      // closed while listed
    }
  }
  return n;
}
const threads = (): number => Number(/Threads:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);

/** The lines of call `n` ending at `nowS`: answered (3 lines), abandoned (2) or timed out (2), in turn. */
function callLines(n: number, nowS: number): string[] {
  const q = `q${n % QUEUES}`;
  const id = `soak.${n}`;
  const agent = `Agent/${100 + (n % 40)}`;
  switch (n % 3) {
    case 0:
      return [`${nowS - 70}|${id}|${q}|NONE|ENTERQUEUE||5550000|1`, `${nowS - 60}|${id}|${q}|${agent}|CONNECT|10|${id}9|1`, `${nowS}|${id}|${q}|${agent}|COMPLETECALLER|10|60|1`];
    case 1:
      return [`${nowS - 30}|${id}|${q}|NONE|ENTERQUEUE||5550001|1`, `${nowS}|${id}|${q}|NONE|ABANDON|1|1|30`];
    default:
      return [`${nowS - 45}|${id}|${q}|NONE|ENTERQUEUE||5550002|1`, `${nowS}|${id}|${q}|NONE|EXITWITHTIMEOUT|1|1|45`];
  }
}

let snapshots = 0;
const sockets: WebSocket[] = [];
const wsUrl = `${tablero.url.replace('http', 'ws')}/ws/live?kiosk=${encodeURIComponent(tablero.admin.kioskToken)}`;
let failure: Error | null = null;
try {
  for (let i = 0; i < CLIENTS; i++) {
    const ws = new WebSocket(wsUrl, { origin: tablero.url });
    ws.on('message', (raw) => {
      if ((JSON.parse(raw.toString()) as { type: string }).type === 'snapshots') snapshots++;
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
  const end = start + MINUTES * 60_000;
  let pending: string[] = [];
  let call = 0;
  let lines = 0;
  let warm: { rss: number; fds: number; threads: number; snapshots: number; lines: number } | null = null;
  let nextSample = start + SAMPLE_MS;
  let peakRss = 0;
  for (let tick = 0; performance.now() < end; tick++) {
    if (failure) throw failure;
    const nowS = Math.floor(Date.now() / 1000);
    const batch = (LINES_PER_S * TICK_MS) / 1000;
    while (pending.length < batch) pending.push(...callLines(call++, nowS));
    appendFileSync(queueLog, `${pending.slice(0, batch).join('\n')}\n`);
    pending = pending.slice(batch);
    lines += batch;
    const now = performance.now();
    if (now >= nextSample) {
      const rss = rssMb();
      peakRss = Math.max(peakRss, rss);
      console.log(`${((now - start) / 60_000).toFixed(1)} min: rss ${rss.toFixed(1)} MB, fds ${fds()}, threads ${threads()}, ${lines} lines, ${snapshots} snapshot messages, load ${loadavg()[0]?.toFixed(2)}`);
      nextSample += SAMPLE_MS;
    }
    if (!warm && now - start >= WARMUP_MS) warm = { rss: rssMb(), fds: fds(), threads: threads(), snapshots, lines };
    const wait = start + (tick + 1) * TICK_MS - performance.now();
    if (wait > 0) await sleep(wait);
  }
  if (!warm) throw new Error('the run ended before its warm-up');
  const final = { rss: rssMb(), fds: fds(), threads: threads(), snapshots, lines };
  const growthPct = ((final.rss - warm.rss) / warm.rss) * 100;
  const row = (metric: string, value: number, unit: string, target: string): void =>
    console.log(`BENCH ${JSON.stringify({ bench: 'soak', metric, value, unit, target })}`);
  console.log(
    `${MINUTES} min at ${LINES_PER_S} lines/s with ${CLIENTS} WebSocket clients: rss ${warm.rss.toFixed(1)} MB after ${(WARMUP_MS / 60_000).toFixed(1)} min, ` +
      `${final.rss.toFixed(1)} MB at the end (peak of the samples ${peakRss.toFixed(1)} MB); fds (sockets, files, pipes) ${warm.fds} -> ${final.fds}; threads ${warm.threads} -> ${final.threads}; ` +
      `${final.lines} lines; ${final.snapshots - warm.snapshots} snapshot messages since the warm-up; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`,
  );
  row('rss_mb_after_warmup', Math.round(warm.rss), 'MB', 'reference');
  row('rss_mb_end', Math.round(final.rss), 'MB', 'reference');
  row('rss_growth_pct', Math.round(growthPct * 10) / 10, '%', '< 10');
  row('open_fds_growth', final.fds - warm.fds, 'fds', '<= 0 (flat)');
  row('threads_end', final.threads, 'threads', 'reference (chDB pools)');
  row('minutes', MINUTES, 'min', '30');
  const problems: string[] = [];
  if (growthPct >= 10) problems.push(`RSS grew ${growthPct.toFixed(1)} % after the warm-up`);
  if (final.fds > warm.fds) problems.push(`open descriptors grew from ${warm.fds} to ${final.fds}`);
  if (final.snapshots === warm.snapshots) problems.push('no snapshot reached the clients after the warm-up');
  if (problems.length > 0) throw new Error(problems.join('; '));
} finally {
  for (const ws of sockets) ws.terminate();
  await tablero.stop();
  rmSync(dir, { recursive: true, force: true });
}
