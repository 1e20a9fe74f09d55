// The call funnel on hand-worked CDR leg sets (kpi-definitions §13), one site per Asterisk era:
// 1.8 (cdr_csv 18 columns, one row per channel, no linkedid: grouped by uniqueid; IVR option in
// the userfield), 13 without newcdrcolumns (18 columns, several rows per caller uniqueid: ringall
// attempts, a row after a transfer; IVR option in the lastdata of Playback) and 18+ (21 columns:
// linkedid and sequence, queue members through Local channels; IVR option from queue_log events).
// Each era plays the same eight calls, parsed by ingest's real parsers and stored by the real
// processor:
//   A  IVR only: option 1 (recorded information), hangs up                      service 101
//   B  IVR option 2 (agent) -> q101 -> answered after 12 s                       service 101
//   C  IVR option 2 -> q101 -> abandoned after 40 s                              service 101
//   D  IVR option 0 -> q102 answered after 30 s -> blind transfer -> q101 answered after 5 s  service 102
//   E  straight to q102 (no IVR) -> answered after 8 s                           service 102
//   F  outbound: an agent dials out (to the 101 DID in 18+): not an inbound call  none
//   G  IVR option 2 (agent) -> hangs up before Queue(): lost between IVR and queue service 101
//   H  IVR option 0 -> q102 CLOSED (custom refused verb): refused                service 102
// T is 20 s (default) in q101 and 30 s in q102 (configured), so D (first answered in q102 at 30 s)
// is within T only by q102's own T; B and E are within, and the transfer does not count D twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FunnelRow } from '../contract.ts';
import { freshClickHouse } from '../testing/clickhouse.ts';
import { HAND_WORKED_READ, storeLegSets } from '../testing/funnel-store.ts';
import { queryFunnel, type FunnelReadOptions } from './funnel-query.ts';
import type { ClickHouse } from '@tablero/sql';
import { funnelLegSets } from '../testing/cdr-legs.ts';

const T = Date.UTC(2026, 10, 9, 14, 0, 0) / 1000;

const { a18, a13, a20 } = funnelLegSets(T);

const OPTS: FunnelReadOptions = { defaultTz: 'UTC', ...HAND_WORKED_READ };

let ch: ClickHouse & { dispose(): Promise<void> };
beforeAll(async () => {
  ch = await freshClickHouse();
  await storeLegSets(ch, { a18, a13, a20 }, T + 3600);
});
afterAll(async () => {
  await ch?.dispose();
});

const counts = (r: FunnelRow): number[] => [
  r.ingresadas, r.ivr_only, r.asked_agent, r.lost_before_queue, r.refused, r.offered, r.answered, r.answered_within, r.abandoned, r.other_exit,
];
//                  ingresadas ivr_only asked lost refused offered answered within abandoned other
const S101 = [4, 1, 3, 1, 0, 2, 1, 1, 1, 0]; // A | B C G | G | B C | B | B | C
const S102 = [3, 0, 3, 0, 1, 2, 2, 2, 0, 0]; // D E H | H | D E | D E | D (q102 T 30) E

describe('call funnel (hand-worked leg sets)', () => {
  it.each([
    ['a18', 'Asterisk 1.8, no linkedid, option in userfield', [{ option: '1', calls: 1 }, { option: '2', calls: 3 }], [{ option: '', calls: 1 }, { option: '0', calls: 2 }]],
    ['a13', 'Asterisk 13, no linkedid, option in Playback lastdata', [{ option: '', calls: 2 }, { option: '1', calls: 1 }, { option: '2', calls: 1 }], [{ option: '', calls: 3 }]],
    ['a20', 'Asterisk 18+, linkedid, option from queue_log', [{ option: '1', calls: 1 }, { option: '2', calls: 3 }], [{ option: '', calls: 1 }, { option: '0', calls: 2 }]],
  ])('%s (%s): the same eight calls give the same funnel', async (site, _what, options101, options102) => {
    const rows = await queryFunnel(ch, { from: '2026-11-09', to: '2026-11-10', site, tz: 'UTC' }, OPTS);
    expect(rows.map((r) => [r.service, r.period, counts(r)])).toEqual([
      ['101', '2026-11-09', S101],
      ['102', '2026-11-09', S102],
    ]);
    expect(rows.map((r) => r.by_option)).toEqual([options101, options102]);
    // The identities every row keeps.
    for (const r of rows) {
      expect(r.ingresadas).toBe(r.ivr_only + r.asked_agent);
      expect(r.asked_agent).toBe(r.offered + r.refused + r.lost_before_queue);
      expect(r.offered).toBe(r.answered + r.abandoned + r.other_exit);
    }
    expect(rows.map((r) => r.definition.thresholds)).toEqual([
      [{ queue: 'q101', threshold_s: 20, strict: false, settings_version: 0 }],
      [{ queue: 'q102', threshold_s: 30, strict: false, settings_version: 0 }],
    ]);
  });

  it('states its definition in each row', async () => {
    const [row] = await queryFunnel(ch, { from: '2026-11-09', to: '2026-11-10', site: 'a20', tz: 'UTC', services: ['101'] }, OPTS);
    expect(row?.definition).toEqual({
      site: 'a20', tz: 'UTC', contexts: ['from-pstn'], dids: ['6014400101'], ivr_source: 'queue_log:IVROPTION', agent_options: ['0', '2'],
      grouping: 'linkedid_else_uniqueid', thresholds: [{ queue: 'q101', threshold_s: 20, strict: false, settings_version: 0 }], spans_change: false,
    });
  });

  it('by 15-minute interval: a call belongs to the period of its first leg', async () => {
    const rows = await queryFunnel(ch, { from: '2026-11-09', to: '2026-11-10', site: 'a20', tz: 'UTC', by: 'interval' }, OPTS);
    // 14:00-14:15: A B C (101), D E (102); 14:15-14:30: G (101), H (102).
    expect(rows.map((r) => [r.service, r.period, r.ingresadas, r.answered, r.lost_before_queue, r.refused])).toEqual([
      ['101', '2026-11-09T14:00', 3, 1, 0, 0],
      ['101', '2026-11-09T14:15', 1, 0, 1, 0],
      ['102', '2026-11-09T14:00', 2, 2, 0, 0],
      ['102', '2026-11-09T14:15', 1, 0, 0, 1],
    ]);
  });

  it('a range that ends before a call began does not count it; an unknown service is refused', async () => {
    const rows = await queryFunnel(ch, { from: '2026-11-09T14:00', to: '2026-11-09T14:10', site: 'a18', tz: 'UTC' }, OPTS);
    // Calls starting before 14:10: A B C (101) and D (102, starts 14:08:20).
    expect(rows.map((r) => [r.service, r.ingresadas])).toEqual([['101', 3], ['102', 1]]);
    await expect(queryFunnel(ch, { from: '2026-11-09', to: '2026-11-10', site: 'a18', services: ['999'] }, OPTS)).rejects.toThrow("no service '999'");
  });
});
