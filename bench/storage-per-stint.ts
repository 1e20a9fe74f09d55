// Benchmark for the capacity model (docs/scaling.md): bytes on disk per stint, all tables the
// processor writes included. Generated call flows (processor/src/testing/flows.ts: answered,
// abandoned, transferred calls, agents logging in and pausing) go through the real processor from
// a real nats-server into embedded chDB; then every table is merged (OPTIMIZE ... FINAL, as the
// background merges would in time) and `system.parts` says the rows and the compressed bytes.
// Caller numbers are the generator's; real ones (10 digits) compress a little worse.
// Usage: npx tsx bench/storage-per-stint.ts [events]
import { cpus, loadavg } from 'node:os';
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
const nats = await startNatsServer();
const ch = await freshClickHouse();
const bus = await NatsBus.connect({ servers: nats.url });
const nc = await connect({ servers: nats.url });
try {
  await bus.ensureStream(EVENTS_STREAM_SPEC);
  let batches = 0;
  let window: Array<Promise<unknown>> = [];
  for (const b of flowBatches({ events: total, batchSize: 500, seed: 11, callsPerS: 20 })) {
    window.push(bus.publish(eventsSubject(b.site), Buffer.from(JSON.stringify(b)), b.batch_id));
    batches += 1;
    if (window.length >= 32) {
      await Promise.all(window);
      window = [];
    }
  }
  await Promise.all(window);
  const jsm = await jetstreamManager(nc);
  const p = await startProcessor({ bus, ch, log: pino({ level: 'warn' }) }, { tz: 'UTC' });
  for (;;) {
    const info = await jsm.consumers.info(EVENTS_STREAM, PROCESSOR_CONSUMER).catch(() => null);
    if (info && consumerFloor(info) >= batches) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  await p.stop();
  const tables = (await (await ch.client.query({ query: "SELECT name FROM system.tables WHERE database = currentDatabase() AND engine LIKE '%MergeTree' AND name != 'schema_migrations'", format: 'JSONEachRow' })).json<{ name: string }>()).map((r) => r.name);
  for (const t of tables) await ch.client.command({ query: `OPTIMIZE TABLE ${t} FINAL` });
  const parts = await (
    await ch.client.query({
      query: `SELECT table, sum(rows) AS rows, sum(bytes_on_disk) AS disk, sum(data_uncompressed_bytes) AS raw
              FROM system.parts WHERE database = currentDatabase() AND active AND table != 'schema_migrations'
              GROUP BY table HAVING rows > 0 ORDER BY disk DESC`,
      format: 'JSONEachRow',
    })
  ).json<{ table: string; rows: string; disk: string; raw: string }>();
  const stints = Number(parts.find((r) => r.table === 'stints')?.rows ?? 0);
  if (stints === 0) throw new Error('no stints stored');
  let disk = 0;
  for (const r of parts) {
    disk += Number(r.disk);
    console.log(`${r.table}: ${r.rows} rows, ${r.disk} bytes on disk (${(Number(r.disk) / Number(r.rows)).toFixed(1)} B/row; ${r.raw} uncompressed)`);
  }
  const events = Number(parts.find((r) => r.table === 'queue_events')?.rows ?? 0);
  const perStint = Math.round(disk / stints);
  console.log(`${total} events -> ${stints} stints, ${events} queue_events; ${disk} bytes on disk in all: ${perStint} B per stint`);
  console.log(`machine: ${cpus()[0]?.model ?? '?'} x${cpus().length}, load average ${loadavg()[0]?.toFixed(2)}`);
  const row = (metric: string, value: number, unit: string): void =>
    console.log(`BENCH ${JSON.stringify({ bench: 'storage-per-stint', metric, value, unit, target: `reference (${total} events, merged)` })}`);
  row('bytes_per_stint_all_tables', perStint, 'B');
  row('bytes_per_stint_stints_table', Math.round(Number(parts.find((r) => r.table === 'stints')?.disk ?? 0) / stints), 'B');
  row('queue_events_per_stint', Math.round((events / stints) * 100) / 100, 'events');
} finally {
  await nc.close();
  await bus.close();
  await ch.dispose();
  await nats.stop();
}
