// The campaign figures worked by hand (docs/kpi-definitions.md §16) on testing/credit-week.ts:
//
//   contact  attempts (time Bogotá, agent, code, source)                                  final
//   C1       03-02 09:00 SIP/1001 no_answer (leg L1); 03-03 10:00 SIP/1001 success (L2+R1) success
//   C2       03-02 11:00 SIP/1002 busy (L3);      03-03 11:30 SIP/1002 refused (L4+R2)    refused
//   C3       03-03 15:00 SIP/1001 wrong_number (L5+R3: R3 is 5 min after L5, window 10 min) wrong_number
//   C4       03-04 09:00 SIP/1002 no_answer (R4); 03-05 09:00 SIP/1002 callback (R5)      callback
//   C5       -                                                                           (none)
//
// list 5, attempted 4, attempts 7 (7/4 = 1.75 per contact), contacted C1 C2 C4 = 3
// (refused and callback are contacts, wrong_number is not), success C1 = 1:
// coverage 4/5 = 80 %, contact rate 3/4 = 75 %, effectiveness 1/3 = 33.33 %.
import { describe, expect, it } from 'vitest';
import { DEFAULT_RESULT_CODES, type CampaignContact } from '../contract.ts';
import { bog, LEGS, PREFIXES, TZ } from '../testing/credit-week.ts';
import { cdrCode, campaignNumbers, matchAttempts, type ContactLeg, type RecordedResult } from './figures.ts';
import { normalizePhone } from './phone.ts';
import { channelDevice } from '../service.ts';

const phones: Record<string, string> = { C1: '3001112233', C2: '3002223344', C3: '3003334455', C4: '3004445566', C5: '3005556677' };
const contacts: CampaignContact[] = Object.entries(phones).map(([contact_id, p]) => ({ contact_id, phone: p, phone_norm: p, fields: {} }));
const byPhone = new Map(Object.entries(phones).map(([id, p]) => [p, id]));

// The legs as the service keeps them: listed numbers after the phone rule, no Local/ channel, in the campaign's days.
const legs: ContactLeg[] = LEGS.filter((l) => !l.channel.startsWith('Local/') && l.start < bog(7, 0)).flatMap((l) => {
  const contact = byPhone.get(normalizePhone(l.dst, PREFIXES) ?? '');
  return contact === undefined ? [] : [{ contact_id: contact, at_s: l.start, agent: channelDevice(l.channel), disposition: l.disposition }];
});
const results: RecordedResult[] = [
  { contact_id: 'C1', at_s: bog(3, 10, 2), agent: 'SIP/1001', code: 'success' },
  { contact_id: 'C2', at_s: bog(3, 11, 31), agent: 'SIP/1002', code: 'refused' },
  { contact_id: 'C3', at_s: bog(3, 15, 5), agent: 'SIP/1001', code: 'wrong_number' },
  { contact_id: 'C4', at_s: bog(4, 9), agent: 'SIP/1002', code: 'no_answer' },
  { contact_id: 'C4', at_s: bog(5, 9), agent: 'SIP/1002', code: 'callback' },
];

