// End to end, in one process: a CRM posts ticket events over HTTP (source token) -> ingest's
// ticket push -> in-process bus (CRM stream) -> the escalation service stores them in chDB ->
// the escalations API (what the escalations page reads) shows the ticket; when the injected
// clock passes its due date the ticket is overdue on the API and an overdue alert reaches a
// WebSocket client. No sleeps: the clock is a variable and the service's tick is awaited.
import { createHash } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { buildApp } from '@tablero/dashboard';
import { createTicketPushHandler } from '@tablero/ingest';
import { createEscalationsApi, saveCalendarVersion, startEscalations, type EscalationsService } from '@tablero/processor';
import type { EscalationOverdueAlert, EscalationTicket, EscalationsSnapshot } from '@tablero/processor/contract';
import { MemoryBus } from '../../src/bus/index.ts';
import { freshClickHouse } from '../support/clickhouse.ts';
import { waitFor } from '../support/wait-for.ts';

const log = pino({ level: 'silent' });
const TZ = 'America/Bogota';
const SOURCE_TOKEN = 'crm-token-0123456789';
const SUPERVISOR_TOKEN = 'supervisor-token-0123456789';
const MANAGER_TOKEN = 'manager-token-0123456789';
const ADMIN_TOKEN = 'admin-token-0123456789';
const sha = (s: string): string => createHash('sha256').update(s).digest('hex');
const at = (iso: string): number => Date.parse(iso);

let ch: Awaited<ReturnType<typeof freshClickHouse>>;
let bus: MemoryBus;
let svc: EscalationsService;
let app: Awaited<ReturnType<typeof buildApp>>;
// The escalation clock: Monday 2 March 2026, 09:00 in Bogotá.
let clockMs = at('2026-03-02T09:00:00-05:00');
const clock = (): number => clockMs;

beforeAll(async () => {
  ch = await freshClickHouse();
  const day = [{ from: '08:00', to: '17:00' }];
  await saveCalendarVersion(ch, { site: 'bog', spec: { tz: TZ, weekly: [day, day, day, day, day, [], []] }, validFromMs: 0, createdBy: 'test', nowMs: 0 });
  bus = new MemoryBus();
  svc = await startEscalations({ bus, ch, log, now: clock }, { tz: TZ, tickMs: 3_600_000 });
  const push = createTicketPushHandler({ bus, log });
  app = await buildApp(
    {
      bus,
      ch,
      log,
      queryKpis: async () => [],
      escalations: { ...createEscalationsApi(ch, { tz: TZ, defaultSite: 'bog', now: clock }), push: (req) => push({ ...req, tz: TZ }) },
    },
    {
      sessionSecret: 'x'.repeat(48),
      sourceTokens: { [sha(SOURCE_TOKEN)]: { site: 'bog', name: 'crm1' } },
      apiTokens: {
        [sha(SUPERVISOR_TOKEN)]: { username: 'sofia', role: 'supervisor' },
        [sha(MANAGER_TOKEN)]: { username: 'mario', role: 'manager' },
        [sha(ADMIN_TOKEN)]: { username: 'ada', role: 'admin' },
      },
    },
  );
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  await svc?.stop();
  await bus?.close();
  await ch?.dispose();
});

const asSupervisor = { authorization: `Bearer ${SUPERVISOR_TOKEN}` };

async function get<T>(url: string): Promise<T> {
  const r = await app.inject({ method: 'GET', url, headers: asSupervisor });
  expect(r.statusCode, r.body).toBe(200);
  return r.json<T>();
}

