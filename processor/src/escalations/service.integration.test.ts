// The escalation service on embedded chDB: idempotent storage under redelivery, out-of-order
// events, live snapshots, an overdue alert raised once as the injected clock passes the due
// date (also across a restart), settings versions and the monthly indicators.
import type { TicketBatch, TicketEvent } from '@tablero/ingest/contract';
import type { ClickHouse } from '@tablero/sql';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EscalationOverdueAlert, EscalationsSnapshot } from '../contract.ts';
import { saveCalendarVersion } from '../store/settings-store.ts';
import { TestBus } from '../testing/bus.ts';
import { freshClickHouse, scalar } from '../testing/clickhouse.ts';
import { queryEscalationMonthly, queryEscalationSnapshot, queryEscalationTicket, queryEscalationsByCall } from './queries.ts';
import { startEscalations, type EscalationsService } from './service.ts';
import { saveEscalationSettings } from './store/ticket-store.ts';

const log = pino({ level: 'silent' });
const at = (iso: string): number => Date.parse(iso) / 1000;
const SITE = 'bog';
const TZ = 'America/Bogota';

let ch: ClickHouse & { dispose(): Promise<void> };
beforeAll(async () => {
  ch = await freshClickHouse();
  // Mon-Fri 08:00-17:00; Colombian national holidays come from the settings' `auto` country.
  const day = [{ from: '08:00', to: '17:00' }];
  await saveCalendarVersion(ch, { site: SITE, spec: { tz: TZ, weekly: [day, day, day, day, day, [], []] }, validFromMs: 0, createdBy: 'test', nowMs: 0 });
});
afterAll(async () => {
  await ch?.dispose();
});

function ev(ticket: string, action: TicketEvent['action'], time: string, extra: Partial<TicketEvent> = {}): TicketEvent {
  return { event_id: `${ticket}-${action}-${time}`, site: SITE, source: 'crm', ticket_id: ticket, action, ts: at(time), ticket_type: '', channel: '', area: '', call_site: '', call_id: '', note: '', ...extra };
}
const batch = (id: string, events: TicketEvent[]): TicketBatch => ({ batch_id: id, site: SITE, events });

// T1: queja opened Monday 2 March 2026 10:00 -> due Tuesday 24 March 17:00 (23 March is San José).
const B1 = batch('b1', [ev('T1', 'escalated', '2026-03-02T11:00:00-05:00', { area: 'credito' }), ev('T2', 'opened', '2026-03-10T09:00:00-05:00', { ticket_type: 'peticion', call_site: SITE, call_id: '1772460000.7' })]);
const B2 = batch('b2', [ev('T1', 'opened', '2026-03-02T10:00:00-05:00', { ticket_type: 'queja', channel: 'phone', call_site: SITE, call_id: '1772460000.5' })]);

function snapshots(bus: TestBus): EscalationsSnapshot[] {
  return bus.emitted.filter((m) => (m.data as { type?: string }).type === 'escalations').map((m) => m.data as EscalationsSnapshot);
}
function alerts(bus: TestBus): EscalationOverdueAlert[] {
  return bus.emitted.filter((m) => (m.data as { type?: string }).type === 'escalation_overdue').map((m) => m.data as EscalationOverdueAlert);
}

