// Benchmark (diagnostic, issue 18): what one processor commit's inserts cost embedded chDB, by
// insert format and rows per insert. The rows are the real ones (generated call flows through the
// stint machine); each variant inserts the same rows into a fresh copy of the real tables and
// reports CPU per row split by thread (JS serializing, the libuv thread running chDB's parse and
// part write, chDB's pools) plus the wall time. Usage:
//   npx tsx bench/processor-insert-formats.ts [events] [events per insert ...]
import { cpus, loadavg } from 'node:os';
import type { QueueEvent } from '@tablero/ingest/contract';
import { TABLES } from '@tablero/sql';
import { applyEvent, createStintState } from '../processor/src/core/stint-machine.ts';
import type { StintRow } from '../processor/src/core/stint-machine.ts';
import { flowBatches } from '../processor/src/testing/flows.ts';
import { EVENT_COLUMNS, STINT_COLUMNS, eventsTsv, stintsTsv } from '../processor/src/store/row-format.ts';
import { freshClickHouse } from '../test/support/clickhouse.ts';
import { threadCpuSeconds } from './support/proc-cpu.ts';

const total = Number(process.argv[2] ?? 200_000);
// BENCH_SETTINGS='{"input_format_parallel_parsing":0}': extra insert settings for an A/B.
const extra = JSON.parse(process.env.BENCH_SETTINGS ?? '{}') as Record<string, number>;
const sizes = process.argv.length > 3 ? process.argv.slice(3).map(Number) : [8_000, 32_000];
const events: QueueEvent[] = [];
const stints: StintRow[] = [];
const machine = createStintState();
for (const b of flowBatches({ events: total, batchSize: 500, seed: 7, callsPerS: 20 })) {
  for (const ev of b.events) {
    events.push(ev);
    for (const r of applyEvent(machine, ev)) stints.push(r);
  }
}
const perEvent = stints.length / events.length;
type Variant = { table: string; format: 'JSONEachRow' | 'TabSeparated'; body: (from: number, to: number) => string; rows: number; columns?: readonly string[] };
const variants: Variant[] = [
  { table: TABLES.queueEvents, format: 'JSONEachRow', rows: events.length, body: (a, b) => events.slice(a, b).map((e) => JSON.stringify(e)).join('\n') },
  { table: TABLES.queueEvents, format: 'TabSeparated', columns: EVENT_COLUMNS, rows: events.length, body: (a, b) => eventsTsv(events.slice(a, b)) },
  { table: TABLES.stints, format: 'JSONEachRow', rows: stints.length, body: (a, b) => stints.slice(a, b).map((r) => JSON.stringify({ ...r, commit_id: 1 })).join('\n') },
  { table: TABLES.stints, format: 'TabSeparated', columns: STINT_COLUMNS, rows: stints.length, body: (a, b) => stintsTsv(stints.slice(a, b), 1) },
];
console.log(`${events.length} events, ${stints.length} stints (${perEvent.toFixed(3)} per event); columns ${EVENT_COLUMNS.length} / ${STINT_COLUMNS.length}`);
for (const size of sizes) {
  for (const v of variants) {
    const ch = await freshClickHouse();
    try {
      const per = v.table === TABLES.stints ? Math.max(1, Math.round(size * perEvent)) : size;
      const bodies: string[] = [];
      const j0 = threadCpuSeconds();
      for (let a = 0; a < v.rows; a += per) bodies.push(v.body(a, Math.min(v.rows, a + per)));
      const j1 = threadCpuSeconds();
      const t0 = performance.now();
      for (const [i, body] of bodies.entries()) {
        await ch.insertFormatted(v.table, v.format, body, { insert_deduplication_token: `b:${i}`, optimize_on_insert: 0, ...extra }, v.columns);
      }
      const ms = performance.now() - t0;
      await new Promise((r) => setTimeout(r, 3000)); // let merges run: their CPU is part of the cost
      const c1 = threadCpuSeconds();
      const us = (s: number): string => ((s / v.rows) * 1e6).toFixed(2);
      console.log(
        `${v.table} ${v.format} ${per} rows/insert (${bodies.length} inserts): serialize JS ${us(j1.js - j0.js)} us/row; ` +
          `insert wall ${us(ms / 1000)} us/row; CPU after serializing: JS ${us(c1.js - j1.js)} + node threads ${us(c1.node - j1.node)} + chDB pools ${us(c1.chdb - j1.chdb)} us/row`,
      );
    } finally {
      await ch.dispose();
    }
  }
}
console.log(`machine: ${cpus()[0]?.model ?? '?'} x${cpus().length}, load average ${loadavg()[0]?.toFixed(2)}, ${process.version}`);
