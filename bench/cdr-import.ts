// Benchmark: CDR import into the store, as `tablero import Master.csv` runs without NATS: a
// generated cdr_csv Master.csv of BENCH_CDR_ROWS rows (default 1,000,000; 21 columns, an
// Asterisk 18 call = a caller row and a Local-channel member row with one linkedid) read with
// `--kind auto` (the kind told by the first line), parsed, published on the in-process bus and
// stored by the in-process processor into embedded chDB, with the import's bulk settings
// (BULK_IMPORT in src/commands/import.ts: commits of up to 32 messages, JSONCompactEachRow
// inserts; the file read and parsed in a worker thread, src/commands/import-thread.ts). The clock runs from the start of the
// import to the last row counted in the `cdr` table. Target >= 100,000 rows/s.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { startProcessor } from '../processor/src/index.ts';
import { MemoryBus } from '../src/bus/index.ts';
import { BULK_IMPORT } from '../src/commands/import.ts';
import { importInThread } from '../src/commands/import-thread.ts';
import { freshClickHouse } from '../test/support/clickhouse.ts';

const N = Number(process.env.BENCH_CDR_ROWS ?? 1_000_000);
const dir = mkdtempSync(join(tmpdir(), 'tablero-bench-cdr-'));
const file = join(dir, 'Master.csv');
const generator = `
  const fs = require('node:fs');
  const fd = fs.openSync(${JSON.stringify(file)}, 'w');
  const q = (s) => '"' + s + '"';
  const d = (t) => new Date(t * 1000).toISOString().slice(0, 19).replace('T', ' ');
  for (let i = 0; i < ${N}; ) {
    let chunk = '';
    for (let k = 0; k < 1000 && i < ${N}; k++, i++) {
      const call = Math.floor(i / 2);
      const t = 1764547200 + Math.floor(call / 2);
      const linked = t + '.' + call;
      const caller = i % 2 === 0;
      const answered = call % 5 !== 0;
      chunk += [q(''), q('30011' + (call % 100000)), q(caller ? '601440010' + (call % 3) : '201'), q(caller ? 'from-pstn' : 'from-queue'),
        q('""Cliente"" <30011' + (call % 100000) + '>'), q(caller ? 'PJSIP/trunk-' + call : 'Local/201@from-queue-' + call + ';2'),
        q(caller ? 'Local/201@from-queue-' + call + ';1' : 'PJSIP/201-' + call), q(caller ? 'Queue' : 'Dial'), q(caller ? 'q10' + (call % 3) + ',t' : 'PJSIP/201,,'),
        q(d(t)), answered ? q(d(t + 12)) : '', q(d(t + 190)), '190', answered ? '178' : '0', q(answered ? 'ANSWERED' : 'NO ANSWER'), q('DOCUMENTATION'),
        q(caller ? linked : t + '.' + (call + 1) + '1'), q(''), q(''), q(linked), String(i)].join(',') + '\\n';
    }
    fs.writeSync(fd, chunk);
  }
  fs.closeSync(fd);
`;
const gen = spawnSync(process.execPath, ['-e', generator], { stdio: 'inherit' });
if (gen.status !== 0) throw new Error('generator failed');
const size = statSync(file).size;
const ch = await freshClickHouse();
const log = pino({ level: 'warn' });
const bus = new MemoryBus();
try {
  const processor = await startProcessor({ bus, ch, log }, { tz: 'UTC', maxGroupMessages: BULK_IMPORT.maxGroupMessages, bulkInserts: BULK_IMPORT.bulkInserts });
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const reader = importInThread(bus, { files: [file], kind: 'auto', site: 'bench', maxInFlight: BULK_IMPORT.maxInFlight }, 'warn', () => undefined);
  const summary = await reader.summary;
  await reader.stop();
  if (summary.accepted !== N || summary.kinds.join() !== 'cdr') throw new Error(`accepted ${summary.accepted} of ${N} as ${summary.kinds.join()}`);
  const count = async (): Promise<number> => Number((await (await ch.client.query({ query: 'SELECT count() AS n FROM cdr', format: 'JSONEachRow' })).json<{ n: unknown }>())[0]?.n);
  while ((await count()) < N) await new Promise((r) => setTimeout(r, 50));
  const secs = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  await processor.stop();
  console.log(
    `${N} CDR rows (${Math.round(size / 2 ** 20)} MiB) imported and stored in ${secs.toFixed(2)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s CPU ` +
      `(this process: reader thread, processor and chDB); ${summary.batches} batches; ${cpus()[0]?.model ?? '?'} x${cpus().length}, load average ${loadavg()[0]?.toFixed(2)}`,
  );
  console.log(`BENCH ${JSON.stringify({ bench: 'cdr-import', metric: 'rows_per_s', value: Math.round(N / secs), unit: 'rows/s', target: '>= 100000 (1,000,000 rows into the store)' })}`);
  // CPU per row: what a loaded machine distorts least (the wall time is the machine's share).
  const usPerRow = Math.round(((cpu.user + cpu.system) / N) * 10) / 10;
  console.log(`BENCH ${JSON.stringify({ bench: 'cdr-import', metric: 'cpu_us_per_row', value: usPerRow, unit: 'us', target: '<= 20 (2 cores at 100,000 rows/s)' })}`);
} finally {
  await bus.close?.();
  await ch.dispose();
  rmSync(dir, { recursive: true, force: true });
}
