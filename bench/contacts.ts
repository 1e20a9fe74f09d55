// Benchmark: contacts of other channels (issue 17). BENCH_CONTACTS (default 1,000,000) generated
// contacts over December 2026 (chat 50 %, email 20 %, social 15 %, webform 10 %, video 5 %; a
// quarter rated) written as the CSV of `tablero import --kind contacts`, imported as the command
// does without NATS (parsed, published on the in-process bus, stored by the contact consumer into
// embedded chDB); the clock runs from the start of the import to the last contact counted in the
// table. Then the channel report of the month (GET /api/contacts/kpis by=month and by=day, the
// one read) on a site calendar with weekday hours and holidays: median of 5 runs.
// Targets: >= 100,000 contacts/s; report <= 1 s.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { importContactFiles } from '../ingest/src/contacts/index.ts';
import { queryContactKpis, startContactConsumer } from '../processor/src/contacts/index.ts';
import { saveCalendarVersion } from '../processor/src/store/settings-store.ts';
import { MemoryBus } from '../src/bus/index.ts';
import { freshClickHouse } from '../test/support/clickhouse.ts';

const N = Number(process.env.BENCH_CONTACTS ?? 1_000_000);
const dir = mkdtempSync(join(tmpdir(), 'tablero-bench-contacts-'));
const file = join(dir, 'contacts.csv');
const generator = `
  const fs = require('node:fs');
  const fd = fs.openSync(${JSON.stringify(file)}, 'w');
  fs.writeSync(fd, 'contact_id,channel,queue,arrived,first_response,ended,agent,outcome,call_id,ticket_id,rating_calidad,rating_oportunidad,rating_amabilidad\\n');
  const CH = ['chat','chat','chat','chat','chat','chat','chat','chat','chat','chat','email','email','email','email','social','social','social','webform','webform','video'];
  const start = 1764565200; // 2025-12-01T05:00Z = 00:00 in Bogota
  const span = 31 * 86400;
  for (let i = 0; i < ${N}; ) {
    let chunk = '';
    for (let k = 0; k < 2000 && i < ${N}; k++, i++) {
      const ch = CH[i % 20];
      const ar = start + Math.floor(i * span / ${N});
      const slow = ch === 'email' || ch === 'webform';
      const kind = i % 10; // 0: abandoned, 1: unanswered, 2: open, else answered
      let fr = '', en = '', out = '', agent = '', r = ',,';
      if (kind === 0) { en = String(ar + 40); out = 'abandoned'; }
      else if (kind === 1) { en = String(ar + 3600); out = 'unanswered'; }
      else if (kind >= 3) {
        const wait = slow ? (i * 7919) % (3 * 86400) : (i * 13) % 90;
        fr = String(ar + wait); en = String(ar + wait + 60 + (i % 600)); out = 'answered'; agent = 'agent' + (i % 50);
        if (i % 4 === 0) r = (1 + i % 5) + ',' + (1 + (i >> 2) % 5) + ',' + (1 + (i >> 3) % 5);
      }
      chunk += 'K' + i + ',' + ch + ',team' + (i % 7) + ',' + ar + ',' + fr + ',' + en + ',' + agent + ',' + out + ',,,' + r + '\\n';
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
const machine = `${cpus()[0]?.model ?? '?'} x${cpus().length}, load average ${loadavg()[0]?.toFixed(2)}`;
try {
  const consumer = await startContactConsumer({ bus, ch, log });
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const summary = await importContactFiles({ bus, log }, { files: [file], site: 'bench', tz: 'America/Bogota' });
  if (summary.accepted !== N) throw new Error(`accepted ${summary.accepted} of ${N}: ${JSON.stringify(summary.rejected)}`);
  const count = async (): Promise<number> => Number((await (await ch.client.query({ query: 'SELECT count() AS n FROM contacts', format: 'JSONEachRow' })).json<{ n: unknown }>())[0]?.n);
  while ((await count()) < N) await new Promise((r) => setTimeout(r, 50));
  const secs = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  await consumer.stop();
  console.log(`${N} contacts (${Math.round(size / 2 ** 20)} MiB CSV) imported and stored in ${secs.toFixed(2)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s CPU; ${machine}`);
  console.log(`BENCH ${JSON.stringify({ bench: 'contacts', metric: 'import_contacts_per_s', value: Math.round(N / secs), unit: 'contacts/s', target: '>= 100000 (1,000,000 contacts into the store)' })}`);
  // CPU of the whole process (reader, consumer, chDB's threads) per contact: what the import costs whatever the load of the machine.
  console.log(`BENCH ${JSON.stringify({ bench: 'contacts', metric: 'import_cpu_us_per_contact', value: Math.round(((cpu.user + cpu.system) / N) * 10) / 10, unit: 'us', target: '<= 20 (2 cores at 100,000 contacts/s)' })}`);

  await saveCalendarVersion(ch, {
    site: 'bench',
    spec: { tz: 'America/Bogota', weekly: [...Array.from({ length: 5 }, () => [{ from: '08:00', to: '12:00' }, { from: '13:00', to: '18:00' }]), [{ from: '08:00', to: '12:00' }], []], holidays: ['2025-12-08', '2025-12-25'] },
    validFromMs: 0, createdBy: 'bench', nowMs: Date.now(),
  });
  const opts = { defaultTz: 'America/Bogota', defaultSite: 'bench' };
  for (const by of ['month', 'day'] as const) {
    const times: number[] = [];
    const cpuMs: number[] = [];
    let rows = 0;
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      const c = process.cpuUsage();
      const r = await queryContactKpis(ch, { from: '2025-12-01', to: '2026-01-01', by }, opts);
      times.push(performance.now() - t);
      const used = process.cpuUsage(c);
      cpuMs.push((used.user + used.system) / 1000);
      rows = r.length;
      if (r.reduce((n, x) => n + x.received, 0) !== N) throw new Error('the report does not count every contact');
    }
    times.sort((a, b) => a - b);
    cpuMs.sort((a, b) => a - b);
    const median = times[2] as number;
    console.log(`channel report by=${by}: ${rows} rows, median ${median.toFixed(0)} ms of 5 (${times.map((t) => t.toFixed(0)).join(', ')})`);
    console.log(`BENCH ${JSON.stringify({ bench: 'contacts', metric: `report_month_by_${by}_ms`, value: Math.round(median), unit: 'ms', target: '<= 1000 (1,000,000 contacts in the month)' })}`);
    console.log(`BENCH ${JSON.stringify({ bench: 'contacts', metric: `report_month_by_${by}_cpu_ms`, value: Math.round(cpuMs[2] as number), unit: 'ms', target: 'CPU of the same read (median)' })}`);
  }
} finally {
  await bus.close?.();
  await ch.dispose();
  rmSync(dir, { recursive: true, force: true });
}
