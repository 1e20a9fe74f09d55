// The closed-month fingerprint on real embedded ClickHouse (kpi-definitions §7): it covers every
// stored stint of the month, unanswered ones included, with every field a figure depends on, and
// a stint stored twice is one stint. October 2026 of testing/month-fixture.ts plus one abandon.
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClickHouse } from '@tablero/sql';
import type { StintRow } from '../core/stint-machine.ts';
import { createStore } from '../store/store.ts';
import { freshClickHouse } from '../testing/clickhouse.ts';
import type { MonthlyReport } from './core/model.ts';
import { closeMonth, computeMonthlyReport, exportMonthly, type ReportContext } from './service.ts';
import { saveClosedMonth, stintFingerprint } from './store/report-store.ts';
import { lapaz, NOW_MS, seedOctober, stint } from './testing/month-fixture.ts';

const SITE = 'default';
// October 2026 in La Paz (UTC-4).
const OCTOBER = { site: SITE, from_s: lapaz(2026, 10, 1, 0, 0), to_s: lapaz(2026, 11, 1, 0, 0) };
const req = { site: SITE, month: '2026-10', queues: [] as string[], format: 'csv' as const, lang: 'es' as const };

let ch: ClickHouse & { dispose(): Promise<void> };
let ctx: ReportContext;

/** An abandon of queue 101 on 7 October with a fixed id, so it can be stored again as the same stint. */
const abandon = (wait: number): StintRow => ({ ...stint(SITE, '101', lapaz(2026, 10, 7, 11, 0), 'abandoned', wait, null), stint_id: 'late-abandon', callid: 'c-late', end_event_id: 'e-late' });
const hashOf = (value: string): string => value.split('-')[1] ?? '';

beforeAll(async () => {
  ch = await freshClickHouse();
  await seedOctober(ch);
  await createStore(ch).insertStints([abandon(12)], 0, 'first-abandon');
  ctx = { ch, log: pino({ level: 'silent' }), defaultTz: 'UTC' };
});
afterAll(async () => {
  await ch?.dispose();
});

describe('stint fingerprint of a closed month', () => {
  it('is unchanged by the same stint stored twice, changed by an unanswered stint that arrives or changes, and the export warns', async () => {
    const closed = await closeMonth(ctx, { site: SITE, month: '2026-10', closedBy: 'mario', nowMs: NOW_MS });
    expect([closed.fingerprint, closed.stints]).toEqual(['17-1954c2155770ee7c', 17]);

    // The same abandon again (another insert, so not dropped by insert deduplication): FINAL keeps one.
    await createStore(ch).insertStints([abandon(12)], 0, 'same-abandon-again');
    expect((await stintFingerprint(ch, OCTOBER)).value).toBe(closed.fingerprint);
    const same = await exportMonthly(ctx, { ...req, nowMs: NOW_MS + 3_600_000 });
    expect([same.data_changed, same.warning]).toEqual([false, null]);

    // The same abandon stored again with another wait (a corrected log): same count, another hash.
    await createStore(ch).insertStints([abandon(40)], 0, 'changed-abandon');
    const changed = await stintFingerprint(ch, OCTOBER);
    expect(changed.stints).toBe(17);
    expect(hashOf(changed.value)).not.toBe(hashOf(closed.fingerprint));

    // A late abandon of another call: one more stint, and the hash changes too (the part that
    // used to skip every unanswered stint).
    await createStore(ch).insertStints([stint(SITE, '102', lapaz(2026, 10, 30, 16, 0), 'abandoned', 25, null)], 0, 'late-abandon');
    const late = await stintFingerprint(ch, OCTOBER);
    expect(late.stints).toBe(18);
    expect(hashOf(late.value)).not.toBe(hashOf(changed.value));

    const out = await exportMonthly(ctx, { ...req, nowMs: NOW_MS + 7_200_000 });
    expect(out.data_changed).toBe(true);
    expect(out.warning).toBe(
      `ADVERTENCIA: los datos cambiaron desde el cierre (huella al cierre ${closed.fingerprint}, 17 estadías; ahora ${late.value}, 18 estadías). Las cifras son las del cierre.`,
    );
    expect(out.body.toString('utf8').split('\r\n')).toContain(`Advertencia;"${out.warning ?? ''}"`);
  });

  it('a month closed with the old scheme is compared with data hashed the old way: no false warning, a late stint still warns', async () => {
    const site = 'old';
    const november = { site, from_s: lapaz(2026, 11, 1, 0, 0), to_s: lapaz(2026, 12, 1, 0, 0) };
    await createStore(ch).insertStints([stint(site, '101', lapaz(2026, 11, 3, 9, 0), 'answered', 4, 40, 'ana')], 0, 'old-november');
    // What a closing stored before scheme 2: the scheme-1 value and no `scheme` field.
    const report = await computeMonthlyReport(ctx, { site, month: '2026-11', queues: [], nowMs: Date.UTC(2026, 11, 2) });
    const { scheme: _scheme, ...oldFingerprint } = await stintFingerprint(ch, november, 1);
    expect(oldFingerprint.value).not.toBe(report.fingerprint.value);
    await saveClosedMonth(ch, { site, month: '2026-11', closed_at_ms: Date.UTC(2026, 11, 2), closed_by: 'old', report: { ...report, fingerprint: oldFingerprint } as unknown as MonthlyReport });
    const oldReq = { ...req, site, month: '2026-11', nowMs: Date.UTC(2026, 11, 3) };
    expect((await exportMonthly(ctx, oldReq)).data_changed).toBe(false);
    await createStore(ch).insertStints([stint(site, '101', lapaz(2026, 11, 4, 9, 0), 'answered', 6, 50, 'ana')], 0, 'old-late');
    expect((await exportMonthly(ctx, oldReq)).data_changed).toBe(true);
  });

  it('does not depend on the order the stints were stored in', async () => {
    const rows = [
      stint('order', 'q', lapaz(2026, 10, 2, 9, 0), 'abandoned', 7, null),
      stint('order', 'q', lapaz(2026, 10, 2, 9, 5), 'answered', 3, 60, 'ana'),
      stint('order', 'q', lapaz(2026, 10, 2, 9, 9), 'timeout', null, null),
    ];
    const store = createStore(ch);
    await store.insertStints(rows, 0, 'order-all');
    const all = await stintFingerprint(ch, { ...OCTOBER, site: 'order' });
    const reversed = rows.map((r) => ({ ...r, site: 'order2' })).reverse();
    for (const [i, r] of reversed.entries()) await store.insertStints([r], 0, `order2-${i}`);
    const oneByOne = await stintFingerprint(ch, { ...OCTOBER, site: 'order2' });
    expect(oneByOne).toEqual(all);
  });
});
