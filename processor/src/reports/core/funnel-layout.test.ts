// The funnel section's layout (pure): how a row's definition is written in the text columns, the
// column definitions that follow the table, and the late-data warning of a closed month whose CDR
// rows changed (the stints did not).
import { describe, expect, it } from 'vitest';
import type { FunnelRow } from '../../contract.ts';
import { emptyFunnelRow, serviceDefinition } from '../../core/funnel.ts';
import { layoutFunnel, layoutReport } from './layout.ts';
import { buildMonthlyReport, dataChanged, type DataFingerprint, type MonthlyReport } from './model.ts';
import { FUNNEL_COLUMN_KEYS, texts } from './texts.ts';

const SVC = { service: '101', contexts: ['from-pstn', 'ivr-101'], dids: [], agent_options: ['0', '2'] };
const row: FunnelRow = {
  ...emptyFunnelRow('101', '2026-10', serviceDefinition('bog', 'America/Bogota', SVC, { source: 'queue_log', verb: 'IVROPTION' })),
  ingresadas: 10, ivr_only: 4, asked_agent: 6, lost_before_queue: 1, refused: 1, offered: 4, answered: 3, answered_within: 2, abandoned: 1, other_exit: 0,
  by_option: [{ option: '', calls: 2 }, { option: '1', calls: 4 }, { option: '2', calls: 4 }],
};
row.definition.thresholds = [{ queue: 'q101', threshold_s: 20, strict: false, settings_version: 3 }, { queue: 'q105', threshold_s: 30, strict: true, settings_version: 0 }];
row.definition.spans_change = true;

describe('funnel section layout', () => {
  it('writes each row: counts as numbers, options, T per queue (strict, changed), contexts, any DID, IVR source, agent options', () => {
    const s = layoutFunnel([row], texts('en'));
    expect(s.table.columns.map((c) => `${c.key}:${c.kind}`)).toEqual(FUNNEL_COLUMN_KEYS.map((k) => `${k}:${k === 'service' || ['by_option', 'thresholds', 'contexts', 'dids', 'ivr_source', 'agent_options'].includes(k) ? 'text' : 'int'}`));
    expect(s.table.rows).toEqual([[
      '101', 10, 4, 6, 1, 1, 4, 3, 2, 1, 0,
      '(none): 2; 1: 4; 2: 4',
      "q101 20 s; q105 30 s (strict) (a queue's T changed in the month: each call was judged by the T in force when it entered)",
      'from-pstn, ivr-101', '(any)', 'queue_log:IVROPTION', '0, 2',
    ]]);
    // One definition line per column, then the identities and the source.
    expect(s.lines.map(([k]) => k)).toEqual([...FUNNEL_COLUMN_KEYS.map((k) => texts('en').fun.col[k]), 'Identities', 'Source']);
  });

  it('a service without calls: zeros and empty cells where there is nothing to state', () => {
    const empty = emptyFunnelRow('102', '2026-10', serviceDefinition('bog', 'America/Bogota', { service: '102', contexts: [], dids: ['6014400102'], agent_options: [] }, { source: 'none' }));
    expect(layoutFunnel([empty], texts('es')).table.rows).toEqual([['102', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, null, null, '(cualquiera)', '6014400102', 'none', null]]);
  });

  it('a closed month whose CDR rows changed (stints the same) warns about the CDR, and its definitions state both fingerprints', () => {
    const fp: DataFingerprint = { value: '2-00000000000000aa', stints: 2, scheme: 2, cdr: { value: '3-00000000000000bb', rows: 3 } };
    const base = buildMonthlyReport({
      site: 'bog', first_month: '2026-10', last_month: '2026-10', tz: 'UTC', calendar: { spec: { tz: 'UTC' }, version: 0 }, hours: [], agents: [],
      definitionOf: () => { throw new Error('no queues'); }, queues: [], fingerprint: fp, funnel: [row],
    });
    const closed: MonthlyReport = { ...base, frozen: { version: 1, closed_at_ms: Date.UTC(2026, 10, 2), closed_by: 'mario' } };
    const same = { ...fp };
    const late = { ...fp, cdr: { value: '4-00000000000000cc', rows: 4 } };
    expect([dataChanged(closed, same), dataChanged(closed, late), dataChanged(base, late)]).toEqual([false, true, false]);
    const l = layoutReport(closed, { lang: 'en', generatedAtMs: Date.UTC(2026, 10, 3), live: late });
    expect(l.warning).toBe(
      "WARNING: the month's CDR rows changed since closing (fingerprint at closing 3-00000000000000bb, 3 rows; now 4-00000000000000cc, 4 rows). The call funnel is that of the closing.",
    );
    expect(l.definitions.find(([k]) => k === 'CDR fingerprint (funnel)')?.[1]).toBe('3-00000000000000bb (3 CDR rows)');
    // A month closed before the funnel was in the report: no section, no CDR line, no CDR warning.
    const old: MonthlyReport = { ...closed, fingerprint: { value: fp.value, stints: 2, scheme: 2 } };
    delete old.funnel;
    const lo = layoutReport(old, { lang: 'en', generatedAtMs: 0, live: late });
    expect([lo.funnel, lo.warning, lo.definitions.some(([k]) => k === 'CDR fingerprint (funnel)')]).toEqual([null, null, false]);
  });
});
