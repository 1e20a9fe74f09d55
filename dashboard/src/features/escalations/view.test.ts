import type { EscalationsSnapshot } from '@tablero/processor/contract';
import { describe, expect, it } from 'vitest';
import { isEscalationOverdueAlert, isEscalationsSnapshot, parseTicketDetail } from './guards.ts';
import { textOf } from '../../lib/catalog.ts';
import { actionLabel, ESC_TEXTS, typeLabel } from './texts.ts';
import { areaMatrix, escalationsHref, hashQuery, localDateTime, previousMonth, tileSites } from './view.ts';

const counts = (open: number, overdue: number, b: [number, number, number, number, number]) => ({
  open, overdue, due_soon: 0, buckets: { '0-2': b[0], '3-5': b[1], '6-10': b[2], '11-15': b[3], '>15': b[4] },
});
const snap = (site: string): EscalationsSnapshot => ({
  type: 'escalations', site, at_ms: 1, tz: 'America/Bogota', due_soon_days: 2,
  totals: counts(3, 1, [1, 0, 1, 0, 1]),
  by_area: [{ area: '', ...counts(1, 0, [1, 0, 0, 0, 0]) }, { area: 'credito', ...counts(2, 1, [0, 0, 1, 0, 1]) }],
  by_type: [], overdue_list: [], due_soon_list: [],
});

describe('escalation view helpers', () => {
  it('area x bucket matrix with a total row', () => {
    const m = areaMatrix(snap('bog'));
    expect(m.buckets).toEqual(['0-2', '3-5', '6-10', '11-15', '>15']);
    expect(m.rows.map((r) => [r.area, ...r.cells, r.open, r.overdue])).toEqual([['', 1, 0, 0, 0, 0, 1, 0], ['credito', 0, 0, 1, 0, 1, 2, 1]]);
    expect([...m.total.cells, m.total.open]).toEqual([1, 0, 1, 0, 1, 3]);
  });

  it('local times in the site zone, previous month, tile order', () => {
    expect(localDateTime(1772464500, 'America/Bogota')).toBe('2026-03-02 10:15');
    expect(localDateTime(1772464500, 'America/La_Paz')).toBe('2026-03-02 11:15');
    expect([previousMonth('2026-01'), previousMonth('2026-10')]).toEqual(['2025-12', '2026-09']);
    expect(tileSites(new Map([['lpz', snap('lpz')], ['bog', snap('bog')]])).map((s) => s.site)).toEqual(['bog', 'lpz']);
  });

  it('texts in both languages, types and timeline actions', () => {
    expect([textOf(ESC_TEXTS, 'es', 'esc.due_soon_list', { n: 2 }), textOf(ESC_TEXTS, 'en', 'esc.due_soon_list', { n: 2 })]).toEqual(['Por vencer (≤ 2 días hábiles)', 'Due soon (≤ 2 business days)']);
    expect([typeLabel('es', 'queja'), typeLabel('en', ''), typeLabel('es', 'otro')]).toEqual(['Queja', '(no type)', 'otro']);
    expect(actionLabel('es', 'escalated', 'Crédito')).toBe('Escalado a Crédito');
  });

  it('guards accept the server shapes and refuse broken ones', () => {
    expect(isEscalationsSnapshot(snap('bog'))).toBe(true);
    expect(isEscalationsSnapshot({ ...snap('bog'), totals: { open: 1 } })).toBe(false);
    expect(isEscalationOverdueAlert({ type: 'escalation_overdue', site: 'bog', ticket_id: 'T', ticket_type: 'queja', area: 'x', due_at: 1, at_ms: 2 })).toBe(true);
    expect(isEscalationOverdueAlert({ type: 'escalation_overdue', site: 'bog' })).toBe(false);
    expect(parseTicketDetail({ ticket: {}, events: [] })).toBeNull();
  });
});

describe('live messages', () => {
  it('escalation snapshots and overdue alerts are parsed; broken ones are rejected with a reason', async () => {
    const { parseLiveMessage } = await import('../../lib/live-messages.ts');
    const s = snap('bog');
    expect(parseLiveMessage(JSON.stringify(s))).toEqual({ ok: true, value: s });
    const alert = { type: 'escalation_overdue', site: 'bog', ticket_id: 'T', ticket_type: 'queja', area: 'x', due_at: 1, at_ms: 2 };
    expect(parseLiveMessage(JSON.stringify(alert))).toEqual({ ok: true, value: alert });
    expect(parseLiveMessage('{"type":"escalations","site":"bog"}')).toMatchObject({ ok: false, reason: 'escalations: missing or bad fields' });
  });
});

describe('links to the escalations page', () => {
  it('reads the parameters of a hash route and writes the address of a ticket or a call', () => {
    expect(Object.fromEntries(hashQuery('#/escalations?site=lpz&ticket=RAD%201'))).toEqual({ site: 'lpz', ticket: 'RAD 1' });
    expect([...hashQuery('#/escalations')]).toEqual([]);
    expect(escalationsHref({ site: 'lpz', ticket: 'RAD 1' })).toBe('#/escalations?site=lpz&ticket=RAD+1');
    expect(escalationsHref({ site: 'default', call: '1765.31' })).toBe('#/escalations?site=default&call=1765.31');
  });
});