describe('a ticket posted over HTTP', () => {
  it('is refused without a source token and with a body that is not a list', async () => {
    expect((await app.inject({ method: 'POST', url: '/ingest/tickets', payload: { events: [] } })).statusCode).toBe(401);
    const bad = await app.inject({ method: 'POST', url: '/ingest/tickets', headers: { authorization: `Bearer ${SOURCE_TOKEN}` }, payload: { ticket_id: 'x' } });
    expect([bad.statusCode, bad.json<{ code: string }>().code]).toEqual([400, 'TABLERO_ERR_TICKETS_BODY']);
  });

  it('shows on the escalations API once the post is answered, and twice posted counts once', async () => {
    const payload = {
      events: [
        { ticket_id: 'RAD-1', event: 'opened', time: '2026-03-02T08:30:00-05:00', type: 'queja', channel: 'phone', call_id: '1772458200.3' },
        { ticket_id: 'RAD-1', event: 'escalated', time: '2026-03-02 08:45', area: 'Crédito' },
        { ticket_id: 'RAD-1', event: 'opened', time: 'soon' },
      ],
    };
    for (let i = 0; i < 2; i++) {
      const r = await app.inject({ method: 'POST', url: '/ingest/tickets', headers: { authorization: `Bearer ${SOURCE_TOKEN}` }, payload });
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json()).toEqual({ accepted: 2, rejected: 1, rejections: [{ line: 3, reason: 'bad_field:time' }] });
    }
    const snap = await get<EscalationsSnapshot>('/api/escalations');
    expect(snap.totals).toEqual({ open: 1, overdue: 0, due_soon: 0, buckets: { '0-2': 1, '3-5': 0, '6-10': 0, '11-15': 0, '>15': 0 } });
    expect(snap.by_area.map((a) => [a.area, a.open])).toEqual([['Crédito', 1]]);
    const detail = await get<{ ticket: EscalationTicket; events: Array<{ action: string; source: string }> }>('/api/escalations/tickets/RAD-1');
    // 15 business days from Monday 2 March, skipping San José (Monday 23 March): Tuesday 24 March.
    expect(detail.ticket).toMatchObject({ ticket_type: 'queja', area: 'Crédito', due_date: '2026-03-24', age_days: 0, days_left: 15, call_site: 'bog', call_id: '1772458200.3' });
    expect(detail.events.map((e) => [e.action, e.source])).toEqual([['opened', 'push:crm1'], ['escalated', 'push:crm1']]);
    expect((await get<EscalationTicket[]>('/api/escalations/by-call?callid=1772458200.3')).map((t) => t.ticket_id)).toEqual(['RAD-1']);
    expect(await ch.client.query({ query: 'SELECT count() AS n FROM ticket_events', format: 'JSONEachRow' }).then((r) => r.json())).toEqual([{ n: 2 }]);
  });

  it('is due soon two business days before, then overdue with days late when the clock passes its due date, with one alert on the WebSocket', async () => {
    clockMs = at('2026-03-20T10:00:00-05:00');
    let snap = await get<EscalationsSnapshot>('/api/escalations');
    expect(snap.due_soon_list.map((t) => [t.ticket_id, t.days_left])).toEqual([['RAD-1', 1]]);

    const messages: unknown[] = [];
    // Listening from the socket's creation on: the hello comes right after the upgrade.
    const ws: WebSocket = await app.injectWS('/ws/live', { headers: { ...asSupervisor, host: 'localhost' } }, {
      onInit: (socket) => socket.on('message', (d: Buffer) => messages.push(JSON.parse(d.toString()))),
    });
    await waitFor(() => messages.some((m) => (m as { type?: string }).type === 'hello'), { what: 'hello' });

    clockMs = at('2026-03-25T09:00:00-05:00');
    await svc.tick();
    snap = await get<EscalationsSnapshot>('/api/escalations');
    expect(snap.totals.overdue).toBe(1);
    expect(snap.overdue_list.map((t) => [t.ticket_id, t.area, t.days_late, t.due_date])).toEqual([['RAD-1', 'Crédito', 1, '2026-03-24']]);
    const alert = await waitFor(() => messages.find((m): m is EscalationOverdueAlert => (m as { type?: string }).type === 'escalation_overdue'), { what: 'overdue alert' });
    expect(alert).toEqual({ type: 'escalation_overdue', site: 'bog', ticket_id: 'RAD-1', ticket_type: 'queja', area: 'Crédito', due_at: at('2026-03-24T17:00:00-05:00') / 1000, at_ms: clockMs });
    const live = await waitFor(() => messages.find((m): m is EscalationsSnapshot => (m as { type?: string }).type === 'escalations'), { what: 'escalations snapshot' });
    expect(live.totals.overdue).toBe(1);
    ws.terminate();
  });

  it('closing it late moves it into the month’s indicators', async () => {
    const payload = [{ ticket_id: 'RAD-1', event: 'answered', time: '2026-03-25T11:00:00-05:00' }, { ticket_id: 'RAD-1', event: 'closed', time: '2026-03-26T11:00:00-05:00' }];
    expect((await app.inject({ method: 'POST', url: '/ingest/tickets', headers: { authorization: `Bearer ${SOURCE_TOKEN}` }, payload })).statusCode).toBe(200);
    clockMs = at('2026-04-01T09:00:00-05:00');
    expect((await get<EscalationsSnapshot>('/api/escalations')).totals.open).toBe(0);
    const m = await get<{ rows: unknown[] }>('/api/escalations/monthly?month=2026-03');
    expect(m.rows).toEqual([{ area: 'Crédito', ticket_type: 'queja', closed: 1, closed_on_time: 0, on_time_pct: 0, avg_days_to_answer: 16, closed_late: 1, atl_days: 2 }]);
  });

  it('roles: a supervisor reads but may not change terms; bad parameters are named', async () => {
    expect((await app.inject({ method: 'PUT', url: '/api/escalations/settings', headers: asSupervisor, payload: { due_soon_days: 3 } })).statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: '/api/escalations/settings', headers: asSupervisor })).statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: '/api/escalations' })).statusCode).toBe(401);
    const bad = await app.inject({ method: 'GET', url: '/api/escalations/monthly?month=2026-13', headers: asSupervisor });
    expect([bad.statusCode, bad.json<{ code: string }>().code]).toEqual([400, 'TABLERO_ERR_BAD_QUERY']);
    expect((await app.inject({ method: 'GET', url: '/api/escalations/tickets/nope', headers: asSupervisor })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/api/escalations/holidays?country=CO&year=2026', headers: asSupervisor })).statusCode).toBe(403);
  });

  it('a manager reads the bundled holidays and an admin changes a term, which moves the due date', async () => {
    const asManager = { authorization: `Bearer ${MANAGER_TOKEN}` };
    const h = await app.inject({ method: 'GET', url: '/api/escalations/holidays?country=BO&year=2026', headers: asManager });
    expect(h.json<Array<{ date: string }>>().slice(0, 3).map((x) => x.date)).toEqual(['2026-01-01', '2026-01-23', '2026-02-16']);
    expect((await app.inject({ method: 'GET', url: '/api/escalations/holidays?country=PE&year=2026', headers: asManager })).statusCode).toBe(400);
    const asAdmin = { authorization: `Bearer ${ADMIN_TOKEN}` };
    const bad = await app.inject({ method: 'PUT', url: '/api/escalations/settings', headers: asAdmin, payload: { terms: { queja: 'x' } } });
    expect([bad.statusCode, bad.json<{ code: string; message: string }>()]).toEqual([400, { code: 'TABLERO_ERR_BAD_SETTINGS', message: 'bad escalation settings: bad_field:terms.queja' }]);
    const put = await app.inject({ method: 'PUT', url: '/api/escalations/settings', headers: asAdmin, payload: { terms: { queja: 5 }, due_soon_days: 1 } });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()).toMatchObject({
      version: 1,
      settings: { terms: { queja: 5, consulta: 30 }, due_soon_days: 1, holidays_country: 'auto', working_weekdays: ['mon', 'tue', 'wed', 'thu', 'fri'], tz: TZ },
    });
    const detail = await get<{ ticket: EscalationTicket }>('/api/escalations/tickets/RAD-1');
    // 5 business days from Monday 2 March: Monday 9 March; closed on the 26th, 12 days late.
    expect([detail.ticket.term_days, detail.ticket.due_date, detail.ticket.days_late]).toEqual([5, '2026-03-09', 12]);

    // Legal working weekdays are a site setting (kpi-definitions §6): with Saturday the term ends
    // Saturday 7 March; closed on the 26th after 20 business days (Saturdays in, San José on
    // Monday 23 out), 15 days late.
    const badDays = await app.inject({ method: 'PUT', url: '/api/escalations/settings', headers: asAdmin, payload: { working_weekdays: ['lun'] } });
    expect([badDays.statusCode, badDays.json<{ message: string }>().message]).toEqual([400, 'bad escalation settings: bad_field:working_weekdays']);
    const sat = await app.inject({ method: 'PUT', url: '/api/escalations/settings', headers: asAdmin, payload: { terms: { queja: 5 }, working_weekdays: ['sat', 'mon', 'tue', 'wed', 'thu', 'fri'] } });
    expect(sat.json()).toMatchObject({ version: 2, settings: { working_weekdays: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat'] } });
    const withSat = await get<{ ticket: EscalationTicket }>('/api/escalations/tickets/RAD-1');
    expect([withSat.ticket.due_date, withSat.ticket.age_days, withSat.ticket.days_late]).toEqual(['2026-03-07', 20, 15]);
  });
});
