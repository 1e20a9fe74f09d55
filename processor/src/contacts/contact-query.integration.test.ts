// Channel KPIs (kpi-definitions §15) on a hand-worked December 2026, from CSV text through the
// ingest push core, the contact consumer and a fresh chDB, read by the one query.
// Site `c`, America/Bogota (UTC-5, no DST). Calendar: Monday-Friday 08:00-18:00, Saturday
// 08:00-12:00, Sunday closed, holiday Tuesday 2026-12-08 (Inmaculada Concepción).
// Settings: defaults (chat 30 s wall inclusive, email 24 business hours = 86,400 s), and a version
// making webform 4 business hours strict (14,400 s, `<`).
//
// email (business seconds):
//   E1 Fri 12-04 16:00 -> Wed 12-09 10:00: Fri 2 h + Sat 4 h + Sun 0 + Mon 10 h + Tue holiday 0 +
//      Wed 2 h = 18 h = 64,800 s <= 86,400: within (wall: 4 d 18 h, it would not be). Ended 10:30: handle 1,800 s.
//   E2 Fri 12-04 17:00 -> Thu 12-10 09:00: 1 + 4 + 10 + 0 + 10 + 1 = 26 h = 93,600 s: not within. Ended 09:20: 1,200 s.
//   E3 Sat 12-05 20:00 (after hours) -> Mon 12-07 08:30: 0.5 h = 1,800 s: within. Still open (no end).
//   E4 Mon 12-07 09:00, closed without an answer on Wed 12:00.
//   E5 Wed 12-09 10:00, no response yet: waiting.
//   Month: received 5, answered 3, unanswered 1, waiting 1, within 2; closed 4 -> within 50 %;
//   first response avg (64,800 + 93,600 + 1,800) / 3 = 53,400 s, max 93,600; handled 2, avg 1,500 s.
// chat (wall seconds, 30 s inclusive):
//   C4 Sun 12-06 23:00:00 -> 23:00:10 (10 s, within; Sunday does not matter on the wall clock), end 23:10:10 (600 s).
//   C1 Mon 12-07 10:00:00 -> 10:00:30 (30 s: within, inclusive), end 10:05:30 (300 s); calidad 5, amabilidad 4.
//   C2 10:01:00 -> 10:01:31 (31 s: not within), end 10:03:31 (120 s); calidad 3.
//   C3 10:02:00 abandoned at 10:02:45.
//   Month: received 4, answered 3, abandoned 1, within 2 -> 50 %, abandon 25 %; frt avg 71 / 3 = 23.67,
//   max 31; handle avg 1,020 / 3 = 340; rated 2 of 3 answered = 66.67 %; calidad 2 answers mean 4,
//   CSAT 50 %; amabilidad 1 answer mean 4, CSAT 100 %; all answers 2 of 3 are 4-5 = 66.67 %.
// webform: W1 Thu 12-10 16:00 -> Fri 12-11 10:00 = 2 h + 2 h = 14,400 s: not within a strict 14,400.
import type { IngestBus } from '@tablero/ingest';
import { createContactPushHandler } from '@tablero/ingest/contacts';
import { TABLES, type ClickHouse } from '@tablero/sql';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveCalendarVersion } from '../store/settings-store.ts';
import { TestBus } from '../testing/bus.ts';
import { freshClickHouse } from '../testing/clickhouse.ts';
import { queryContactKpis } from './contact-query.ts';
import { startContactConsumer } from './consumer.ts';
import { businessDays, businessSeconds } from './core/business-time.ts';
import { contactAcceptedLines, saveContactSettings } from './store/contact-store.ts';

const log = pino({ level: 'silent' });
const NOW_MS = Date.UTC(2026, 11, 15);
const OPTS = { defaultTz: 'UTC', defaultSite: 'c', now: () => NOW_MS };
const CAL = {
  tz: 'America/Bogota',
  weekly: [...Array.from({ length: 5 }, () => [{ from: '08:00', to: '18:00' }]), [{ from: '08:00', to: '12:00' }], []],
  holidays: ['2026-12-08'],
};

