import { readFileSync } from 'node:fs';
import { freshClickHouse } from '/work/wt-channels/test/support/clickhouse.ts';
const N = Number(process.env.N ?? 300000);
const ch = await freshClickHouse();
const start = 1764565200, span = 31 * 86400;
await ch.client.command({ query: `INSERT INTO contacts SELECT 'bench', concat('K', toString(number)), 'import:crm', ['chat','email','social','webform','video'][1 + number % 5], 'team', toDateTime(${start} + intDiv(number * ${span}, ${N}), 'UTC'), if(number % 10 >= 3, toDateTime(${start} + intDiv(number * ${span}, ${N}) + number % 90, 'UTC'), toDateTime(0)), toDateTime(0), 'a', if(number % 10 >= 3, 'answered', ''), '', '', if(number % 4 = 0, ['calidad'], []), if(number % 4 = 0, [toUInt8(1 + number % 5)], []), number FROM numbers(${N})` });
const { queryContactKpis } = await import('/work/wt-channels/processor/src/contacts/index.ts');
const opts = { defaultTz: 'America/Bogota', defaultSite: 'bench' };
for (const by of ['month', 'day'] as const) {
  for (let i = 0; i < 3; i++) {
    const c0 = process.cpuUsage(); const t0 = performance.now();
    await queryContactKpis(ch, { from: '2025-12-01', to: '2026-01-01', by }, opts);
    const c = process.cpuUsage(c0);
    console.log(by, 'wall', (performance.now() - t0).toFixed(0), 'cpu', ((c.user + c.system) / 1000).toFixed(0));
  }
}
const sql = (q: string) => ch.client.query({ query: q, format: 'JSONEachRow' }).then((r) => r.json());
for (const [name, q] of [
  ['final count', "SELECT count() FROM contacts FINAL WHERE site='bench'"],
  ['nofinal count', "SELECT count() FROM contacts WHERE site='bench'"],
  ['final group fmt', "SELECT channel, formatDateTime(arrived, '%Y-%m-%d', 'America/Bogota') p, count() FROM contacts FINAL WHERE site='bench' GROUP BY channel, p"],
  ['final group num', "SELECT channel, toYYYYMMDD(arrived, 'America/Bogota') p, count() FROM contacts FINAL WHERE site='bench' GROUP BY channel, p"],
] as const) {
  const c0 = process.cpuUsage(); const t0 = performance.now();
  await sql(q);
  const c = process.cpuUsage(c0);
  console.log(name, 'wall', (performance.now() - t0).toFixed(0), 'cpu', ((c.user + c.system) / 1000).toFixed(0));
}
await ch.dispose();
