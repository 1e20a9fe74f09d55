// Contacts in the production topology: a real nats-server, ClickHouse as a server process (the
// chDB HTTP shim), `tablero processor` and `tablero dashboard` as separate processes. Contacts
// pushed to the dashboard (POST /ingest/contacts, source token) cross JetStream's contacts stream
// and are stored by the processor's contact consumer; the rejected row is stored as a dead letter;
// the same body pushed again stores nothing new; a later state of a contact replaces its row.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClickHouse } from '@tablero/sql';
import { startServiceStack, type ServiceStack } from '../support/service-stack.ts';
import { waitFor } from '../support/wait-for.ts';

const TOKEN = 'chat-token-nats-0123456789';

let stack: ServiceStack;
let ch: ClickHouse;
let url: string;
beforeAll(async () => {
  stack = await startServiceStack((natsUrl, clickhouseUrl) => ({ NATS_URL: natsUrl, CLICKHOUSE_URL: clickhouseUrl, TABLERO_SOURCE_TOKENS: `${TOKEN}=default:chat1` }));
  ({ ch, url } = stack);
}, 180_000);
afterAll(async () => {
  await stack?.stop();
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
