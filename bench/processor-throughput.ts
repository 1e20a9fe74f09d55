// Benchmark: sustained events/s from JetStream (real nats-server) through the processor (stint and
// agent reducers, live aggregates) into embedded chDB, acknowledged. The events (generated call
// flows, 500 per batch as ingest cuts them) are published first; the clock runs from the
// processor's start until JetStream reports every batch acknowledged. The time spent inside each
// ClickHouse insert is measured too, to say which part limits the figure.
// Usage: npx tsx bench/processor-throughput.ts [events] [batch size]
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

const total = Number(process.argv[2] ?? 300_000);
const batchSize = Number(process.argv[3] ?? 500);
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

  // Time inside ClickHouse inserts, per table (the processor's bulk path).
  const insertMs: Record<string, number> = {};
  const insert = ch.insertFormatted.bind(ch);
  ch.insertFormatted = async (table, format, body, settings) => {
    const t = performance.now();
    try {
      return await insert(table, format, body, settings);
    } finally {
      insertMs[table] = (insertMs[table] ?? 0) + performance.now() - t;
    }
  };

  const jsm = await jetstreamManager(nc);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const elu0 = perfHooks.eventLoopUtilization();
  const p = await startProcessor({ bus, ch, log: pino({ level: process.env.BENCH_LOG ?? 'warn' }) }, { tz: 'UTC' });
  for (;;) {
    const info = await jsm.consumers.info(EVENTS_STREAM, PROCESSOR_CONSUMER).catch(() => null);
    if (info && consumerFloor(info) >= batches) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const elu = perfHooks.eventLoopUtilization(elu0);
  await p.stop();
  const evps = Math.round((total / ms) * 1000);
  const inserts = Object.values(insertMs).reduce((a, b) => a + b, 0);
  console.log(
    `processed ${total} events in ${Math.round(ms)} ms: ${evps} events/s; inside inserts ${Math.round(inserts)} ms ` +
      `(${Object.entries(insertMs).map(([t, v]) => `${t} ${Math.round(v)}`).join(', ')}); process CPU ${Math.round((cpu.user + cpu.system) / 1000)} ms (JS thread busy ${Math.round(elu.utilization * 100)} %); ` +
      `rss ${Math.round(process.memoryUsage().rss / 2 ** 20)} MB`,
  );
  console.log(`machine: ${cpus()[0]?.model ?? '?'} x${cpus().length}, load average ${loadavg()[0]?.toFixed(2)}`);
  console.log(`BENCH ${JSON.stringify({ bench: 'processor-throughput', metric: 'events_per_s', value: evps, unit: 'events/s', target: '>= 200000' })}`);
  console.log(`BENCH ${JSON.stringify({ bench: 'processor-throughput', metric: 'insert_share_pct', value: Math.round((inserts / ms) * 100), unit: '%', target: '-' })}`);
} finally {
  await nc.close();
  await bus.close();
  await ch.dispose();
  await nats.stop();
}
