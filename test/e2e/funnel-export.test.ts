// The call funnel in the monthly indicator export (issue 16, kpi-definitions §13): the funnel
// sheet (XLSX) / section (CSV, PDF) carries the same figures GET /api/funnel answers for the month
// (one truth: both read store/funnel-query.ts), every configured service listed (zeros without
// calls), each column with its definition; a site without funnel services gets no section; a
// closed month keeps its funnel figures frozen, with the late-data warning when CDR rows arrive
// after closing. Real embedded ClickHouse, the dashboard routes wired as the composition root wires
// them, the files read back (exceljs, pdftotext).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CdrRecord } from '@tablero/ingest/contract';
import { createStore, parseFunnelConfig, queryFunnel, type FunnelConfig } from '@tablero/processor';
import type { FunnelRow } from '@tablero/processor/contract';
import { buildApp } from '../../dashboard/server/app.ts';
import { captureLog, login, seedUsers, SECRET, TestBus, type LoggedIn } from '../../dashboard/server/testing/support.ts';
import type { DashboardDeps } from '../../dashboard/server/types.ts';
import { reportsPort } from '../../src/commands/export.ts';
import { freshClickHouse } from '../support/clickhouse.ts';

const TZ = 'America/La_Paz';
const T0 = Date.UTC(2026, 9, 5, 14) / 1000; // Monday 2026-10-05 10:00 in La Paz
const NOW_MS = Date.UTC(2026, 10, 3, 12); // 2026-11-03: October is over
const parsed = parseFunnelConfig({
  lpz: {
    services: [
      { service: '101', dids: ['591244101'], agent_options: ['0'] },
      { service: '102', dids: ['591244102'], agent_options: ['0'] },
    ],
    ivr: { source: 'userfield' },
  },
});
if (!parsed.ok) throw new Error(parsed.errors.join('; '));
const FUNNEL = parsed.value as FunnelConfig;
const READ = { defaultTz: TZ, defaultSite: 'lpz', funnel: FUNNEL, now: () => NOW_MS };

/** One inbound leg to the 101 DID (Asterisk 1.8 shape: no linkedid) with its IVR option in the userfield. */
const leg = (i: number, option: string, start = T0 + i * 600): CdrRecord => ({
  event_id: `fx:${i}`, site: 'lpz', source: '/var/log/asterisk/cdr-csv/Master.csv', offset: i, layout: 'csv18', accountcode: '', src: `7000000${i}`,
  dst: '591244101', dcontext: 'from-pstn', clid: '', channel: `SIP/trunk-0000000${i}`, dstchannel: '', lastapp: option === '0' ? 'Queue' : 'Hangup', lastdata: '',
  start, answer: start, end: start + 120, duration: 120, billsec: 120, disposition: 'ANSWERED', amaflags: 'DOCUMENTATION',
  uniqueid: `${T0}.${i}`, userfield: option, peeraccount: '', linkedid: '', sequence: null,
});

let ch: Awaited<ReturnType<typeof freshClickHouse>>;
let app: Awaited<ReturnType<typeof buildApp>>;
let manager: LoggedIn;
let tmp: string;

