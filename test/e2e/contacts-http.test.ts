// End to end, in one process, wired as `tablero start` wires it (compose.ts contactsPort): a chat
// system posts contacts over HTTP with its source token -> ingest's contact push -> in-process bus
// (contacts stream) -> the contact consumer stores them in chDB -> GET /api/contacts/kpis (the one
// read) counts them. Bad rows are rejected with their reason, stored as dead letters and counted
// on the data quality page (GET /api/quality) while every good row of the same body is kept.
import { createHash } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '@tablero/dashboard';
import { queryContactKpis, startContactConsumer, type ContactConsumer } from '@tablero/processor';
import type { ContactKpiRow, ContactSettingsView } from '@tablero/processor/contract';
import { MemoryBus } from '../../src/bus/index.ts';
import { contactsPort } from '../../src/commands/compose.ts';
import type { Config } from '../../src/config.ts';
import { freshClickHouse } from '../support/clickhouse.ts';

const log = pino({ level: 'silent' });
const TZ = 'America/Bogota';
const SOURCE_TOKEN = 'chat-token-0123456789';
const TOKENS = { supervisor: 'supervisor-token-0123456789', manager: 'manager-token-0123456789', admin: 'admin-token-0123456789' } as const;
const sha = (s: string): string => createHash('sha256').update(s).digest('hex');

let ch: Awaited<ReturnType<typeof freshClickHouse>>;
let bus: MemoryBus;
let consumer: ContactConsumer;
let app: Awaited<ReturnType<typeof buildApp>>;

beforeAll(async () => {
  ch = await freshClickHouse();
  bus = new MemoryBus();
  consumer = await startContactConsumer({ bus, ch, log });
  app = await buildApp(
    { bus, ch, log, queryKpis: async () => [], contacts: contactsPort(ch, { cfg: { siteTz: TZ } as Config, log, bus, site: 'bog' }) },
    {
      sessionSecret: 'x'.repeat(48),
      siteTz: TZ,
      sourceTokens: { [sha(SOURCE_TOKEN)]: { site: 'bog', name: 'chat1' } },
      apiTokens: {
        [sha(TOKENS.supervisor)]: { username: 'sofia', role: 'supervisor' },
        [sha(TOKENS.manager)]: { username: 'mario', role: 'manager' },
        [sha(TOKENS.admin)]: { username: 'ada', role: 'admin' },
      },
    },
  );
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  await consumer?.stop();
  await bus?.close();
  await ch?.dispose();
});

const as = (who: keyof typeof TOKENS) => ({ authorization: `Bearer ${TOKENS[who]}` });
const source = { authorization: `Bearer ${SOURCE_TOKEN}` };

const GOOD = [
  { contact_id: 'A1', channel: 'chat', queue: 'ventas', arrived: '2026-12-07 10:00:00', first_response: '2026-12-07 10:00:20', ended: '2026-12-07 10:04:20', agent: 'ana', outcome: 'answered', ratings: { calidad: 5 } },
  { contact_id: 'A2', channel: 'chat', queue: 'ventas', arrived: '2026-12-07 10:01:00', ended: '2026-12-07 10:01:50', outcome: 'abandoned' },
  { contact_id: 'A3', channel: 'email', queue: 'pqrs', arrived: '2026-12-07T15:00:00Z' },
];
const BAD: Array<[unknown, string]> = [
  [{ channel: 'chat', arrived: '2026-12-07 10:00:00' }, 'missing_field:contact_id'],
  [{ contact_id: 'B2', channel: 'fax', arrived: '2026-12-07 10:00:00' }, 'bad_field:channel'],
  [{ contact_id: 'B3', channel: 'chat', arrived: '2026-12-31 25:00' }, 'bad_field:arrived'],
  [{ contact_id: 'B4', channel: 'chat', arrived: '2026-12-07 10:00:00', first_response: '2026-12-07 09:59:00', outcome: 'answered' }, 'before_arrival:first_response'],
  [{ contact_id: 'B5', channel: 'chat', arrived: '2026-12-07 10:00:00', outcome: 'answered' }, 'answered_without_first_response'],
  [{ contact_id: 'B6', channel: 'chat', arrived: '2026-12-07 10:00:00', outcome: 'maybe' }, 'bad_field:outcome'],
  [{ contact_id: 'B7', channel: 'chat', arrived: '2026-12-07 10:00:00', ratings: { calidad: 6 } }, 'bad_score:calidad'],
  ['not a record', 'not_an_object'],
];

