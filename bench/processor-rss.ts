// Benchmark: RSS of a real processor in the production topology after up to 10,000,000 events
// (issue #4: "stays under 300 MB; state of ended calls is released").
//
// Topology (three processes):
// - this process = the processor: the real startProcessor from @tablero/processor on the root
//   in-process bus (MemoryBus, as `tablero start` without NATS_URL), its store writing to
//   ClickHouse over HTTP with @clickhouse/client (openClickHouse({ url })), so chDB is never
//   loaded here (checked in /proc/self/maps);
// - a ClickHouse stand-in: bench/support/chdb-http-server.ts, chDB behind the ClickHouse HTTP
//   interface, in a child process (its memory is reported, not counted);
// - a producer child (this file with --produce): generated call flows (processor/src/testing/
//   flows.ts, 500 events per batch as ingest cuts them) serialized as ingest would and piped
//   here as frames, so the generator's memory (calls scheduled ahead) is not counted either.
//   This process only publishes the received bytes on the bus, at most the bus's own queue
//   (64 messages) at a time.
// RSS is sampled every 250 ms during the run and after a full GC at every million events; the
// headline figure is the RSS after a full GC once every published batch is stored, with the
// processor still running (its state kept). The run stops at the event count or the time budget,
// whichever comes first; the trend per million says whether the RSS grows with the events.
// Usage: npx tsx bench/processor-rss.ts [events=10000000] [budget seconds=480] (10 M events take ~5.5 min through the shim here)
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { pino } from 'pino';
import type { ClickHouse } from '@tablero/sql';
import { eventsSubject } from '@tablero/ingest/contract';
import { flowBatches } from '../processor/src/testing/flows.ts';

const HEADER = 8; // u32 msgId length, u32 body length
/** The old-space limit docker-compose.yml gives the processor service (NODE_OPTIONS). */
const PROCESSOR_HEAP_FLAG = '--max-old-space-size=160';
const FLOW_START_S = 1_767_225_600; // 2026-01-01T00:00:00Z, the generator's default start

if (process.argv[2] === '--produce') {
  // Producer child: frames on stdout, paced by the pipe (write waits when the parent is full).
  const total = Number(process.argv[3]);
  const out = process.stdout;
  // The parent stops reading at its time budget and kills this process: a closed pipe is the end.
  out.on('error', () => process.exit(0));
  for (const b of flowBatches({ events: total, batchSize: 500, seed: 11, callsPerS: 20, startS: FLOW_START_S })) {
    const id = Buffer.from(b.batch_id);
    const body = Buffer.from(JSON.stringify(b));
    const head = Buffer.alloc(HEADER);
    head.writeUInt32BE(id.length, 0);
    head.writeUInt32BE(body.length, 4);
    if (!out.write(Buffer.concat([head, id, body]))) await new Promise((ok) => out.once('drain', ok));
  }
  out.end();
} else {
  await main();
}

function rssMb(): number {
  return Math.round(process.memoryUsage().rss / 2 ** 20);
}

/** RSS split as the kernel counts it: anonymous memory (heap, malloc) vs mapped files (code). */
function rssSplit(): string {
  const st = readFileSync('/proc/self/status', 'utf8');
  const kb = (k: string): number => Math.round(Number(new RegExp(`${k}:\\s+(\\d+) kB`).exec(st)?.[1] ?? 0) / 1024);
  return `anonymous ${kb('RssAnon')} MB, files ${kb('RssFile')} MB, shared memory ${kb('RssShmem')} MB`;
}

function childRssMb(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : null;
  } catch {
    return null;
  }
}