const CSV = `contact_id,channel,queue,arrived,first_response,ended,agent,outcome,rating_calidad,rating_amabilidad
E1,email,pqrs,2026-12-04 16:00,2026-12-09 10:00,2026-12-09 10:30,ana,answered,,
E2,Correo,pqrs,2026-12-04 17:00,2026-12-10 09:00,2026-12-10 09:20,ana,answered,,
E3,mailbox,pqrs,2026-12-05 20:00,2026-12-07 08:30,,luis,,,
E4,email,pqrs,2026-12-07 09:00,,2026-12-09 12:00,,unanswered,,
E5,email,pqrs,2026-12-09 10:00,,,,,,
C4,chat,web,2026-12-06 23:00:00,2026-12-06 23:00:10,2026-12-06 23:10:10,ana,answered,,
C1,chat,web,2026-12-07 10:00:00,2026-12-07 10:00:30,2026-12-07 10:05:30,ana,answered,5,4
C2,chat,web,2026-12-07 10:01:00,2026-12-07 10:01:31,2026-12-07 10:03:31,luis,answered,3,
C3,chat,web,2026-12-07 10:02:00,,2026-12-07 10:02:45,,abandoned,,
W1,webform,web,2026-12-10 16:00,2026-12-11 10:00,2026-12-11 10:05,ana,answered,,
`;

let ch: ClickHouse & { dispose(): Promise<void> };
let bus: TestBus;
let ingestBus: IngestBus;

beforeAll(async () => {
  ch = await freshClickHouse();
  await saveCalendarVersion(ch, { site: 'c', spec: CAL, validFromMs: 0, createdBy: 't', nowMs: NOW_MS });
  const saved = await saveContactSettings(ch, { site: 'c', patch: { webform: { threshold_s: 14_400, strict: true } }, validFromMs: 0, createdBy: 't', nowMs: NOW_MS });
  expect(saved).toEqual({ ok: true, version: 1 });
  bus = new TestBus();
  await startContactConsumer({ bus, ch, log });
  ingestBus = {
    ensureStream: async () => undefined,
    publish: async (subject, data, msgId) => {
      if (!(await bus.deliver(subject, Buffer.from(data).toString('utf8'), msgId))) throw new Error('not stored');
    },
  };
});
afterAll(async () => {
  await ch?.dispose();
});

const push = (body: unknown) => createContactPushHandler({ bus: ingestBus, log, now: () => NOW_MS })({ site: 'c', sourceName: 'crm', body, tz: 'America/Bogota' });

