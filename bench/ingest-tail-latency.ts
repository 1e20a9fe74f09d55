// Tail latency: lines appended to a queue_log at 2,000 lines/s (20 lines every 10 ms), time from
// the append to the JetStream ack of the batch holding the line, through the real tail (fs.watch
// wake-up), publisher (a caught-up tail seals at once when nothing is in flight), the fsync'ed
// write-ahead of the batch boundaries, and a real nats-server. Target p99 <= 50 ms. Also prints
// the load average, since on the shared machine fsync and scheduling delays dominate the tail.
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import { startIngest, type IngestBus } from '../ingest/src/index.ts';
import type { EventBatch } from '../ingest/src/contract.ts';
import { NatsBus } from '../src/bus/index.ts';
import { startNatsServer } from '../test/support/nats-server.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const RATE = 2_000;
const TICK_MS = 10;

const nats = await startNatsServer();
const dir = mkdtempSync(join(tmpdir(), 'tablero-bench-tail-'));
const bus = await NatsBus.connect({ servers: nats.url });
const appendedAt = new Map<number, number>();
const latencies: number[] = [];
const timed: IngestBus = {
  ensureStream: (spec) => bus.ensureStream(spec),
  async publish(subject, data, msgId) {
    await bus.publish(subject, data, msgId);
    const now = performance.now();
    const batch = JSON.parse(Buffer.from(data).toString('utf8')) as EventBatch;
    for (const e of batch.events ?? []) {
      const t = appendedAt.get(Number(e.callid.split('.')[1]));
      if (t !== undefined) latencies.push(now - t);
    }
  },
};
const path = join(dir, 'queue_log');
writeFileSync(path, '1700000000|NONE|NONE|NONE|QUEUESTART|\n');
const ing = await startIngest({ bus: timed, log: pino({ level: 'warn' }) }, { sources: [{ path, site: 'bench', kind: 'queue_log' }], stateDir: join(dir, 'state') });
await sleep(300);
const perTick = (RATE * TICK_MS) / 1000;
let n = 0;
const start = performance.now();
for (let tick = 0; tick < (SECONDS * 1000) / TICK_MS; tick++) {
  let text = '';
  for (let i = 0; i < perTick; i++, n++) text += `${1700000000 + tick}|1700000000.${n}|q1|PJSIP/201|RINGNOANSWER|1000\n`;
  appendFileSync(path, text);
  const t = performance.now();
  for (let i = n - perTick; i < n; i++) appendedAt.set(i, t);
  const next = start + (tick + 1) * TICK_MS;
  const wait = next - performance.now();
  if (wait > 0) await sleep(wait);
}
const deadline = Date.now() + 10_000;
while (latencies.length < n && Date.now() < deadline) await sleep(20);
await ing.stop();
await bus.close();
await nats.stop();
rmSync(dir, { recursive: true, force: true });
latencies.sort((a, b) => a - b);
const q = (p: number): number => Math.round((latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN) * 10) / 10;
console.log(`${n} lines appended over ${SECONDS} s, ${latencies.length} acknowledged; p50 ${q(0.5)} ms, p99 ${q(0.99)} ms, max ${q(1)} ms; load average ${(loadavg()[0] as number).toFixed(2)}`);
if (latencies.length < n) {
  console.error(`only ${latencies.length} of ${n} lines were acknowledged`);
  process.exit(1);
}
console.log(`BENCH ${JSON.stringify({ bench: 'ingest-tail-latency', metric: 'p99_ms', value: q(0.99), unit: 'ms', target: '<= 50' })}`);
console.log(`BENCH ${JSON.stringify({ bench: 'ingest-tail-latency', metric: 'p50_ms', value: q(0.5), unit: 'ms' })}`);
