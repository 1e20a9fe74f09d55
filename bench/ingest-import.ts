// Bulk import end to end into a real nats-server JetStream: a generated queue_log of
// BENCH_LINES lines (default 2,000,000) through importFiles (read, split, parse, batch, publish
// with acks). Target >= 300,000 events/s; also reports the process's peak RSS (target < 200 MB).
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { importFiles } from '../ingest/src/index.ts';
import { NatsBus } from '../src/bus/index.ts';
import { startNatsServer } from '../test/support/nats-server.ts';

const N = Number(process.env.BENCH_LINES ?? 2_000_000);
const dir = mkdtempSync(join(tmpdir(), 'tablero-bench-import-'));
const file = join(dir, 'queue_log');
await new Promise<void>((resolve, reject) => {
  const out = createWriteStream(file);
  out.on('error', reject);
  let i = 0;
  const write = (): void => {
    let ok = true;
    while (i < N && ok) {
      let chunk = '';
      for (let k = 0; k < 1000 && i < N; k++, i++) {
        const t = 1700000000 + Math.floor(i / 20);
        chunk += i % 5 === 0 ? `${t}|${t}.${i}|q${i % 9}|NONE|ENTERQUEUE||5917${i % 100000}|1\n` : `${t}|${t}.${i}|q${i % 9}|PJSIP/${200 + (i % 40)}|RINGNOANSWER|${(i % 16) * 1000}\n`;
      }
      ok = out.write(chunk);
    }
    if (i < N) out.once('drain', write);
    else out.end(resolve);
  };
  write();
});
const nats = await startNatsServer();
const bus = await NatsBus.connect({ servers: nats.url });
let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
const t0 = performance.now();
const summary = await importFiles({ bus, log: pino({ level: 'warn' }) }, { files: [file], kind: 'queue_log', site: 'bench' });
const secs = (performance.now() - t0) / 1000;
clearInterval(sampler);
await bus.close();
await nats.stop();
rmSync(dir, { recursive: true, force: true });
if (summary.accepted !== N) {
  console.error(`accepted ${summary.accepted} of ${N}`);
  process.exit(1);
}
console.log(`${N} lines in ${secs.toFixed(2)} s, ${summary.batches} batches, peak RSS ${Math.round(peakRss / 2 ** 20)} MiB`);
console.log(`BENCH ${JSON.stringify({ bench: 'ingest-import', metric: 'events_per_s', value: Math.round(N / secs), unit: 'events/s', target: '>= 300000' })}`);
console.log(`BENCH ${JSON.stringify({ bench: 'ingest-import', metric: 'peak_rss_mib', value: Math.round(peakRss / 2 ** 20), unit: 'MiB', target: '< 200' })}`);