describe('escalation service', () => {
  let clockMs = at('2026-03-20T10:00:00-05:00') * 1000;
  const now = (): number => clockMs;
  let svc: EscalationsService;
  let bus: TestBus;

  it('stores each event once under redelivery and folds out-of-order events', async () => {
    bus = new TestBus();
    svc = await startEscalations({ bus, ch, log, now }, { tz: TZ, tickMs: 60_000 });
    expect(bus.streams).toEqual(['TABLERO_CRM']);
    for (const b of [B1, B2, B1, B2]) expect(await bus.deliver(`crm.tickets.${SITE}`, b, b.batch_id)).toBe(true);
    expect(await scalar(ch, 'SELECT count() AS v FROM ticket_events')).toBe(3);
    const snap = svc.snapshot(SITE);
    expect(snap.totals).toEqual({ open: 2, overdue: 0, due_soon: 1, buckets: { '0-2': 0, '3-5': 0, '6-10': 1, '11-15': 1, '>15': 0 } });
    expect(snap.due_soon_list.map((t) => [t.ticket_id, t.area, t.ticket_type, t.due_date, t.days_left, t.call_id])).toEqual([['T1', 'credito', 'queja', '2026-03-24', 1, '1772460000.5']]);
  });

  it('publishes a snapshot and, once the clock passes the due date, one overdue alert', async () => {
    await svc.tick();
    expect(snapshots(bus).at(-1)?.totals.open).toBe(2);
    expect(alerts(bus)).toEqual([]);
    clockMs = at('2026-03-24T16:59:59-05:00') * 1000;
    await svc.tick();
    expect(alerts(bus)).toEqual([]);
    clockMs = at('2026-03-24T17:00:00-05:00') * 1000;
    await svc.tick();
    expect(alerts(bus)).toEqual([{ type: 'escalation_overdue', site: SITE, ticket_id: 'T1', ticket_type: 'queja', area: 'credito', due_at: at('2026-03-24T17:00:00-05:00'), at_ms: clockMs }]);
    const last = snapshots(bus).at(-1);
    expect(last?.overdue_list.map((t) => [t.ticket_id, t.days_late])).toEqual([['T1', 1]]);
    clockMs += 60_000;
    await svc.tick();
    expect(alerts(bus).length).toBe(1);
    await svc.stop();
  });

  it('a restart remembers the raised alert and rebuilds the state from storage', async () => {
    const bus2 = new TestBus();
    clockMs = at('2026-03-25T10:00:00-05:00') * 1000;
    const again = await startEscalations({ bus: bus2, ch, log, now }, { tz: TZ, tickMs: 60_000 });
    await again.tick();
    expect(alerts(bus2)).toEqual([]);
    expect(snapshots(bus2).at(-1)?.totals.overdue).toBe(1);
    await again.stop();
  });

  it('a ticket overdue for longer than the look-back when first seen is recorded without an alert', async () => {
    const bus3 = new TestBus();
    const svc3 = await startEscalations({ bus: bus3, ch, log, now }, { tz: TZ, tickMs: 60_000 });
    const old = batch('b-old', [ev('OLD', 'opened', '2026-01-05T10:00:00-05:00', { ticket_type: 'informacion' })]);
    await bus3.deliver(`crm.tickets.${SITE}`, old, old.batch_id);
    await svc3.tick();
    expect(alerts(bus3)).toEqual([]);
    expect(await scalar(ch, "SELECT count() AS v FROM escalation_alerts FINAL WHERE ticket_id = 'OLD'")).toBe(1);
    expect(svc3.snapshot(SITE).totals.overdue).toBe(2);
    await svc3.stop();
  });

  it('stores rejected CRM rows as dead letters, once', async () => {
    const bus4 = new TestBus();
    const svc4 = await startEscalations({ bus: bus4, ch, log, now }, { tz: TZ, tickMs: 60_000 });
    const dead = { batch_id: 'd1', site: SITE, dead: [{ event_id: 'dead:1', site: SITE, source: 'crm', offset: 3, line_no: 3, raw: 'x,y', reason: 'wrong_column_count', rejected_at: 1_772_000_000 }] };
    await bus4.deliver(`crm.dead.${SITE}`, dead, 'd1');
    await bus4.deliver(`crm.dead.${SITE}`, dead, 'd1');
    expect(await scalar(ch, "SELECT count() AS v FROM dead_letters WHERE reason = 'wrong_column_count'")).toBe(1);
    await svc4.stop();
  });
});

