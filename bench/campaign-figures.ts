// Benchmark (issue 17): an outbound campaign of 20,000 listed contacts (a client's list is
// usually thousands) on embedded chDB: the contact list imported through the campaigns service
// (CSV parsed, phone rule, stored), then three outbound CDR legs per contact to the listed
// numbers and a result for every other contact, and the campaign's figures (legs read and
// matched, results matched, counted by agent and day) and the consolidated XLSX written.
// Usage: npx tsx bench/campaign-figures.ts [contacts]
import pino from 'pino';
import { createCampaignsService } from '@tablero/processor/campaigns';
import { TABLES } from '@tablero/sql';
import { freshClickHouse } from '../test/support/clickhouse.ts';

const BENCH = 'campaign-figures';
const contacts = Number(process.argv[2] ?? 20_000);
const emit = (metric: string, value: number, unit: string, target: string): void =>
  console.log(`BENCH ${JSON.stringify({ bench: BENCH, metric, value, unit, target })}`);

const ch = await freshClickHouse();
try {
  const svc = createCampaignsService({ ch, log: pino({ level: 'silent' }), tz: 'America/Bogota' });
  const created = await svc.create({ name: 'bench', start_date: '2026-03-01', end_date: '2026-03-31' }, 'bench');
  if (!created.ok) throw new Error(created.reason);
  const id = created.value.campaign_id;
  const phone = (i: number): string => String(3_000_000_000 + i * 7);
  const csv = ['contact_id;phone;nombre;ciudad', ...Array.from({ length: contacts }, (_, i) => `K${i};${phone(i)};Cliente ${i};Bogotá`)].join('\n');
  let t = performance.now();
  const imp = await svc.importContacts(id, csv);
  const importMs = performance.now() - t;
  if (!imp.ok || imp.value.accepted !== contacts) throw new Error('import failed');
  console.log(`imported ${contacts} contacts in ${Math.round(importMs)} ms`);
  emit('contacts_import_per_s', Math.round(contacts / (importMs / 1000)), 'contacts/s', `- (${contacts} contacts)`);

  const start = Date.UTC(2026, 2, 2, 13) / 1000;
  const legs = contacts * 3;
  const DISP = ['ANSWERED', 'NO ANSWER', 'BUSY'];
  for (let from = 0; from < legs; from += 50_000) {
    const values = [];
    for (let j = from; j < Math.min(legs, from + 50_000); j++) {
      const s = start + (j % 26) * 86_400 + (j % 600) * 60;
      values.push({ event_id: `b${j}`, site: 'default', source: 'bench', offset: j, layout: 'cdr_csv', dst: `9${phone(j % contacts)}`, dcontext: 'from-internal', channel: `SIP/${1000 + (j % 40)}-${j.toString(16)}`, start: s, end: s + 60, disposition: DISP[j % 3], uniqueid: `${s}.${j}`, linkedid: `${s}.${j}` });
    }
    await ch.client.insert({ table: TABLES.cdr, format: 'JSONEachRow', values });
  }
  const results = ['contact_id,result,at,agent', ...Array.from({ length: contacts / 2 }, (_, i) => `K${i * 2},${i % 5 === 0 ? 'success' : 'callback'},2026-03-20 10:00,SIP/${1000 + (i % 40)}`)].join('\n');
  const r = await svc.importResults(id, results, 'bench');
  if (!r.ok) throw new Error(r.reason);
  await svc.saveSettings({ phone_prefixes: ['9'] }, 'bench');

  const ms: number[] = [];
  let attempts = 0;
  for (let i = 0; i < 3; i++) {
    t = performance.now();
    const d = await svc.detail(id);
    ms.push(Math.round(performance.now() - t));
    if (!d.ok) throw new Error(d.reason);
    attempts = d.value.figures.attempts;
  }
  ms.sort((a, b) => a - b);
  console.log(`figures over ${attempts} attempts: ${ms.join(', ')} ms`);
  emit('figures_ms_median_of_3', ms[1] as number, 'ms', `- (${contacts} contacts, ${legs} CDR legs, ${contacts / 2} results)`);
  t = performance.now();
  const f = await svc.file(id, { format: 'xlsx', lang: 'es' });
  if (!f.ok) throw new Error(f.reason);
  emit('consolidated_xlsx_ms', Math.round(performance.now() - t), 'ms', `- (${contacts} rows, ${f.value.body.length} bytes)`);
} finally {
  await ch.dispose();
}
