// Typification and first-contact resolution on a generated week with repeat callers
// (kpi-definitions §14), through the real processor into a fresh chDB. Hand-checked:
// Monday 2026-11-02 to Sunday 2026-11-08, queue q1, each day ten answered calls i = 0..9 from
// 10:00 every 5 minutes, and one abandoned call at 12:00:
//   i 0-4  unique caller; typified consulta|resuelto                (i = 0: see the abandoned call)
//   i 5    unique caller; typified reclamo|escalado
//   i 6    the same caller every day (written 573009000006, +573009000006 on odd days); consulta|resuelto
//   i 7    the same caller every day (written 0573009000007 on even days); not typified
//   i 8    anonymous caller (not eligible for measured FCR); consulta|resuelto
//   i 9    unique caller, the call led to a ticket; reclamo|escalado
//   12:00  the caller of i = 0 calls again and abandons: i = 0 repeated (same queue, within 7 days)
// On Sunday the caller of i = 6 also calls q2 (answered): another queue, no repeat for q1.
// Week, q1: answered 70; typified 9 a day = 63 (consulta 7 x 7 = 49, reclamo 2 x 7 = 14);
// declared FCR = 49 / 63 = 77.78 %. Eligible 63 (all but i = 8). Repeats: i = 0 every day (7) and
// i = 6, 7 Monday to Saturday (2 x 6 = 12): 19; tickets: i = 9 (7). Measured resolved
// 63 - 19 - 7 = 37: measured FCR 37 / 63 = 58.73 %, repeat rate 19 / 63 = 30.16 %.
import type { EventBatch, QueueEvent } from '@tablero/ingest/contract';
import { parseQueueLogLine } from '@tablero/ingest';
import { TABLES, type ClickHouse } from '@tablero/sql';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TYPIFICATION, parseTypificationSettings } from '../core/typification.ts';
import { startProcessor } from '../service.ts';
import { TestBus } from '../testing/bus.ts';
import { freshClickHouse } from '../testing/clickhouse.ts';
import { queryFcr, type FcrReadOptions } from './fcr-query.ts';
import { DAY, MON, week } from '../testing/fcr-week.ts';

const log = pino({ level: 'silent' });
const NOW_MS = Date.UTC(2026, 11, 1) * 1;

const OPTS: FcrReadOptions = { defaultTz: 'UTC', typification: DEFAULT_TYPIFICATION, now: () => NOW_MS };
let ch: ClickHouse & { dispose(): Promise<void> };

beforeAll(async () => {
  ch = await freshClickHouse();
  const events: QueueEvent[] = week().map((line, n) => {
    const r = parseQueueLogLine(line, { site: 'w', source: 'test:week', fingerprint: 'week', offset: n * 100, lineNo: n + 1 });
    if (!r.ok) throw new Error(`${r.reason}: ${line}`);
    return r.value;
  });
  const bus = new TestBus();
  const p = await startProcessor({ bus, ch, log, now: () => NOW_MS }, { tz: 'UTC' });
  const batch: EventBatch = { batch_id: 'week:all', site: 'w', events };
  expect(await bus.deliver('pbx.events.w', batch, batch.batch_id)).toBe(true);
  await p.stop();
  await ch.client.insert({
    table: TABLES.ticketEvents,
    format: 'JSONEachRow',
    values: Array.from({ length: 7 }, (_, d) => ({
      event_id: `t${d}`, site: 'w', source: 'crm', ticket_id: `R-${d}`, action: 'opened', ts: MON + d * DAY + 11 * 3600, ticket_type: 'reclamo',
      channel: 'phone', area: '', call_site: 'w', call_id: `w${d}.9`, note: '',
    })),
  });
});
afterAll(async () => {
  await ch?.dispose();
});

const figures = (r: Awaited<ReturnType<typeof queryFcr>>[number]): unknown[] => [
  r.queue, r.period, r.answered, r.typified, r.declared_resolved, r.declared_escalated, r.declared_fcr_pct,
  r.eligible, r.repeat_calls, r.with_ticket, r.measured_resolved, r.measured_fcr_pct, r.repeat_rate_pct,
];

describe('typification and FCR on a generated week', () => {
  it('by month: declared and measured FCR side by side, per queue', async () => {
    const rows = await queryFcr(ch, { from: '2026-11-02', to: '2026-11-09', site: 'w', by: 'month', tz: 'UTC' }, OPTS);
    expect(rows.map(figures)).toEqual([
      ['q1', '2026-11', 70, 63, 49, 14, 77.78, 63, 19, 7, 37, 58.73, 30.16],
      ['q2', '2026-11', 1, 0, 0, 0, null, 1, 0, 0, 1, 100, 0],
    ]);
    expect(rows[0]?.by_category).toEqual([{ category: 'consulta', calls: 49 }, { category: 'reclamo', calls: 14 }]);
    expect(rows[0]?.definition).toEqual({
      site: 'w', tz: 'UTC', verb: 'tipificacion', category_field: 1, result_field: 2, resolved: ['resuelto', 'resuelta', 'resolved'],
      escalated: ['escalado', 'escalada', 'escalated'], repeat_window_days: 7, window_complete: true,
    });
  });

  it('by day: Monday has three repeats (i = 0, 6, 7), Sunday one (i = 0: nobody calls q1 after the week)', async () => {
    const rows = await queryFcr(ch, { from: '2026-11-02', to: '2026-11-09', site: 'w', tz: 'UTC', queues: ['q1'] }, OPTS);
    expect(rows.map(figures)).toEqual([
      ...['02', '03', '04', '05', '06', '07'].map((d) => ['q1', `2026-11-${d}`, 10, 9, 7, 2, 77.78, 9, 3, 1, 5, 55.56, 33.33]),
      ['q1', '2026-11-08', 10, 9, 7, 2, 77.78, 9, 1, 1, 7, 77.78, 11.11],
    ]);
  });

  it('a shorter window and other result values are settings; a window still open says so', async () => {
    const one = parseTypificationSettings({ repeat_window_days: 1, resolved: ['RESUELTO'], escalated: [] });
    if (!one.ok) throw new Error(one.errors.join());
    const opts: FcrReadOptions = { ...OPTS, typification: one.value, now: () => (MON + 7 * DAY + 3600) * 1000 };
    const [row] = await queryFcr(ch, { from: '2026-11-02', to: '2026-11-09', site: 'w', by: 'month', tz: 'UTC', queues: ['q1'] }, opts);
    // Within 1 day the daily repeat of i = 6, 7 still counts (the next call is 24 h later, inclusive).
    expect(row && figures(row)).toEqual(['q1', '2026-11', 70, 63, 49, 0, 77.78, 63, 19, 7, 37, 58.73, 30.16]);
    expect(row?.definition.window_complete).toBe(false);
  });
});
