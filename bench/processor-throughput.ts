// Benchmark: sustained events/s from JetStream (real nats-server) through the processor (stint and
// agent reducers, live aggregates) into embedded chDB, acknowledged. The events (generated call
// flows, 500 per batch as ingest cuts them) are published first; the clock runs from the
// processor's start until JetStream reports every batch acknowledged. The time spent inside each
// ClickHouse insert is measured too, to say which part limits the figure.
// Usage: npx tsx bench/processor-throughput.ts [events] [batch size]
// Diagnostics (each recorded under its own metric name, never as the headline figure):
//   BENCH_SKIP=stints,queue_events  the processor runs whole but these tables' inserts return at
//                                   once; BENCH_SKIP=all: every insert (the ceiling of everything
//                                   but ClickHouse, recorded as events_per_s_without_storage)
//   BENCH_GROUP=16                  maxGroupMessages (JetStream messages per commit, default
//                                   DEFAULT_COMMIT_MESSAGES: 64)
import { cpus, loadavg } from 'node:os';
import { performance as perfHooks } from 'node:perf_hooks';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { pino } from 'pino';
import { EVENTS_STREAM, EVENTS_STREAM_SPEC, PROCESSOR_CONSUMER, eventsSubject } from '@tablero/ingest/contract';
import { startProcessor } from '@tablero/processor';
import { NatsBus, consumerFloor } from '../src/bus/index.ts';
import { flowBatches } from '../processor/src/testing/flows.ts';
import { freshClickHouse } from '../test/support/clickhouse.ts';
import { startNatsServer } from '../test/support/nats-server.ts';
import { threadCpuSeconds } from './support/proc-cpu.ts';

const total = Number(process.argv[2] ?? 1_000_000); // sustained: ~15 s of processing
const batchSize = Number(process.argv[3] ?? 500);
const skip = (process.env.BENCH_SKIP ?? '').split(',').filter(Boolean);
const group = process.env.BENCH_GROUP ? Number(process.env.BENCH_GROUP) : undefined;
const skips = (table: string): boolean => skip.includes(table) || skip.includes('all');
const variant = `${skip.length > 0 ? `_without_${skip.includes('all') ? 'storage' : skip.join('_')}` : ''}${group ? `_group_${group}` : ''}`;
const nats = await startNatsServer();
const ch = await freshClickHouse();
const bus = await NatsBus.connect({ servers: nats.url });
const nc = await connect({ servers: nats.url });
try {
  await bus.ensureStream(EVENTS_STREAM_SPEC);
  let batches = 0;
  const tp = performance.now();
  let window: Array<Promise<unknown>> = [];
  for (const b of flowBatches({ events: total, batchSize, seed: 7, callsPerS: 20 })) {
    window.push(bus.publish(eventsSubject(b.site), Buffer.from(JSON.stringify(b)), b.batch_id));
    batches += 1;
    if (window.length >= 32) {
      await Promise.all(window);
      window = [];
    }
  }
  await Promise.all(window);
  console.log(`published ${total} events in ${batches} batches in ${Math.round(performance.now() - tp)} ms`);

  // Time inside ClickHouse inserts, per table (the bulk path and the client's).
  const insertMs: Record<string, number> = {};
  const insertN: Record<string, number> = {};
  const insert = ch.insertFormatted.bind(ch);
  ch.insertFormatted = async (table, format, body, settings) => {
    if (skips(table)) return;
    const t = performance.now();
    try {
      return await insert(table, format, body, settings);
    } finally {
      insertMs[table] = (insertMs[table] ?? 0) + performance.now() - t;
      insertN[table] = (insertN[table] ?? 0) + 1;
    }
  };

  const clientInsert = ch.client.insert.bind(ch.client);
  ch.client.insert = (async (params: Parameters<typeof ch.client.insert>[0]) => {
    if (skips(params.table)) return { executed: true, query_id: '', response_headers: {} };
    const t = performance.now();
    try {
      return await clientInsert(params);
    } finally {
      insertMs[params.table] = (insertMs[params.table] ?? 0) + performance.now() - t;
      insertN[params.table] = (insertN[params.table] ?? 0) + 1;
    }
  }) as typeof ch.client.insert;
  const jsm = await jetstreamManager(nc);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const threads0 = threadCpuSeconds();
  const elu0 = perfHooks.eventLoopUtilization();
  const p = await startProcessor({ bus, ch, log: pino({ level: process.env.BENCH_LOG ?? 'warn' }) }, { tz: 'UTC', ...(group ? { maxGroupMessages: group } : {}) });
  for (;;) {
    const info = await jsm.consumers.info(EVENTS_STREAM, PROCESSOR_CONSUMER).catch(() => null);
    if (info && consumerFloor(info) >= batches) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const threads1 = threadCpuSeconds();
  const elu = perfHooks.eventLoopUtilization(elu0);
  await p.stop();
  const evps = Math.round((total / ms) * 1000);
  const inserts = Object.values(insertMs).reduce((a, b) => a + b, 0);
  console.log(
    `processed ${total} events in ${Math.round(ms)} ms: ${evps} events/s; inside inserts ${Math.round(inserts)} ms ` +
      `(${Object.entries(insertMs).map(([t, v]) => `${t} ${Math.round(v)} ms in ${insertN[t]}`).join(', ')}); process CPU ${Math.round((cpu.user + cpu.system) / 1000)} ms (JS thread busy ${Math.round(elu.utilization * 100)} %); ` +
      `rss ${Math.round(process.memoryUsage().rss / 2 ** 20)} MB`,
  );
  // CPU per event by thread (load stretches wall time far more than CPU): the JS thread; Node's
  // other threads (GC helpers, the libuv pool that runs chDB's inserts); chDB's own pools (merges).
  const usPerEvent = (k: 'js' | 'node' | 'chdb' | 'total'): number => Math.round(((threads1[k] - threads0[k]) / total) * 1e7) / 10;
  console.log(`CPU per event: ${usPerEvent('total')} us = JS thread ${usPerEvent('js')} + node threads (GC, libuv pool: chDB inserts) ${usPerEvent('node')} + chDB pools ${usPerEvent('chdb')}`);
  console.log(`machine: ${cpus()[0]?.model ?? '?'} x${cpus().length}, load average ${loadavg()[0]?.toFixed(2)}`);
  const target = variant ? 'reference (diagnostic run)' : '>= 200000';
  console.log(`BENCH ${JSON.stringify({ bench: 'processor-throughput', metric: `events_per_s${variant}`, value: evps, unit: 'events/s', target })}`);
  console.log(`BENCH ${JSON.stringify({ bench: 'processor-throughput', metric: `js_thread_busy_pct${variant}`, value: Math.round(elu.utilization * 100), unit: '%', target: '-' })}`);
  for (const [k, label] of [['js', 'JS thread'], ['node', 'Node threads: GC, libuv pool running chDB inserts'], ['chdb', 'chDB pools: merges']] as const) {
    console.log(`BENCH ${JSON.stringify({ bench: 'processor-throughput', metric: `cpu_us_per_event_${k}${variant}`, value: usPerEvent(k), unit: 'us', target: `- (${label})` })}`);
  }
  if (skip.length === 0) {
    console.log(`BENCH ${JSON.stringify({ bench: 'processor-throughput', metric: `insert_share_pct${variant}`, value: Math.round((inserts / ms) * 100), unit: '%', target: '-' })}`);
  }
} finally {
  await nc.close();
  await bus.close();
  await ch.dispose();
  await nats.stop();
}
