// GET /api/funnel (and GET /api/fcr) against a real embedded ClickHouse, read by the processor's funnel query wired
// as the composition root wires it: the rows equal the query's own (one truth), every logged-in
// role reads them, every bad parameter is a 400 naming it, and a process without the read says 503.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { DEFAULT_TYPIFICATION, createStore, parseFunnelConfig, queryFcr, queryFunnel, type FunnelConfig } from '@tablero/processor';
import type { CdrRecord } from '@tablero/ingest/contract';
import type { FunnelRow } from '@tablero/processor/contract';
import { buildApp } from './app.ts';
import type { DashboardDeps } from './types.ts';
import { SECRET, TestBus, captureLog, loginEachRole, openTestDb, seedUsers, type TestDb, type Who } from './testing/support.ts';

const TZ = 'America/La_Paz';
const T0 = Date.UTC(2026, 9, 5, 14) / 1000; // Monday 2026-10-05 10:00 in La Paz
const FUNNEL = parseFunnelConfig({ lpz: { services: [{ service: '101', dids: ['591244101'], agent_options: ['0'] }], ivr: { source: 'userfield' } } });
if (!FUNNEL.ok) throw new Error(FUNNEL.errors.join('; '));
const READ = { defaultTz: TZ, defaultSite: 'lpz', funnel: FUNNEL.value as FunnelConfig };

/** One inbound leg to the 101 DID (Asterisk 1.8 shape: no linkedid) with its IVR option in the userfield. */
const leg = (i: number, option: string): CdrRecord => ({
  event_id: `fpc:${i}`, site: 'lpz', source: '/var/log/asterisk/cdr-csv/Master.csv', offset: i, layout: 'csv18', accountcode: '', src: `7000000${i}`,
  dst: '591244101', dcontext: 'from-pstn', clid: '', channel: `SIP/trunk-0000000${i}`, dstchannel: '', lastapp: option === '0' ? 'Queue' : 'Hangup', lastdata: '',
  start: T0 + i * 600, answer: T0 + i * 600, end: T0 + i * 600 + 120, duration: 120, billsec: 120, disposition: 'ANSWERED', amaflags: 'DOCUMENTATION',
  uniqueid: `${T0}.${i}`, userfield: option, peeraccount: '', linkedid: '', sequence: null,
});

let db: TestDb;
let app: FastifyInstance;
let as: (who: Who) => Record<string, string>;

beforeAll(async () => {
  db = await openTestDb();
  await seedUsers(db.ch);
  const store = createStore(db.ch);
  // Three calls: one ended in the IVR (option 1), one answered in q101 after 15 s, one abandoned there.
  await store.insertCdr([leg(0, '1'), leg(1, '0'), leg(2, '0')], 'funnel-route-cdr');
  const stint = (i: number, outcome: string, wait: number) => ({
    stint_id: `s${i}`, site: 'lpz', queue: 'q101', callid: `${T0}.${i}`, enter_ts: T0 + i * 600 + 10, end_ts: T0 + i * 600 + 100,
    outcome, wait_s: wait, talk_s: outcome === 'answered' ? 60 : null, agent: outcome === 'answered' ? 'Ana' : '', caller: `7000000${i}`,
    transferred: false, enter_seen: true, end_event_id: `e${i}`,
  });
  await store.insertStints([stint(1, 'answered', 15), stint(2, 'abandoned', 40)] as Parameters<typeof store.insertStints>[0], 0, 'funnel-route-stints');
  const deps: DashboardDeps = {
    bus: new TestBus(),
    ch: db.ch,
    log: captureLog().log,
    queryKpis: async () => [],
    funnel: (q) => queryFunnel(db.ch, q, READ),
    fcr: (q) => queryFcr(db.ch, q, { ...READ, typification: DEFAULT_TYPIFICATION }),
  };
  app = await buildApp(deps, { sessionSecret: SECRET, siteTz: TZ });
  as = await loginEachRole(app);
});
afterAll(async () => {
  await app?.close();
  await db?.cleanup();
});

const get = (url: string, who: Who = 'manager') => app.inject({ method: 'GET', url, headers: as(who) });
const RANGE = 'from=2026-10-01&to=2026-11-01';

