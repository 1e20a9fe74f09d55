// Benchmark: what "the same line counts once" costs (kpi-definitions §11 "Same line").
// Embedded chDB, the processor fed in process (no NATS: the bus is not what is measured), groups
// of 16 messages of 500 events, two in flight as the JetStream consumer hands them over.
// 1. "tailed": N generated events, a fresh store: the live path (line keys kept in memory).
// 2. "overlapping import": the same N lines again under another source fingerprint, as a
//    concatenated copy imported later: every line a duplicate; all but the last 10 minutes of
//    data time are asked from queue_events (one query per group over its time range).
// 3. The key and memory work alone, per event, in CPU time (no storage).
// Usage: npx tsx bench/processor-same-line.ts [events]
import { cpus, loadavg } from 'node:os';
import { pino } from 'pino';
import type { EventBatch } from '@tablero/ingest/contract';
import { startProcessor } from '@tablero/processor';
import { createLineKeys, knownLine, lineHash, linesStored, releaseStoredLines, rememberLine } from '../processor/src/core/line-key.ts';
import { TestBus } from '../processor/src/testing/bus.ts';
import { flowBatches } from '../processor/src/testing/flows.ts';
import { freshClickHouse } from '../test/support/clickhouse.ts';

const total = Number(process.argv[2] ?? 1_000_000);
const flows = (fingerprint: string): Generator<EventBatch> => flowBatches({ events: total, batchSize: 500, seed: 7, callsPerS: 20, fingerprint });
const ch = await freshClickHouse();
const lookups = { n: 0, ms: 0, rows: 0 };
const query = ch.client.query.bind(ch.client);
ch.client.query = (async (params: Parameters<typeof ch.client.query>[0]) => {
  if (params.format !== 'JSONCompactEachRow' || !params.query.includes('FROM queue_events')) return query(params);
  const t = performance.now();
  const rs = await query(params);
  // Timed until the caller has the rows (the store reads them with json()).
  const json = rs.json.bind(rs) as () => Promise<unknown[]>;
  const timed = async (): Promise<unknown[]> => {
    const rows = await json();
    lookups.n += 1;
    lookups.ms += performance.now() - t;
    lookups.rows += rows.length;
    return rows;
  };
  return Object.assign(rs, { json: timed });
}) as typeof ch.client.query;

/** Feeds every batch of `list` in groups of 16, at most 2 groups in flight; returns ms. */
async function feed(bus: TestBus, list: Iterable<EventBatch>): Promise<number> {
  const t0 = performance.now();
  const inFlight = new Set<Promise<boolean>>();
  let group: EventBatch[] = [];
  const send = async (): Promise<void> => {
    const g = bus.deliverGroup(group.map((b) => ({ subject: `pbx.events.${b.site}`, body: b, msgId: b.batch_id })));
    group = [];
    inFlight.add(g);
    void g.finally(() => inFlight.delete(g));
    if (inFlight.size >= 2) await Promise.race(inFlight);
  };
  for (const b of list) {
    group.push(b);
    if (group.length === 16) await send();
  }
  if (group.length > 0) await send();
  if (!(await Promise.all(inFlight)).every(Boolean)) throw new Error('a group was not stored');
  return performance.now() - t0;
}

try {
  const bus = new TestBus();
  const p = await startProcessor({ bus, ch, log: pino({ level: 'warn' }) }, { tz: 'UTC' });
  const tailedMs = await feed(bus, flows('tailed'));
  const importMs = await feed(bus, flows('import'));
  await p.stop();
  const stored = await (await query({ query: 'SELECT count() AS n FROM queue_events', format: 'JSONEachRow' })).json<{ n: unknown }>();
  if (Number(stored[0]?.n) !== total) throw new Error(`stored ${String(stored[0]?.n)} events, expected ${total}`);

  // The per-event work of the live path alone: key, memory check, remember, release.
  const events = [...flows('micro')].flatMap((b) => b.events);
  const m = createLineKeys(600);
  const c0 = process.cpuUsage(); // CPU time: the machine is shared, wall time says little here
  let commit = 0;
  for (let i = 0; i < events.length; i++) {
    const ev = events[i] as (typeof events)[number];
    const hash = lineHash(ev);
    if (!knownLine(m, ev.site, hash)) rememberLine(m, ev, hash, commit);
    if (i % 8000 === 7999) {
      linesStored(m, commit++);
      releaseStoredLines(m);
    }
  }
  const c = process.cpuUsage(c0);
  const nsPerEvent = ((c.user + c.system) * 1000) / events.length;

  const tailed = Math.round((total / tailedMs) * 1000);
  const imported = Math.round((total / importMs) * 1000);
  console.log(
    `tailed ${total} events in ${Math.round(tailedMs)} ms (${tailed} events/s); the same lines imported again in ${Math.round(importMs)} ms ` +
      `(${imported} events/s), ${lookups.n} lookups, ${Math.round(lookups.ms)} ms inside them, ${lookups.rows} rows read; key + memory ${nsPerEvent.toFixed(0)} ns/event`,
  );
  console.log(`machine: ${cpus()[0]?.model ?? '?'} x${cpus().length}, load average ${loadavg()[0]?.toFixed(2)} (shared)`);
  const row = (metric: string, value: number, unit: string, target = 'reference'): void =>
    console.log(`BENCH ${JSON.stringify({ bench: 'processor-same-line', metric, value, unit, target })}`);
  row('tailed_events_per_s', tailed, 'events/s');
  row('overlapping_import_events_per_s', imported, 'events/s');
  row('lookup_ms_per_1m_lines', Math.round((lookups.ms * 1_000_000) / total), 'ms');
  row('key_and_memory_ns_per_event', Math.round(nsPerEvent), 'ns');
} finally {
  await ch.dispose();
}
