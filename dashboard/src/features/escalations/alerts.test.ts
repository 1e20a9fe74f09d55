import type { EscalationOverdueAlert, EscalationTicket, EscalationsSnapshot } from '@tablero/processor/contract';
import { describe, expect, it } from 'vitest';
import { alertKey, visibleOverdueAlerts } from './alerts.ts';

const alert = (ticket_id: string, at_ms: number, due_at = 1000, site = 'bog'): EscalationOverdueAlert => ({
  type: 'escalation_overdue', site, ticket_id, ticket_type: 'queja', area: 'credito', due_at, at_ms,
});
const ticket = (ticket_id: string, due_at = 1000): EscalationTicket => ({
  site: 'bog', ticket_id, ticket_type: 'queja', channel: '', area: 'credito', status: 'open', opened_at: 0, receipt_date: '2026-03-02', term_days: 15,
  due_date: '2026-03-24', due_at, age_days: 16, bucket: '>15', days_left: null, days_late: 1, overdue: true, due_soon: false, answered_at: null,
  closed_at: null, on_time: null, days_to_answer: null, reopened: 0, call_site: '', call_id: '',
});
const buckets = { '0-2': 0, '3-5': 0, '6-10': 0, '11-15': 0, '>15': 0 };
const snap = (at_ms: number, overdue: EscalationTicket[], overdueCount = overdue.length): EscalationsSnapshot => ({
  type: 'escalations', site: 'bog', at_ms, tz: 'America/Bogota', due_soon_days: 2,
  totals: { open: overdueCount, overdue: overdueCount, due_soon: 0, buckets }, by_area: [], by_type: [], overdue_list: overdue, due_soon_list: [],
});
const ids = (a: EscalationOverdueAlert[]): string[] => a.map((x) => x.ticket_id);

describe('visibleOverdueAlerts', () => {
  it('shows each ticket once, newest first', () => {
    expect(ids(visibleOverdueAlerts([alert('T2', 20), alert('T1', 10), alert('T2', 5)], new Map()))).toEqual(['T2', 'T1']);
  });

  it('keeps a ticket while a later snapshot lists it as overdue, drops it when the snapshot no longer does', () => {
    const alerts = [alert('T2', 20), alert('T1', 10)];
    expect(ids(visibleOverdueAlerts(alerts, new Map([['bog', snap(30, [ticket('T1'), ticket('T2')])]])))).toEqual(['T2', 'T1']);
    // T1 closed: the next snapshot lists only T2.
    expect(ids(visibleOverdueAlerts(alerts, new Map([['bog', snap(30, [ticket('T2')])]])))).toEqual(['T2']);
    // A snapshot older than the alert says nothing about it.
    expect(ids(visibleOverdueAlerts(alerts, new Map([['bog', snap(15, [])]])))).toEqual(['T2']);
    // A new due date (type changed) is another alert: the old one is resolved.
    expect(ids(visibleOverdueAlerts(alerts, new Map([['bog', snap(30, [ticket('T1', 2000), ticket('T2')])]])))).toEqual(['T2']);
  });

  it('keeps a ticket missing from a capped overdue list', () => {
    expect(ids(visibleOverdueAlerts([alert('T1', 10)], new Map([['bog', snap(30, [ticket('T9')], 250)]])))).toEqual(['T1']);
  });

  it('drops dismissed alerts and keeps other sites apart', () => {
    const alerts = [alert('T1', 10), alert('T1', 11, 1000, 'lpz')];
    expect(alerts.map(alertKey)[0]).toBe('bog\u0000T1\u00001000');
    expect(visibleOverdueAlerts(alerts, new Map(), new Set([alertKey(alert('T1', 0))])).map((a) => a.site)).toEqual(['lpz']);
  });
});