async function main(): Promise<void> {
  if (!process.execArgv.includes(PROCESSOR_HEAP_FLAG) && !(process.env.NODE_OPTIONS ?? '').includes('--max-old-space-size')) {
    // Measured as production runs it: re-run this script under the same heap limit.
    const r = spawnSync(process.execPath, [PROCESSOR_HEAP_FLAG, ...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
    process.exit(r.status ?? 1);
  }
  console.log(`heap limit: ${PROCESSOR_HEAP_FLAG} (as docker-compose.yml runs the processor)`);
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const total = Number(process.argv[2] ?? 10_000_000);
  const budgetMs = Number(process.argv[3] ?? 480) * 1000;
  const load0 = loadavg()[0] ?? 0;

  // Imported here, not at the top: the producer child needs none of it.
  const { startProcessor } = await import('@tablero/processor');
  const { migrate, openClickHouse } = await import('@tablero/sql');
  const { MemoryBus } = await import('../src/bus/index.ts');
  const { spawnChdbHttpServer } = await import('./support/chdb-http-server.ts');

  const dir = mkdtempSync(join(tmpdir(), 'tablero-rss-'));
  const shim = await spawnChdbHttpServer(join(dir, 'chdb'));
  // The bus queue bounds how many messages one commit groups (default 64, as `tablero start`).
  const busPending = Number(process.env.BENCH_BUS_PENDING ?? 64);
  const bus = new MemoryBus({ maxPending: busPending });
  let producer: ReturnType<typeof spawn> | null = null;
  try {
    const ch = await openClickHouse({ url: shim.url, database: 'rss', dataDir: dir });
    await migrate(ch.client);
    const log = pino({ level: process.env.BENCH_LOG ?? 'warn' });
    // The processor's wall clock follows the data (the newest event handed to the bus), as in
    // live operation where lines arrive as they are written: the live windows (today, current
    // interval, last 60 minutes) then fill and are pruned as they would be, only faster.
    let dataNowMs = FLOW_START_S * 1000;
    const processor = await startProcessor({ bus, ch, log, now: () => dataNowMs }, { tz: 'America/La_Paz' });
    gc();
    const rssStart = rssMb();
    console.log(`processor started: rss ${rssStart} MB (${rssSplit()})`);

    let peak = rssStart;
    let peakMem = process.memoryUsage();
    const sampler = setInterval(() => {
      const m = process.memoryUsage();
      if (m.rss > peakMem.rss) peakMem = m;
      peak = Math.max(peak, Math.round(m.rss / 2 ** 20));
    }, 250);
    const perMillion: Array<[number, number, number]> = []; // events, rss MB, heap used MB
    let published = 0; // events whose publish resolved (MemoryBus: handled and stored)
    let nextMark = 1_000_000;
    let stoppedEarly = false;
    // A processor that cannot store retries for ever; a benchmark must fail instead.
    let lastProgress = performance.now();
    let lastPublished = 0;
    const watchdog = setInterval(() => {
      if (published !== lastPublished) {
        lastPublished = published;
        lastProgress = performance.now();
      } else if (performance.now() - lastProgress > 60_000) {
        console.error('no batch stored for 60 s: the processor is stuck (see its warnings above)');
        // process.exit skips the finally below: end the children here.
        producer?.kill('SIGKILL');
        process.kill(shim.pid, 'SIGKILL');
        rmSync(dir, { recursive: true, force: true });
        process.exit(1);
      }
    }, 1000);
    watchdog.unref();

    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--produce', String(total)], { stdio: ['ignore', 'pipe', 'inherit'] });
    producer = child;
    const stdout = child.stdout;
    if (!stdout) throw new Error('producer has no stdout');
    const t0 = performance.now();
    // At most the bus's own queue in flight: messages beyond it would wait in this process.
    const WINDOW = busPending;
    const inFlight: Array<Promise<number>> = [];
    let rest: Buffer = Buffer.alloc(0);
    reading: for await (const chunk of stdout as AsyncIterable<Buffer>) {
      rest = rest.length > 0 ? Buffer.concat([rest, chunk]) : chunk;
      while (rest.length >= HEADER) {
        const idLen = rest.readUInt32BE(0);
        const bodyLen = rest.readUInt32BE(4);
        if (rest.length < HEADER + idLen + bodyLen) break;
        const id = rest.toString('utf8', HEADER, HEADER + idLen);
        // A copy: the frame must not keep the whole pipe chunk alive while it waits in the bus.
        const body = Buffer.from(rest.subarray(HEADER + idLen, HEADER + idLen + bodyLen));
        rest = rest.subarray(HEADER + idLen + bodyLen);
        // The number of events is in the batch id's offsets only; count them from the body.
        const events = countEvents(body);
        dataNowMs = Math.max(dataNowMs, lastTs(body) * 1000);
        inFlight.push(bus.publish(eventsSubject('default'), body, id).then(() => events));
        while (inFlight.length >= WINDOW) published += await (inFlight.shift() as Promise<number>);
        if (published >= nextMark) {
          // Idle point: everything handed over is stored, one snapshot tick runs, then a full GC.
          // Mid-run samples would mostly show how big the group being stored happens to be.
          for (const p of inFlight.splice(0)) published += await p;
          await new Promise((r) => setTimeout(r, 300));
          gc();
          perMillion.push([nextMark, rssMb(), Math.round(process.memoryUsage().heapUsed / 2 ** 20)]);
          while (nextMark <= published) nextMark += 1_000_000;
        }
        if (performance.now() - t0 > budgetMs) {
          stoppedEarly = true;
          break reading;
        }
      }
    }
    for (const p of inFlight) published += await p;
    const ms = performance.now() - t0;
    clearInterval(sampler);
    clearInterval(watchdog);
    if (stoppedEarly) child.kill('SIGTERM');

    // Every published batch is stored (MemoryBus resolves a publish after the handler); let
    // one snapshot tick run, then measure the idle processor with its state.
    await new Promise((r) => setTimeout(r, 600));
    gc();
    const mem = process.memoryUsage();
    const rssEnd = Math.round(mem.rss / 2 ** 20);
    const heapUsed = Math.round(mem.heapUsed / 2 ** 20);
    const split = rssSplit();
    const chdbMapped = /libchdb|chdb_node/.test(readFileSync('/proc/self/maps', 'utf8'));
    const shimRss = childRssMb(shim.pid);
    const stored = Number(
      (await (await ch.client.query({ query: 'SELECT count() AS n FROM queue_events', format: 'JSONEachRow' })).json<{ n: number | string }>())[0]?.n ?? 0,
    );
    await processor.stop();
    await ch.close();

    const evps = Math.round((published / ms) * 1000);
    const first = perMillion[0];
    const last = perMillion[perMillion.length - 1];
    const span = first && last && last[0] > first[0] ? (last[0] - first[0]) / 1e6 : null;
    const slope = first && last && span ? (last[1] - first[1]) / span : null;
    const heapSlope = first && last && span ? (last[2] - first[2]) / span : null;
    console.log(
      `${published} of ${total} events in ${Math.round(ms / 1000)} s (${evps} events/s through the shim)${stoppedEarly ? `, stopped at the ${budgetMs / 1000} s budget` : ''}; ${stored} rows in queue_events`,
    );
    console.log(`processor rss: ${rssStart} MB after start (0 events), peak ${peak} MB during the run, ${rssEnd} MB after GC at the end; heap used ${heapUsed} MB of ${Math.round(mem.heapTotal / 2 ** 20)} MB reserved, external ${Math.round(mem.external / 2 ** 20)} MB, array buffers ${Math.round(mem.arrayBuffers / 2 ** 20)} MB; ${split}`);
    console.log(
      `at the peak: heap used ${Math.round(peakMem.heapUsed / 2 ** 20)} MB of ${Math.round(peakMem.heapTotal / 2 ** 20)} MB reserved, external ${Math.round(peakMem.external / 2 ** 20)} MB, array buffers ${Math.round(peakMem.arrayBuffers / 2 ** 20)} MB`,
    );
    console.log(
      `after GC at idle points by events: ${perMillion.map(([e, m, h]) => `${e / 1e6}M rss ${m} MB heap ${h} MB`).join(', ') || '-'}; ` +
        `trend ${slope === null || heapSlope === null ? '-' : `rss ${slope.toFixed(1)} MB, heap ${heapSlope.toFixed(1)} MB per million`}`,
    );
    console.log(`chDB mapped in the processor: ${chdbMapped ? 'YES' : 'no'}; chdb-http-server child rss ${shimRss ?? '?'} MB`);
    console.log(`machine: ${cpus()[0]?.model ?? '?'} x${cpus().length}, load average ${load0.toFixed(2)} at start, ${loadavg()[0]?.toFixed(2)} at the end (2 cores shared with other engineers; 3 busy processes of this benchmark); bus queue ${busPending} messages`);
    const target = `< 300 (after ${published} events; processor + in-process bus, ClickHouse over HTTP in a child)`;
    console.log(`BENCH ${JSON.stringify({ bench: 'processor-rss', metric: 'rss_mb_after_events', value: rssEnd, unit: 'MB', target })}`);
    console.log(`BENCH ${JSON.stringify({ bench: 'processor-rss', metric: 'rss_mb_peak_during_run', value: peak, unit: 'MB', target: '< 300' })}`);
    console.log(`BENCH ${JSON.stringify({ bench: 'processor-rss', metric: 'rss_mb_at_start', value: rssStart, unit: 'MB', target: 'reference (0 events)' })}`);
    if (slope !== null) console.log(`BENCH ${JSON.stringify({ bench: 'processor-rss', metric: 'rss_mb_growth_per_million_events', value: Math.round(slope * 10) / 10, unit: 'MB', target: 'reference (allocator retention included)' })}`);
    if (heapSlope !== null) console.log(`BENCH ${JSON.stringify({ bench: 'processor-rss', metric: 'heap_used_mb_growth_per_million_events', value: Math.round(heapSlope * 10) / 10, unit: 'MB', target: '~0 (ended calls released)' })}`);
    console.log(`BENCH ${JSON.stringify({ bench: 'processor-rss', metric: 'heap_used_mb_after_events', value: heapUsed, unit: 'MB', target: '-' })}`);
    console.log(`BENCH ${JSON.stringify({ bench: 'processor-rss', metric: 'events_processed', value: published, unit: 'events', target: `${total} (within ${budgetMs / 1000} s)` })}`);
    if (shimRss !== null) console.log(`BENCH ${JSON.stringify({ bench: 'processor-rss', metric: 'clickhouse_shim_rss_mb', value: shimRss, unit: 'MB', target: 'reference (not the processor)' })}`);
    if (chdbMapped) throw new Error('chDB was loaded into the processor process: the figure is not the production topology');
    if (stored !== published) throw new Error(`${published} events published but ${stored} stored`);
  } finally {
    producer?.kill('SIGTERM');
    await bus.close();
    await shim.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}


/** `ts` of the last event of a serialized EventBatch (events are in log order). */
function lastTs(body: Buffer): number {
  const i = body.lastIndexOf('"ts":');
  return i < 0 ? 0 : Number.parseInt(body.toString('latin1', i + 5, i + 20), 10);
}

/** Events in a serialized EventBatch, without parsing it: one `"event_id":` per event. */
function countEvents(body: Buffer): number {
  let n = 0;
  for (let i = body.indexOf('"event_id":'); i >= 0; i = body.indexOf('"event_id":', i + 11)) n += 1;
  return n;
}
