// GET /api/funnel/calls on the hand-worked calls A-H (processor/src/testing/cdr-legs.ts, stored by
// the real processor) against a real embedded ClickHouse, wired as the composition root wires it:
// for every count column of every row GET /api/funnel answers (by day and by 15 minutes, an
// Asterisk 1.8 site and an 18+ one), and for every IVR option cell, the list's total and its
// number of rows equal the figure ("One truth": both read queries/funnel-calls-judged.sql).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { FUNNEL_FIGURES, maskCaller, type FunnelCallsPage, type FunnelRow } from '@tablero/processor/contract';
import { queryFunnel, queryFunnelCalls, type FunnelReadOptions } from '@tablero/processor';
import { funnelLegSets } from '../../processor/src/testing/cdr-legs.ts';
import { HAND_WORKED_READ, storeLegSets } from '../../processor/src/testing/funnel-store.ts';
import { buildApp } from './app.ts';
import type { DashboardDeps } from './types.ts';
import { SECRET, TestBus, captureLog, loginEachRole, openTestDb, seedUsers, type TestDb, type Who } from './testing/support.ts';

const T = Date.UTC(2026, 10, 9, 14, 0, 0) / 1000; // call A's start: Monday 2026-11-09 14:00 UTC
const { a18, a20 } = funnelLegSets(T);
const READ: FunnelReadOptions = { defaultTz: 'UTC', defaultSite: 'a20', ...HAND_WORKED_READ };

let db: TestDb;
let app: FastifyInstance;
let as: (who: Who) => Record<string, string>;

beforeAll(async () => {
  db = await openTestDb();
  await seedUsers(db.ch);
  await storeLegSets(db.ch, { a18, a20 }, T + 3600);
  const deps: DashboardDeps = {
    bus: new TestBus(),
    ch: db.ch,
    log: captureLog().log,
    queryKpis: async () => [],
    funnel: (q) => queryFunnel(db.ch, q, READ),
    funnelCalls: (q) => queryFunnelCalls(db.ch, q, READ),
  };
  app = await buildApp(deps, { sessionSecret: SECRET, siteTz: 'UTC' });
  as = await loginEachRole(app);
});
afterAll(async () => {
  await app?.close();
  await db?.cleanup();
});

const get = (url: string, who: Who = 'manager') => app.inject({ method: 'GET', url, headers: as(who) });
const RANGE = 'from=2026-11-09&to=2026-11-10';
const list = async (query: string, who: Who = 'manager'): Promise<FunnelCallsPage> => {
  const res = await get(`/api/funnel/calls?${RANGE}&${query}`, who);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as FunnelCallsPage;
};
/** Call keys of a20 (Asterisk 18+: the linkedid, the caller's uniqueid `T+2.n`). */
const U20 = (n: number): string => `${T + 2}.${n}`;