describe('channel KPIs, hand-worked December 2026', () => {
  it('stores the CSV; an earlier state of C1 sent later and the same body again change nothing', async () => {
    // C1 first as an open chat (arrived only): the final state later must replace it.
    expect(await push([{ contact_id: 'C1', channel: 'chat', queue: 'web', arrived: '2026-12-07 10:00:00' }])).toMatchObject({ accepted: 1, rejected: 0 });
    expect(await push(CSV)).toMatchObject({ accepted: 10, rejected: 0 });
    // Late: the open state again, then the whole CSV again.
    expect(await push([{ contact_id: 'C1', channel: 'chat', queue: 'web', arrived: '2026-12-07 10:00:00', first_response: '2026-12-07 10:00:30' }])).toMatchObject({ accepted: 1 });
    expect(await push(CSV)).toMatchObject({ accepted: 10, rejected: 0 });
    const [n] = await (await ch.client.query({ query: `SELECT count() AS n FROM ${TABLES.contacts} FINAL WHERE site = 'c'`, format: 'JSONEachRow' })).json<{ n: string }>();
    expect(Number(n?.n)).toBe(10);
    // The data quality page's accepted counts: per source, named like the source's rejected rows.
    expect(await contactAcceptedLines(ch, 0)).toEqual([{ site: 'c', source: 'contacts:push:crm', kind: 'contacts', lines: 10, last_event_s: Date.UTC(2026, 11, 10, 21) / 1000 }]);
  });

  it('business seconds of the calendar as worked by hand (weekend and holiday skipped)', () => {
    const spec = () => CAL;
    const days = businessDays(spec, Date.UTC(2026, 11, 1, 5) / 1000, Date.UTC(2027, 0, 1, 5) / 1000);
    const t = (d: number, h: number, m = 0) => Date.UTC(2026, 11, d, h + 5, m) / 1000;
    expect(businessSeconds(days, t(4, 16), t(9, 10))).toBe(64_800);
    expect(businessSeconds(days, t(4, 17), t(10, 9))).toBe(93_600);
    expect(businessSeconds(days, t(5, 20), t(7, 8, 30))).toBe(1_800);
    expect(businessSeconds(days, t(10, 16), t(11, 10))).toBe(14_400);
  });

  it('per channel for the month', async () => {
    const rows = await queryContactKpis(ch, { from: '2026-12-01', to: '2027-01-01', by: 'month' }, OPTS);
    expect(rows.map((r) => [r.channel, r.period])).toEqual([['chat', '2026-12'], ['email', '2026-12'], ['webform', '2026-12']]);
    const [chat, email, webform] = rows;
    expect(email).toMatchObject({
      received: 5, answered: 3, abandoned: 0, unanswered: 1, waiting: 1, answered_within: 2, within_pct: 50, abandon_pct: 0,
      first_response_avg_s: 53_400, first_response_max_s: 93_600, handled: 2, handle_avg_s: 1_500, rated: 0, rating_response_pct: 0, csat_pct: null, ratings: {},
      definition: { site: 'c', tz: 'America/Bogota', threshold_s: 86_400, basis: 'business', strict: false, settings_version: 1, spans_change: false },
    });
    expect(chat).toMatchObject({
      received: 4, answered: 3, abandoned: 1, unanswered: 0, waiting: 0, answered_within: 2, within_pct: 50, abandon_pct: 25,
      first_response_avg_s: 23.67, first_response_max_s: 31, handled: 3, handle_avg_s: 340, rated: 2, rating_response_pct: 66.67, csat_pct: 66.67,
      ratings: { calidad: { answers: 2, mean: 4, csat_pct: 50 }, amabilidad: { answers: 1, mean: 4, csat_pct: 100 } },
      definition: { threshold_s: 30, basis: 'wall', strict: false },
    });
    expect(webform).toMatchObject({ received: 1, answered: 1, answered_within: 0, within_pct: 0, first_response_avg_s: 14_400, definition: { threshold_s: 14_400, basis: 'business', strict: true } });
  });

  it('per day, and one channel only', async () => {
    const rows = await queryContactKpis(ch, { from: '2026-12-06', to: '2026-12-08', channels: ['chat'] }, OPTS);
    expect(rows.map((r) => [r.period, r.received, r.answered, r.answered_within, r.abandoned])).toEqual([
      ['2026-12-06', 1, 1, 1, 0],
      ['2026-12-07', 3, 2, 1, 1],
    ]);
    const hours = await queryContactKpis(ch, { from: '2026-12-06', to: '2026-12-08', channels: ['chat'], by: 'hour' }, OPTS);
    expect(hours.map((r) => [r.period, r.received])).toEqual([['2026-12-06T23', 1], ['2026-12-07T10', 3]]);
  });

  it('a settings change inside the range judges each contact by the version in force at arrival', async () => {
    // From Dec 5 email needs 2 business hours: E1 (Dec 4) keeps 24 h; E3 (0.5 h) stays within.
    await saveContactSettings(ch, { site: 'c', patch: { email: { threshold_s: 7_200 } }, validFromMs: Date.UTC(2026, 11, 5, 5), createdBy: 't', nowMs: NOW_MS });
    const [email] = await queryContactKpis(ch, { from: '2026-12-01', to: '2027-01-01', by: 'month', channels: ['email'] }, OPTS);
    expect(email).toMatchObject({ answered_within: 2, definition: { threshold_s: 7_200, settings_version: 2, spans_change: true } });
    const [before] = await queryContactKpis(ch, { from: '2026-12-01', to: '2026-12-05', by: 'month', channels: ['email'] }, OPTS);
    expect(before).toMatchObject({ received: 2, answered_within: 1, definition: { threshold_s: 86_400, settings_version: 1, spans_change: false } });
    // A newer version valid from an earlier time (Dec 3) wins from then on, as in the settings page's "in force".
    await saveContactSettings(ch, { site: 'c', patch: { email: { threshold_s: 70_000 } }, validFromMs: Date.UTC(2026, 11, 3, 5), createdBy: 't', nowMs: NOW_MS });
    const [later] = await queryContactKpis(ch, { from: '2026-12-01', to: '2027-01-01', by: 'month', channels: ['email'] }, OPTS);
    // E1 (64,800 s) within 70,000; E2 (93,600) not; E3 (1,800) within.
    expect(later).toMatchObject({ answered_within: 2, definition: { threshold_s: 70_000, settings_version: 3 } });
    const [early] = await queryContactKpis(ch, { from: '2026-12-01', to: '2026-12-05', by: 'month', channels: ['email'] }, OPTS);
    expect(early).toMatchObject({ answered_within: 1, definition: { threshold_s: 70_000, settings_version: 3, spans_change: true } });
  });
});