describe('campaign attempts and figures (hand-worked)', () => {
  const attempts = matchAttempts(legs, results, 600);
  const n = campaignNumbers(contacts, attempts, DEFAULT_RESULT_CODES, TZ);

  it('matches results to their legs and keeps the rest as attempts of their own', () => {
    expect(legs.map((l) => l.contact_id)).toEqual(['C1', 'C1', 'C2', 'C2', 'C3']);
    expect(attempts.map((a) => [a.contact_id, a.at_s, a.agent, a.code, a.source])).toEqual([
      ['C1', bog(2, 9), 'SIP/1001', 'no_answer', 'cdr'],
      ['C2', bog(2, 11), 'SIP/1002', 'busy', 'cdr'],
      ['C1', bog(3, 10), 'SIP/1001', 'success', 'both'],
      ['C2', bog(3, 11, 30), 'SIP/1002', 'refused', 'both'],
      ['C3', bog(3, 15), 'SIP/1001', 'wrong_number', 'both'],
      ['C4', bog(4, 9), 'SIP/1002', 'no_answer', 'result'],
      ['C4', bog(5, 9), 'SIP/1002', 'callback', 'result'],
    ]);
  });

  it('counts the campaign', () => {
    expect(n.figures).toEqual({
      list_size: 5, attempted: 4, attempts: 7, attempts_per_contact: 1.75, contacted: 3, success: 1,
      coverage_pct: 80, contact_rate_pct: 75, effectiveness_pct: 33.33,
    });
  });

  it('counts by agent and by local day', () => {
    const cols = (r: (typeof n.by_agent)[number]) => [r.key, r.attempts, r.attempted, r.attempts_per_contact, r.contacted, r.success, r.contact_rate_pct, r.effectiveness_pct];
    expect(n.by_agent.map(cols)).toEqual([
      ['SIP/1001', 3, 2, 1.5, 1, 1, 50, 100],
      ['SIP/1002', 4, 2, 2, 2, 0, 100, 0],
    ]);
    expect(n.by_day.map(cols)).toEqual([
      ['2026-03-02', 2, 2, 1, 0, 0, 0, null],
      ['2026-03-03', 3, 3, 1, 2, 1, 66.67, 50],
      ['2026-03-04', 1, 1, 1, 0, 0, 0, null],
      ['2026-03-05', 1, 1, 1, 1, 0, 100, 0],
    ]);
  });

  it('gives each listed contact its final result, attempts, last attempt and agent', () => {
    expect(n.rows.map((r) => [r.contact_id, r.final_code, r.attempts, r.last_attempt_s, r.agent])).toEqual([
      ['C1', 'success', 2, bog(3, 10), 'SIP/1001'],
      ['C2', 'refused', 2, bog(3, 11, 30), 'SIP/1002'],
      ['C3', 'wrong_number', 1, bog(3, 15), 'SIP/1001'],
      ['C4', 'callback', 2, bog(5, 9), 'SIP/1002'],
      ['C5', '', 0, null, ''],
    ]);
    expect(n.final_codes).toEqual([
      { code: '', contacts: 1 }, { code: 'success', contacts: 1 }, { code: 'callback', contacts: 1 }, { code: 'refused', contacts: 1 }, { code: 'wrong_number', contacts: 1 },
    ]);
  });

  it('outside the window a result is an attempt of its own beside its leg', () => {
    const a = matchAttempts([{ contact_id: 'C1', at_s: 1000, agent: 'SIP/1001', disposition: 'ANSWERED' }], [{ contact_id: 'C1', at_s: 1601, agent: 'ana', code: 'success' }], 600);
    expect(a.map((x) => [x.at_s, x.code, x.source])).toEqual([[1000, 'contacted', 'cdr'], [1601, 'success', 'result']]);
    // Two results near one leg: the first typifies it, the second stands alone.
    const b = matchAttempts([{ contact_id: 'C1', at_s: 1000, agent: 'd', disposition: 'ANSWERED' }], [
      { contact_id: 'C1', at_s: 1010, agent: 'ana', code: 'callback' },
      { contact_id: 'C1', at_s: 1020, agent: 'ana', code: 'success' },
    ], 600);
    expect(b.map((x) => [x.at_s, x.code, x.source])).toEqual([[1000, 'callback', 'both'], [1020, 'success', 'result']]);
  });

  it.each([
    ['ANSWERED', 'contacted'], ['BUSY', 'busy'], ['NO ANSWER', 'no_answer'], ['FAILED', 'no_answer'], ['CONGESTION', 'no_answer'],
  ])('codes an untypified %s leg as %s', (d, code) => expect(cdrCode(d)).toBe(code));

  it('an empty list has no ratios', () => {
    expect(campaignNumbers([], [], DEFAULT_RESULT_CODES, TZ).figures).toEqual({
      list_size: 0, attempted: 0, attempts: 0, attempts_per_contact: null, contacted: 0, success: 0, coverage_pct: null, contact_rate_pct: null, effectiveness_pct: null,
    });
  });
});
