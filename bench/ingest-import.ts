// Bulk import end to end into a real nats-server JetStream: a generated queue_log of
// BENCH_LINES lines (default 2,000,000, ~120 MB) through importFiles (read, split, parse,
// serialize, batch, publish with acks). Target >= 300,000 events/s; also the process's peak RSS
// (target < 200 MB whatever the file size), sampled every 20 ms from before the import starts.
// The file is written by a child process, so the generator's garbage is not counted; the RSS of
// this process before the import (Node, tsx, the NATS client) is printed too. The wall time
// includes waiting for the last acks; the CPU time of this process is printed beside it (the
// machine has 2 cores shared with nats-server and with other work).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { importFiles } from '../ingest/src/index.ts';
import { NatsBus } from '../src/bus/index.ts';
import { startNatsServer } from '../test/support/nats-server.ts';

const N = Number(process.env.BENCH_LINES ?? 2_000_000);
const dir = mkdtempSync(join(tmpdir(), 'tablero-bench-import-'));
const file = join(dir, 'queue_log');
// One call in five enters, the rest are ring attempts: the shapes and lengths of a busy queue_log.
const generator = `
  const fs = require('node:fs');
  const fd = fs.openSync(${JSON.stringify(file)}, 'w');
  for (let i = 0; i < ${N}; ) {
    let chunk = '';
    for (let k = 0; k < 1000 && i < ${N}; k++, i++) {
      const t = 1700000000 + Math.floor(i / 20);
      chunk += i % 5 === 0 ? t + '|' + t + '.' + i + '|q' + (i % 9) + '|NONE|ENTERQUEUE||5917' + (i % 100000) + '|1\\n'
        : t + '|' + t + '.' + i + '|q' + (i % 9) + '|PJSIP/' + (200 + (i % 40)) + '|RINGNOANSWER|' + (i % 16) * 1000 + '\\n';
    }
    fs.writeSync(fd, chunk);
  }
  fs.closeSync(fd);
`;
const gen = spawnSync(process.execPath, ['-e', generator], { stdio: 'inherit' });
if (gen.status !== 0) {
  console.error('generator failed');
  process.exit(1);
}
const size = statSync(file).size;
const nats = await startNatsServer();
const bus = await NatsBus.connect({ servers: nats.url });
const rssBefore = process.memoryUsage().rss;
let peakRss = rssBefore;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
const loadBefore = loadavg()[0] as number;
const c0 = process.cpuUsage();
const t0 = performance.now();
const summary = await importFiles({ bus, log: pino({ level: 'warn' }) }, { files: [file], kind: 'queue_log', site: 'bench' });
const secs = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(c0);
clearInterval(sampler);
peakRss = Math.max(peakRss, process.memoryUsage().rss);
await bus.close();
await nats.stop();
rmSync(dir, { recursive: true, force: true });
if (summary.accepted !== N) {
  console.error(`accepted ${summary.accepted} of ${N}`);
  process.exit(1);
}
const mib = (b: number): number => Math.round(b / 2 ** 20);
console.log(
  `${N} lines (${mib(size)} MiB) in ${secs.toFixed(2)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s CPU of this process, ` +
    `${summary.batches} batches; RSS ${mib(rssBefore)} MiB before, peak ${mib(peakRss)} MiB (${(peakRss / 1e6).toFixed(0)} MB); ` +
    `load average ${loadBefore.toFixed(2)} before, ${(loadavg()[0] as number).toFixed(2)} after`,
);
console.log(`BENCH ${JSON.stringify({ bench: 'ingest-import', metric: 'events_per_s', value: Math.round(N / secs), unit: 'events/s', target: '>= 300000' })}`);
console.log(`BENCH ${JSON.stringify({ bench: 'ingest-import', metric: 'peak_rss_mb', value: Math.round(peakRss / 1e6), unit: 'MB', target: '< 200' })}`);