describe('escalation queries', () => {
  const nowMs = at('2026-03-25T10:00:00-05:00') * 1000;

  it('a ticket with its timeline, and the tickets of a call', async () => {
    const d = await queryEscalationTicket(ch, { tz: TZ }, SITE, 'T1', nowMs);
    expect(d?.ticket).toMatchObject({ ticket_id: 'T1', status: 'open', overdue: true, days_late: 1, due_date: '2026-03-24', call_site: SITE, call_id: '1772460000.5' });
    expect(d?.events.map((e) => e.action)).toEqual(['opened', 'escalated']);
    expect(await queryEscalationTicket(ch, { tz: TZ }, SITE, 'nope', nowMs)).toBeNull();
    expect((await queryEscalationsByCall(ch, { tz: TZ }, SITE, '1772460000.7', nowMs)).map((t) => t.ticket_id)).toEqual(['T2']);
  });

  it('settings versions change the terms (peticion 15 -> 5 business days)', async () => {
    const before = await queryEscalationSnapshot(ch, { tz: TZ }, SITE, nowMs);
    expect(before.totals.overdue).toBe(2);
    await saveEscalationSettings(ch, { site: SITE, patch: { terms: { peticion: 5 } }, validFromMs: nowMs - 1000, createdBy: 'test', nowMs });
    const after = await queryEscalationSnapshot(ch, { tz: TZ }, SITE, nowMs);
    // T2 opened Tuesday 10 March: 5 business days -> due Tuesday 17 March, 5 days late on the 25th.
    expect(after.overdue_list.map((t) => [t.ticket_id, t.term_days, t.days_late])).toEqual([['OLD', 10, 45], ['T2', 5, 5], ['T1', 15, 1]]);
    await expect(saveEscalationSettings(ch, { site: SITE, patch: { terms: { queja: -1 } }, validFromMs: 0, createdBy: 'test', nowMs })).rejects.toThrow('bad_field:terms.queja');
  });

  it('monthly indicators over the tickets closed in the month', async () => {
    const bus = new TestBus();
    const svc = await startEscalations({ bus, ch, log, now: () => nowMs }, { tz: TZ, tickMs: 60_000 });
    const closing = batch('b-close', [ev('T1', 'answered', '2026-03-26T10:00:00-05:00'), ev('T1', 'closed', '2026-03-27T10:00:00-05:00'), ev('T3', 'opened', '2026-03-02T09:00:00-05:00', { ticket_type: 'reclamo' }), ev('T3', 'escalated', '2026-03-02T09:30:00-05:00', { area: 'legal' }), ev('T3', 'closed', '2026-03-04T12:00:00-05:00'), ev('T3', 'reopened', '2026-04-02T12:00:00-05:00')]);
    await bus.deliver(`crm.tickets.${SITE}`, closing, closing.batch_id);
    await svc.stop();
    const m = await queryEscalationMonthly(ch, { tz: TZ }, SITE, '2026-03', nowMs);
    expect(m.rows).toEqual([
      { area: 'credito', ticket_type: 'queja', closed: 1, closed_on_time: 0, on_time_pct: 0, avg_days_to_answer: 17, closed_late: 1, atl_days: 3 },
      { area: 'legal', ticket_type: 'reclamo', closed: 1, closed_on_time: 1, on_time_pct: 100, avg_days_to_answer: 2, closed_late: 0, atl_days: null },
    ]);
    expect(m.total).toMatchObject({ closed: 2, closed_on_time: 1, on_time_pct: 50, avg_days_to_answer: 9.5, atl_days: 3 });
    // OLD and T2 were open and past due at the end of March.
    expect(m.open_overdue_at_month_end).toBe(2);
    expect(m.terms['peticion']).toBe(5);
    // In April, T3 is open again (reopened): not in April's closed figures.
    expect((await queryEscalationMonthly(ch, { tz: TZ }, SITE, '2026-04', nowMs)).total.closed).toBe(0);
  });
});
