// Contacts in the production topology: a real nats-server, ClickHouse as a server process (the
// chDB HTTP shim), `tablero processor` and `tablero dashboard` as separate processes. Contacts
// pushed to the dashboard (POST /ingest/contacts, source token) cross JetStream's contacts stream
// and are stored by the processor's contact consumer; the rejected row is stored as a dead letter;
// the same body pushed again stores nothing new; a later state of a contact replaces its row.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openClickHouse, type ClickHouse } from '@tablero/sql';
import { spawnChdbHttpServer, type ChdbHttpChild } from '../../bench/support/chdb-http-server.ts';
import { freePort, startNatsServer, type NatsServer } from '../support/nats-server.ts';
import { spawnTableroService, type TableroService } from '../support/tablero-process.ts';
import { waitFor } from '../support/wait-for.ts';

const TOKEN = 'chat-token-nats-0123456789';
const dirs: string[] = [];
const tmp = (prefix: string): string => {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
};

let nats: NatsServer;
let server: ChdbHttpChild;
let ch: ClickHouse;
let processor: TableroService;
let dashboard: TableroService;
let url: string;
beforeAll(async () => {
  nats = await startNatsServer();
  const chDir = tmp('tablero-nats-ch-');
  server = await spawnChdbHttpServer(chDir, { port: await freePort() });
  const env = { NATS_URL: nats.url, CLICKHOUSE_URL: server.url, TABLERO_SOURCE_TOKENS: `${TOKEN}=default:chat1` };
  processor = spawnTableroService('processor', { dataDir: tmp('tablero-processor-'), env });
  await processor.running();
  const port = await freePort();
  dashboard = spawnTableroService('dashboard', { dataDir: tmp('tablero-dashboard-'), env: { ...env, PORT: String(port) } });
  await dashboard.running();
  url = `http://127.0.0.1:${port}`;
  ch = await openClickHouse({ url: server.url, database: 'tablero', dataDir: chDir });
}, 180_000);
afterAll(async () => {
  await ch?.close();
  await dashboard?.stop();
  await processor?.stop();
  await server?.stop();
  await nats?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function push(contacts: unknown[]): Promise<{ status: number; json: unknown }> {
  const r = await fetch(`${url}/ingest/contacts`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ contacts }) });
  return { status: r.status, json: await r.json() };
}
async function one<T>(query: string): Promise<T> {
  const rows = await (await ch.client.query({ query, format: 'JSONEachRow', clickhouse_settings: { output_format_json_quote_64bit_integers: 0 } })).json<T>();
  return rows[0] as T;
}

const T = 1_796_000_000;
const BODY = [
  { contact_id: 'N1', channel: 'chat', arrived: T, first_response: T + 12, outcome: '' },
  { contact_id: 'N2', channel: 'email', arrived: T + 60 },
  { contact_id: 'N3', channel: 'fax', arrived: T + 60 },
];

describe('contacts through NATS', () => {
  it('are stored by the processor, the bad row as a dead letter; again, nothing new; a later state replaces the row', async () => {
    expect(await push(BODY)).toEqual({ status: 200, json: { accepted: 2, rejected: 1, rejections: [{ line: 3, reason: 'bad_field:channel' }] } });
    await waitFor(async () => (await one<{ n: number }>("SELECT count() AS n FROM contacts FINAL WHERE site = 'default'")).n === 2, { timeoutMs: 30_000, what: 'the contacts stored' });
    await waitFor(async () => (await one<{ n: number }>("SELECT count() AS n FROM dead_letters FINAL WHERE source = 'contacts:push:chat1'")).n === 1, { timeoutMs: 30_000, what: 'the dead letter stored' });
    expect(await push(BODY)).toMatchObject({ status: 200, json: { accepted: 2, rejected: 1 } });
    await push([{ contact_id: 'N1', channel: 'chat', arrived: T, first_response: T + 12, ended: T + 300, outcome: 'answered' }]);
    await waitFor(async () => (await one<{ e: number }>("SELECT toUnixTimestamp(ended) AS e FROM contacts FINAL WHERE contact_id = 'N1'")).e === T + 300, { timeoutMs: 30_000, what: 'the later state' });
    expect(await one<{ n: number; o: string }>("SELECT count() AS n, anyIf(outcome, contact_id = 'N1') AS o FROM contacts FINAL WHERE site = 'default'")).toEqual({ n: 2, o: 'answered' });
    expect((await one<{ n: number }>("SELECT count() AS n FROM dead_letters FINAL WHERE source = 'contacts:push:chat1'")).n).toBe(1);
  });
});