function deps(funnel: FunnelConfig): DashboardDeps {
  const log = captureLog().log;
  return {
    bus: new TestBus(), ch, log, now: () => NOW_MS, queryKpis: async () => [],
    funnel: (q) => queryFunnel(ch, q, READ),
    exports: reportsPort(ch, log, 'lpz', TZ, join(tmpdir(), 'tablero-exports'), null, funnel),
  };
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'funnel-export-'));
  ch = await freshClickHouse();
  await seedUsers(ch);
  const store = createStore(ch);
  // Three calls to 101: one ended in the IVR (option 1), one answered in q101 after 15 s, one abandoned there.
  await store.insertCdr([leg(0, '1'), leg(1, '0'), leg(2, '0')], 'funnel-export-cdr');
  const stint = (i: number, outcome: string, wait: number) => ({
    stint_id: `s${i}`, site: 'lpz', queue: 'q101', callid: `${T0}.${i}`, enter_ts: T0 + i * 600 + 10, end_ts: T0 + i * 600 + 100,
    outcome, wait_s: wait, talk_s: outcome === 'answered' ? 60 : null, agent: outcome === 'answered' ? 'Ana' : '', caller: `7000000${i}`,
    transferred: false, enter_seen: true, end_event_id: `e${i}`,
  });
  await store.insertStints([stint(1, 'answered', 15), stint(2, 'abandoned', 40)] as Parameters<typeof store.insertStints>[0], 0, 'funnel-export-stints');
  app = await buildApp(deps(FUNNEL), { sessionSecret: SECRET, siteTz: TZ });
  manager = await login(app, 'mario');
});
afterAll(async () => {
  await app?.close();
  await ch?.dispose();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const get = (a: typeof app, url: string, s: LoggedIn = manager) => a.inject({ method: 'GET', url, headers: { cookie: s.cookie } });
const COUNTS = ['ingresadas', 'ivr_only', 'asked_agent', 'lost_before_queue', 'refused', 'offered', 'answered', 'answered_within', 'abandoned', 'other_exit'] as const;

async function apiFunnel(): Promise<FunnelRow[]> {
  const res = await get(app, '/api/funnel?from=2026-10-01&to=2026-11-01&by=month');
  expect(res.statusCode).toBe(200);
  return res.json() as FunnelRow[];
}

async function exportFile(a: typeof app, format: 'csv' | 'xlsx' | 'pdf', lang: 'es' | 'en', s: LoggedIn = manager): Promise<Buffer> {
  const res = await get(a, `/api/exports/monthly?month=2026-10&format=${format}&lang=${lang}`, s);
  expect(res.statusCode).toBe(200);
  return res.rawPayload;
}

/** The funnel section of a CSV export: its lines from the title to the blank line after it. */
function csvSection(csv: string, title: string): string[] {
  const lines = csv.split('\r\n');
  const at = lines.indexOf(title);
  expect(at).toBeGreaterThan(0);
  return lines.slice(at, lines.indexOf('', at));
}

async function xlsxRows(body: Buffer, sheet: string): Promise<unknown[][]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(body as unknown as ExcelJS.Buffer);
  const ws = wb.getWorksheet(sheet);
  expect(ws).toBeDefined();
  const out: unknown[][] = [];
  ws?.eachRow({ includeEmpty: true }, (row) => out.push((row.values as unknown[]).slice(1)));
  return out;
}

describe('the funnel in the monthly export', () => {
  it('CSV (es): one row per configured service with the figures of GET /api/funnel for the month, each column defined', async () => {
    const api = await apiFunnel();
    // /api/funnel: 101 (A ended in the IVR, B answered in 15 s, C abandoned), and 102, configured, with its zero row.
    expect(api.map((r) => [r.service, r.period, ...COUNTS.map((k) => r[k])])).toEqual([
      ['101', '2026-10', 3, 1, 2, 0, 0, 2, 1, 1, 1, 0],
      ['102', '2026-10', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    ]);
    const csv = (await exportFile(app, 'csv', 'es')).toString('utf8');
    const section = csvSection(csv, 'Embudo de llamadas por servicio (CDR)');
    expect(section.slice(0, 4)).toEqual([
      'Embudo de llamadas por servicio (CDR)',
      'Servicio;Ingresadas;Solo IVR;Pidieron agente;Perdidas antes de la cola;Rechazadas por la cola;Ofrecidas a la cola;Atendidas por agente;Atendidas dentro de T;Abandonadas en cola;Otra salida de la cola;Ingresadas por opción del IVR;T por cola;Contextos de entrada;Números marcados (DID);Fuente de la opción del IVR;Opciones que piden agente',
      '101;3;1;2;0;0;2;1;1;1;0;"0: 2; 1: 1";q101 20 s;(cualquiera);591244101;userfield;0',
      '102;0;0;0;0;0;0;0;0;0;0;;;(cualquiera);591244102;userfield;0',
    ]);
    // One truth: the export's counts are /api/funnel's, a service absent there has none.
    const exported = section.slice(2, 4).map((l) => l.split(';'));
    for (const [service, ...cells] of exported) {
      const row = api.find((r) => r.service === service);
      expect(cells.slice(0, COUNTS.length).map(Number)).toEqual(COUNTS.map((k) => (row ? row[k] : 0)));
    }
    // Then each column's definition (17 columns), the identities and the source.
    // label;value, the value quoted when it holds the separator (it holds no quote).
    const defs = new Map(section.slice(4).map((l) => [l.slice(0, l.indexOf(';')), l.slice(l.indexOf(';') + 1).replace(/^"(.*)"$/, '$1')]));
    expect(defs.size).toBe(19);
    expect(defs.get('Solo IVR')).toBe('ingresadas - pidieron agente: terminaron sin pedir agente (atención automática o colgaron en el IVR)');
    expect(defs.get('Identidades')).toBe(
      'ingresadas = solo IVR + pidieron agente; pidieron agente = ofrecidas + rechazadas + perdidas antes de la cola; ofrecidas = atendidas + abandonadas + otra salida',
    );
  });

  it('XLSX (en): a "Call funnel" sheet with numbers that equal GET /api/funnel', async () => {
    const api = await apiFunnel();
    const rows = await xlsxRows(await exportFile(app, 'xlsx', 'en'), 'Call funnel');
    expect(rows[0]?.slice(0, 4)).toEqual(['Service', 'Inbound calls', 'IVR only', 'Asked for an agent']);
    expect(rows[1]).toEqual(['101', ...COUNTS.map((k) => api[0]?.[k]), '0: 2; 1: 1', 'q101 20 s', '(any)', '591244101', 'userfield', '0']);
    expect(rows[2]).toEqual(['102', ...COUNTS.map(() => 0), undefined, undefined, '(any)', '591244102', 'userfield', '0']);
    // The definitions below the table, one per column.
    const defs = new Map(rows.slice(4).filter((r) => typeof r[0] === 'string').map((r) => [r[0], r[1]]));
    expect(defs.get('Answered within T')).toBe("its first answered stint's wait is within that queue's T in force when it entered");
    expect(defs.get('Source')).toMatch(/^Tablero's docs\/kpi-definitions\.md §13; the same rows as GET \/api\/funnel/);
  });

  it('PDF (en, es): a funnel page with the counts, each service\'s definition and the column definitions', async () => {
    const text = (lang: 'es' | 'en', body: Buffer): string => {
      const file = join(tmp, `funnel-${lang}.pdf`);
      writeFileSync(file, body);
      return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    };
    const en = text('en', await exportFile(app, 'pdf', 'en'));
    expect(en).toContain('Call funnel by service (CDR)');
    expect(en).toMatch(/\n\s*101\s+3\s+1\s+2\s+0\s+0\s+2\s+1\s+1\s+1\s+0\n/);
    expect(en).toMatch(/\n\s*102\s+0\s+0\s+0\s+0\s+0\s+0\s+0\s+0\s+0\s+0\n/);
    expect(en).toMatch(/101 · Inbound calls by IVR option\s+0: 2; 1: 1\n/);
    expect(en).toMatch(/102 · Inbound calls by IVR option\s*\n/);
    expect(en).toMatch(/Lost before the queue\s+asked for an agent and has no queue stint/);
    const es = text('es', await exportFile(app, 'pdf', 'es'));
    expect(es).toContain('Embudo de llamadas por servicio (CDR)');
    expect(es).toMatch(/\n\s*101\s+3\s+1\s+2\s+0\s+0\s+2\s+1\s+1\s+1\s+0\n/);
  });

  it('a site without funnel services gets no funnel section (the report as before the funnel)', async () => {
    const bare = await buildApp(deps({}), { sessionSecret: SECRET, siteTz: TZ });
    try {
      const s = await login(bare, 'mario');
      const csv = (await exportFile(bare, 'csv', 'es', s)).toString('utf8');
      expect(csv).not.toContain('Embudo');
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load((await exportFile(bare, 'xlsx', 'en', s)) as unknown as ExcelJS.Buffer);
      expect(wb.worksheets.map((w) => w.name)).toEqual(['Summary', 'By day', 'By hour', 'By agent', 'Definitions']);
    } finally {
      await bare.close();
    }
  });

  it('a closed month keeps its funnel figures; a CDR row stored after closing changes /api/funnel, not the export, and raises the warning', async () => {
    const close = await app.inject({ method: 'POST', url: '/api/months/2026-10/close', headers: { cookie: manager.cookie, 'x-csrf-token': manager.csrf }, payload: {} });
    expect(close.statusCode).toBe(201);
    const before = csvSection((await exportFile(app, 'csv', 'es')).toString('utf8'), 'Embudo de llamadas por servicio (CDR)');
    // A late call to 101 on 2026-10-20, ended in the IVR.
    await createStore(ch).insertCdr([leg(3, '1', T0 + 15 * 86_400)], 'funnel-export-late');
    expect((await apiFunnel()).map((r) => [r.service, r.ingresadas, r.ivr_only])).toEqual([['101', 4, 2], ['102', 0, 0]]);
    const res = await get(app, '/api/exports/monthly?month=2026-10&format=csv&lang=es');
    const csv = res.body;
    expect(csvSection(csv, 'Embudo de llamadas por servicio (CDR)')).toEqual(before);
    expect(before[2]).toBe('101;3;1;2;0;0;2;1;1;1;0;"0: 2; 1: 1";q101 20 s;(cualquiera);591244101;userfield;0');
    // The stints did not change: the warning names the CDR rows alone (3 at closing, 4 now).
    expect(csv.split('\r\n')[1]).toMatch(/^"ADVERTENCIA: los registros CDR del mes cambiaron desde el cierre \(huella al cierre 3-[0-9a-f]{16}, 3 registros; ahora 4-[0-9a-f]{16}, 4 registros\)\. El embudo de llamadas es el del cierre\."$/);
    const months = (await get(app, '/api/months')).json() as Array<{ month: string; data_changed: boolean }>;
    expect(months.find((m) => m.month === '2026-10')?.data_changed).toBe(true);
  });
});