describe('contacts posted over HTTP', () => {
  it('are refused without a source token, and a body that is not a list is refused whole', async () => {
    expect((await app.inject({ method: 'POST', url: '/ingest/contacts', payload: { contacts: [] } })).statusCode).toBe(401);
    const r = await app.inject({ method: 'POST', url: '/ingest/contacts', headers: source, payload: { contacts: 'x' } });
    expect([r.statusCode, r.json().code]).toEqual([400, 'TABLERO_ERR_CONTACTS_BODY']);
    const csv = await app.inject({ method: 'POST', url: '/ingest/contacts', headers: { ...source, 'content-type': 'text/csv' }, payload: 'id,channel\nx,chat\n' });
    expect([csv.statusCode, csv.json().code]).toEqual([400, 'TABLERO_ERR_CONTACTS_BODY']);
  });

  it('keeps every good row, rejects each bad one with its reason, and counts them on the data quality page', async () => {
    const body = [GOOD[0], ...BAD.map(([rec]) => rec), GOOD[1], GOOD[2]];
    const r = await app.inject({ method: 'POST', url: '/ingest/contacts', headers: source, payload: { contacts: body } });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toEqual({ accepted: 3, rejected: BAD.length, rejections: BAD.map(([, reason], i) => ({ line: i + 2, reason })) });
    // The same body again (a retried push) stores nothing new.
    expect((await app.inject({ method: 'POST', url: '/ingest/contacts', headers: source, payload: { contacts: body } })).json()).toMatchObject({ accepted: 3 });
    // A CSV push of one more contact (text/csv, the import's columns).
    const csv = await app.inject({
      method: 'POST', url: '/ingest/contacts', headers: { ...source, 'content-type': 'text/csv' },
      payload: 'contact_id;channel;arrived;first_response;outcome\nA4;chat;2026-12-07 11:00:00;2026-12-07 11:01:00;answered\nA5;chat;ayer;;\n',
    });
    expect(csv.json()).toEqual({ accepted: 1, rejected: 1, rejections: [{ line: 3, reason: 'bad_field:arrived' }] });
    const q = await app.inject({ method: 'GET', url: '/api/quality?days=366', headers: as('manager') });
    const rejected = (q.json().rejected as Array<{ source: string; reason: string; lines: number }>).filter((x) => x.source === 'contacts:push:chat1');
    const counts = Object.fromEntries(rejected.map((x) => [x.reason, x.lines]));
    expect(counts).toEqual({ ...Object.fromEntries(BAD.map(([, reason]) => [reason, 1])), 'bad_field:arrived': 2 });
  });

  it('GET /api/contacts/kpis answers the one read, for every logged-in role', async () => {
    const url = '/api/contacts/kpis?from=2026-12-01&to=2027-01-01&by=month';
    expect((await app.inject({ method: 'GET', url })).statusCode).toBe(401);
    const res = await app.inject({ method: 'GET', url, headers: as('supervisor') });
    expect(res.statusCode, res.body).toBe(200);
    const rows = res.json() as ContactKpiRow[];
    expect(rows).toEqual(await queryContactKpis(ch, { from: '2026-12-01', to: '2027-01-01', by: 'month' }, { defaultTz: TZ, defaultSite: 'bog' }));
    expect(rows.map((r) => [r.channel, r.received, r.answered, r.abandoned, r.waiting, r.answered_within, r.first_response_avg_s, r.rated])).toEqual([
      ['chat', 3, 2, 1, 0, 1, 40, 1],
      ['email', 1, 0, 0, 1, 0, null, 0],
    ]);
    for (const [param, bad] of [['channel', 'fax'], ['by', 'week'], ['from', 'yesterday'], ['color', 'red']] as const) {
      const r = await app.inject({ method: 'GET', url: `/api/contacts/kpis?from=2026-12-01&to=2027-01-01&${param}=${bad}`, headers: as('supervisor') });
      expect([param, r.statusCode]).toEqual([param, 400]);
    }
  });

  it('settings: managers read, admins alone change; a change is a new version the figures follow', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/contacts/settings', headers: as('supervisor') })).statusCode).toBe(403);
    const view = (await app.inject({ method: 'GET', url: '/api/contacts/settings', headers: as('manager') })).json() as ContactSettingsView;
    expect([view.current_version, view.current['chat'], view.current['email']]).toEqual([0, { threshold_s: 30, basis: 'wall', strict: false }, { threshold_s: 86_400, basis: 'business', strict: false }]);
    const payload = { settings: { chat: { threshold_s: 60 } }, valid_from_ms: 0 };
    expect((await app.inject({ method: 'PUT', url: '/api/contacts/settings', headers: as('manager'), payload })).statusCode).toBe(403);
    const bad = await app.inject({ method: 'PUT', url: '/api/contacts/settings', headers: as('admin'), payload: { settings: { chat: { threshold_s: -1 } } } });
    expect([bad.statusCode, bad.json().message]).toEqual([400, 'bad contact settings: bad_field:chat.threshold_s']);
    const ok = await app.inject({ method: 'PUT', url: '/api/contacts/settings', headers: as('admin'), payload });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ version: 1, settings: { current_version: 1, current: { chat: { threshold_s: 60, basis: 'wall' } } } });
    const [chat] = (await app.inject({ method: 'GET', url: '/api/contacts/kpis?from=2026-12-01&to=2027-01-01&by=month&channel=chat', headers: as('supervisor') })).json() as ContactKpiRow[];
    expect([chat?.answered_within, chat?.definition.threshold_s, chat?.definition.settings_version]).toEqual([2, 60, 1]);
  });
});