describe('GET /api/funnel', () => {
  it('every logged-in role reads it; nobody else', async () => {
    const WHO: Who[] = ['anon', 'admin', 'manager', 'supervisor', 'qa_analyst'];
    expect(await Promise.all(WHO.map(async (w) => (await get(`/api/funnel?${RANGE}`, w)).statusCode))).toEqual([401, 200, 200, 200, 200]);
  });

  it('answers the funnel query rows as they are', async () => {
    const res = await get(`/api/funnel?${RANGE}&by=month&service=101`);
    expect(res.statusCode).toBe(200);
    const rows = res.json() as FunnelRow[];
    expect(rows).toEqual(await queryFunnel(db.ch, { from: '2026-10-01', to: '2026-11-01', by: 'month', services: ['101'] }, READ));
    expect(rows.map((r) => [r.service, r.period, r.ingresadas, r.ivr_only, r.asked_agent, r.offered, r.answered, r.answered_within, r.abandoned, r.by_option])).toEqual([
      ['101', '2026-10', 3, 1, 2, 2, 1, 1, 1, [{ option: '0', calls: 2 }, { option: '1', calls: 1 }]],
    ]);
    expect(rows[0]?.definition).toMatchObject({ site: 'lpz', tz: TZ, dids: ['591244101'], ivr_source: 'userfield', thresholds: [{ queue: 'q101', threshold_s: 20, strict: false, settings_version: 0 }] });
  });

  it.each([
    ['from=2026-10-01', 'bad query parameter to: is required'],
    [`${RANGE}&queue=101`, 'bad query parameter queue: unknown parameter'],
    [`${RANGE}&by=week`, 'bad query parameter by: must be one of month, day, hour, interval'],
    [`${RANGE}&service=${'x'.repeat(65)}`, 'bad query parameter service: must be a name of 1 to 64 characters'],
    [`${RANGE}&service=999`, "bad query parameter service: no service '999' is configured for site lpz"],
    [`${RANGE}&tz=Mars/Olympus`, 'bad query parameter tz: must be an IANA time zone'],
  ])('%s -> 400 %s', async (query, message) => {
    const res = await get(`/api/funnel?${query}`);
    expect([res.statusCode, res.json()]).toEqual([400, { code: 'TABLERO_ERR_BAD_QUERY', message }]);
  });

  it('503 in a process without the funnel read', async () => {
    const bare = await buildApp({ bus: new TestBus(), ch: db.ch, log: captureLog().log, queryKpis: async () => [] }, { sessionSecret: SECRET, siteTz: TZ });
    try {
      const who = await loginEachRole(bare);
      const res = await bare.inject({ method: 'GET', url: `/api/funnel?${RANGE}`, headers: who('manager') });
      expect([res.statusCode, (res.json() as { code: string }).code]).toEqual([503, 'TABLERO_ERR_FUNNEL_UNAVAILABLE']);
    } finally {
      await bare.close();
    }
  });
});

describe('GET /api/fcr', () => {
  it('every logged-in role reads the processor rows; a bad parameter is a 400 naming it', async () => {
    const WHO: Who[] = ['anon', 'admin', 'manager', 'supervisor', 'qa_analyst'];
    expect(await Promise.all(WHO.map(async (w) => (await get(`/api/fcr?${RANGE}`, w)).statusCode))).toEqual([401, 200, 200, 200, 200]);
    const res = await get(`/api/fcr?${RANGE}&by=month&queue=q101`);
    expect(res.json()).toEqual(await queryFcr(db.ch, { from: '2026-10-01', to: '2026-11-01', by: 'month', queues: ['q101'] }, { ...READ, typification: DEFAULT_TYPIFICATION }));
    // One answered call (stint 1), not typified, its caller never called again: measured 100 %.
    expect((res.json() as Array<Record<string, unknown>>).map((r) => [r.queue, r.period, r.answered, r.typified, r.eligible, r.measured_fcr_pct])).toEqual([['q101', '2026-10', 1, 0, 1, 100]]);
    const bad = await get(`/api/fcr?${RANGE}&service=101`);
    expect([bad.statusCode, bad.json()]).toEqual([400, { code: 'TABLERO_ERR_BAD_QUERY', message: 'bad query parameter service: unknown parameter' }]);
  });
});