describe('GET /api/funnel/calls', () => {
  it.each([
    ['a20', 'day'],
    ['a20', 'interval'],
    ['a18', 'day'],
  ])('%s by %s: every figure of every row lists exactly its calls', async (site, by) => {
    const rows = (await get(`/api/funnel?${RANGE}&site=${site}&by=${by}`)).json() as FunnelRow[];
    expect(rows.length).toBe(by === 'day' ? 2 : 4); // 101 and 102; by 15 minutes each has calls at 14:00 and 14:15
    let checked = 0;
    for (const r of rows) {
      const base = `site=${site}&by=${by}&service=${r.service}&period=${encodeURIComponent(r.period)}&limit=1000`;
      for (const figure of FUNNEL_FIGURES) {
        const page = await list(`${base}&figure=${figure}`);
        expect([r.service, r.period, figure, page.total, page.rows.length]).toEqual([r.service, r.period, figure, r[figure], r[figure]]);
        expect(new Set(page.rows.map((c) => c.call_key)).size).toBe(r[figure]);
        expect(page.definition).toEqual({ ...r.definition, figure, service: r.service, period: r.period, option: null });
        checked += r[figure];
      }
      for (const { option, calls } of r.by_option) {
        const page = await list(`${base}&figure=ingresadas&option=${encodeURIComponent(option)}`);
        expect([option, page.total, page.rows.length, page.rows.every((c) => c.option === option)]).toEqual([option, calls, calls, true]);
      }
    }
    expect(checked).toBeGreaterThan(0);
  });

  it('lists the calls themselves: 101 inbound (A B C G) and 102 answered within T (D E), in start order', async () => {
    // 101 ingresadas: A (option 1, IVR only), B (option 2, answered in q101 after 12 s), C (option
    // 2, abandoned in q101), G (IVR-appended option 2, hung up before the queue). F dialled the 101
    // DID from inside (from-internal): not inbound, not listed.
    const inbound = await list('service=101&period=2026-11-09&figure=ingresadas');
    expect(inbound.total).toBe(4);
    expect(inbound.rows.map((c) => [c.call_key, c.start, c.option, c.answer_queue, c.last_outcome])).toEqual([
      [U20(1), '2026-11-09T14:00:00.000Z', '1', '', ''],
      [U20(2), '2026-11-09T14:01:40.000Z', '2', 'q101', 'answered'],
      [U20(8), '2026-11-09T14:06:40.000Z', '2', '', 'abandoned'],
      [U20(16), '2026-11-09T14:18:20.000Z', '2', '', ''],
    ]);
    // B's legs in leg order: the caller's, then the Local legs of 201 (answered) and 202 (rang).
    expect(inbound.rows[1]?.uniqueids).toEqual([U20(2), U20(3), U20(4)]);
    // 102 answered within T: D (first answered in q102 at 30 s, q102's T is 30 s; transferred to
    // q101 afterwards, counted once) and E (answered in q102 after 8 s). H (CLOSED) is refused.
    const within = await list('service=102&period=2026-11-09&figure=answered_within');
    expect([within.total, within.rows.map((c) => [c.call_key, c.answer_queue, c.uniqueids[0]])]).toEqual([2, [[U20(10), 'q102', U20(10)], [U20(14), 'q102', U20(14)]]]);
  });

  it('pages by limit and offset without changing the total', async () => {
    const page = await list('service=101&period=2026-11-09&figure=ingresadas&limit=2&offset=2');
    expect([page.total, page.rows.map((c) => c.call_key)]).toEqual([4, [U20(8), U20(16)]]);
    const past = await list('service=101&period=2026-11-09&figure=ingresadas&limit=2&offset=4');
    expect([past.total, past.rows]).toEqual([4, []]);
  });

  it('every logged-in role reads it; callers masked as in /api/calls for roles that do not see them', async () => {
    const WHO: Who[] = ['anon', 'admin', 'manager', 'supervisor', 'qa_analyst'];
    const url = `/api/funnel/calls?${RANGE}&service=101&period=2026-11-09&figure=answered`;
    expect(await Promise.all(WHO.map(async (w) => (await get(url, w)).statusCode))).toEqual([401, 200, 200, 200, 200]);
    const src = async (w: Who) => (await list('service=101&period=2026-11-09&figure=answered', w)).rows.map((c) => c.src);
    expect([await src('manager'), await src('supervisor'), await src('qa_analyst')]).toEqual([['3001110000'], ['3001110000'], [maskCaller('3001110000')]]);
    expect(maskCaller('3001110000')).toBe('*******000');
  });

  it.each([
    ['service=101&period=2026-11-09', 'bad query parameter figure: must be one of ingresadas, ivr_only, asked_agent, lost_before_queue, refused, offered, answered, answered_within, abandoned, other_exit'],
    ['service=101&period=2026-11-09&figure=calls', 'bad query parameter figure: must be one of ingresadas, ivr_only, asked_agent, lost_before_queue, refused, offered, answered, answered_within, abandoned, other_exit'],
    ['period=2026-11-09&figure=answered', 'bad query parameter service: is required'],
    ['service=101&figure=answered', 'bad query parameter period: is required'],
    ['service=101&period=2026-11&figure=answered', "bad query parameter period: period '2026-11' is not a period of by=day"],
    ['service=999&period=2026-11-09&figure=answered', "bad query parameter service: no service '999' is configured for site a20"],
    ['service=101&period=2026-11-09&figure=answered&limit=0', 'bad query parameter limit: must be a whole number from 1 to 1000'],
    ['service=101&period=2026-11-09&figure=answered&offset=-1', 'bad query parameter offset: must be a whole number from 0 to 10000000'],
    ['service=101&period=2026-11-09&figure=answered&queue=q101', 'bad query parameter queue: unknown parameter'],
  ])('%s -> 400 %s', async (query, message) => {
    const res = await get(`/api/funnel/calls?${RANGE}&${query}`);
    expect([res.statusCode, res.json()]).toEqual([400, { code: 'TABLERO_ERR_BAD_QUERY', message }]);
  });

  it('503 in a process without the list read', async () => {
    const bare = await buildApp({ bus: new TestBus(), ch: db.ch, log: captureLog().log, queryKpis: async () => [] }, { sessionSecret: SECRET, siteTz: 'UTC' });
    try {
      const who = await loginEachRole(bare);
      const res = await bare.inject({ method: 'GET', url: `/api/funnel/calls?${RANGE}&service=101&period=2026-11-09&figure=answered`, headers: who('manager') });
      expect([res.statusCode, (res.json() as { code: string }).code]).toEqual([503, 'TABLERO_ERR_FUNNEL_UNAVAILABLE']);
    } finally {
      await bare.close();
    }
  });
});
