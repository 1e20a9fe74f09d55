// Contacts of other channels in the monthly indicator export (issue 17, kpi-definitions §15): the
// "Other channels" sheet (XLSX) / section (CSV, PDF) carries the figures GET /api/contacts/kpis
// answers for the month (one truth: both read contacts/contact-query.ts), each column with its
// definition and the ratings per dimension; a closed month keeps its channel figures when a contact
// arrives late. Real embedded ClickHouse, the dashboard routes wired as the composition root wires
// them, the files read back (exceljs, pdftotext).
// October 2026, La Paz (UTC-4), default calendar and settings (chat 30 s wall, email 24 business h):
//   C1 chat Mon 10-05 10:00, first response after 20 s (on time), ended after 200 s; calidad 4, amabilidad 5
//   C2 chat 10:10, abandoned after 30 s
//   E1 email 10:20, first response after 1 h (3,600 business s: the default calendar is open 24 h), ended 100 s later
//   chat: received 2, answered 1, abandoned 1, on time 1 -> 50 %, abandon 50 %, first response 20 s, handle 180 s,
//   rated 1 of 1 answered, satisfaction 2 of 2 answers = 100 %; email: 1, 1, 0, on time 1 -> 100 %, 3,600 s, 100 s.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contactVersion } from '@tablero/ingest/contacts';
import type { ContactRecord } from '@tablero/ingest/contract';
import { queryContactKpis } from '@tablero/processor';
import type { ContactKpiRow } from '@tablero/processor/contract';
import { buildApp } from '../../dashboard/server/app.ts';
import { captureLog, login, seedUsers, SECRET, TestBus, type LoggedIn } from '../../dashboard/server/testing/support.ts';
import { reportsPort } from '../../src/commands/export.ts';
import { freshClickHouse } from '../support/clickhouse.ts';

const TZ = 'America/La_Paz';
const T0 = Date.UTC(2026, 9, 5, 14) / 1000;
const NOW_MS = Date.UTC(2026, 10, 3, 12);

const contact = (id: string, channel: ContactRecord['channel'], arrived: number, fr: number, ended: number, outcome: ContactRecord['outcome'], ratings: Record<string, number> = {}): ContactRecord => ({
  site: 'lpz', source: 'import:crm', contact_id: id, channel, queue: 'q', arrived, first_response: fr, ended, agent: fr ? 'ana' : '', outcome, call_id: '', ticket_id: '',
  rating_dims: Object.keys(ratings), rating_scores: Object.values(ratings), version: contactVersion(arrived, fr, ended),
});

let ch: Awaited<ReturnType<typeof freshClickHouse>>;
let app: Awaited<ReturnType<typeof buildApp>>;
let manager: LoggedIn;
let tmp: string;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'channels-export-'));
  ch = await freshClickHouse();
  await seedUsers(ch);
  await ch.client.insert({
    table: 'contacts', format: 'JSONEachRow',
    values: [
      contact('C1', 'chat', T0, T0 + 20, T0 + 200, 'answered', { calidad: 4, amabilidad: 5 }),
      contact('C2', 'chat', T0 + 600, 0, T0 + 630, 'abandoned'),
      contact('E1', 'email', T0 + 1200, T0 + 4800, T0 + 4900, 'answered'),
    ],
  });
  const log = captureLog().log;
  app = await buildApp(
    {
      bus: new TestBus(), ch, log, now: () => NOW_MS, queryKpis: async () => [],
      contacts: {
        defaultSite: 'lpz',
        kpis: (q) => queryContactKpis(ch, q, { defaultTz: TZ, defaultSite: 'lpz', now: () => NOW_MS }),
        settings: async () => { throw new Error('not used'); },
        saveSettings: async () => ({ ok: false, reason: 'not used' }),
        push: async () => ({ accepted: 0, rejected: 0, rejections: [] }),
      },
      exports: reportsPort(ch, log, 'lpz', TZ, join(tmpdir(), 'tablero-exports'), null, {}),
    },
    { sessionSecret: SECRET, siteTz: TZ },
  );
  manager = await login(app, 'mario');
});
afterAll(async () => {
  await app?.close();
  await ch?.dispose();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const get = (url: string) => app.inject({ method: 'GET', url, headers: { cookie: manager.cookie } });
const FIGURES = ['received', 'answered', 'abandoned', 'unanswered', 'waiting', 'answered_within', 'within_pct', 'abandon_pct', 'first_response_avg_s', 'first_response_max_s', 'handled', 'handle_avg_s', 'rated', 'rating_response_pct', 'csat_pct'] as const;

async function apiRows(): Promise<ContactKpiRow[]> {
  const res = await get('/api/contacts/kpis?from=2026-10-01&to=2026-11-01&by=month');
  expect(res.statusCode).toBe(200);
  return res.json() as ContactKpiRow[];
}

async function exportFile(format: 'csv' | 'xlsx' | 'pdf', lang: 'es' | 'en'): Promise<Buffer> {
  const res = await get(`/api/exports/monthly?month=2026-10&format=${format}&lang=${lang}`);
  expect(res.statusCode).toBe(200);
  return res.rawPayload;
}

function csvSection(csv: string, title: string): string[] {
  const lines = csv.split('\r\n');
  const at = lines.indexOf(title);
  expect(at).toBeGreaterThan(0);
  return lines.slice(at, lines.indexOf('', at));
}

const ES_TITLE = 'Contactos por canal (chat, videollamada, correo, formulario web, redes sociales)';

describe('other channels in the monthly export', () => {
  it('CSV (es): one row per channel with the figures of GET /api/contacts/kpis for the month, each column defined', async () => {
    const api = await apiRows();
    expect(api.map((r) => [r.channel, ...FIGURES.map((k) => r[k])])).toEqual([
      ['chat', 2, 1, 1, 0, 0, 1, 50, 50, 20, 20, 1, 180, 1, 100, 100],
      ['email', 1, 1, 0, 0, 0, 1, 100, 0, 3600, 3600, 1, 100, 0, 0, null],
    ]);
    const section = csvSection((await exportFile('csv', 'es')).toString('utf8'), ES_TITLE);
    expect(section.slice(1, 4)).toEqual([
      'Canal;Recibidos;Atendidos;Abandonados;Cerrados sin respuesta;En espera;Atendidos a tiempo;% a tiempo;% abandono;Primera respuesta prom. (s);Primera respuesta máx. (s);Gestionados;Gestión prom. (s);Calificados;% calificados;Satisfacción (4-5) %;Umbral del canal',
      'Chat;2;1;1;0;0;1;50,00;50,00;20,00;20,00;1;180,00;1;100,00;100,00;<= 30 s de reloj',
      'Correo (buzón);1;1;0;0;0;1;100,00;0,00;3600,00;3600,00;1;100,00;0;0,00;;<= 86400 s hábiles',
    ]);
    // One truth: every exported figure is the API's (a decimal comma in Spanish; no data = an empty cell).
    for (const [i, line] of section.slice(2, 4).entries()) {
      const cells = line.split(';').slice(1, 1 + FIGURES.length).map((c) => (c === '' ? null : Number(c.replace(',', '.'))));
      expect(cells).toEqual(FIGURES.map((k) => api[i]?.[k]));
    }
    const defs = new Map(section.slice(4).map((l) => [l.slice(0, l.indexOf(';')), l.slice(l.indexOf(';') + 1).replace(/^"(.*)"$/, '$1')]));
    expect(defs.get('Calificaciones · Chat · calidad')).toBe('1 respuestas, promedio 4, satisfacción 100 %');
    expect(defs.get('Calificaciones · Chat · amabilidad')).toBe('1 respuestas, promedio 5, satisfacción 100 %');
    expect(defs.get('% a tiempo')).toBe('atendidos a tiempo / (atendidos + abandonados + cerrados sin respuesta) x 100');
    expect(defs.size).toBe(2 + 17 + 1);
  });

  it('XLSX (en): an "Other channels" sheet whose numbers equal GET /api/contacts/kpis (percentages as fractions)', async () => {
    const api = await apiRows();
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await exportFile('xlsx', 'en')) as unknown as ExcelJS.Buffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Summary', 'By day', 'By hour', 'By agent', 'Other channels', 'Definitions']);
    const rows: unknown[][] = [];
    wb.getWorksheet('Other channels')?.eachRow({ includeEmpty: true }, (row) => rows.push((row.values as unknown[]).slice(1)));
    expect(rows[0]?.slice(0, 3)).toEqual(['Channel', 'Received', 'Answered']);
    const pct = new Set(['within_pct', 'abandon_pct', 'rating_response_pct', 'csat_pct']);
    for (const [i, r] of api.entries()) {
      const cells = rows[i + 1] as unknown[];
      expect(cells[0]).toBe(i === 0 ? 'Chat' : 'Email (mailbox)');
      expect(cells.slice(1, 1 + FIGURES.length)).toEqual(FIGURES.map((k) => (r[k] === null ? undefined : pct.has(k) ? (r[k] as number) / 100 : r[k])));
    }
    expect(rows[1]?.[16]).toBe('<= 30 s wall clock');
  });

  it('PDF (es, en): a channels page with the figures, thresholds and definitions', async () => {
    const text = (lang: string, body: Buffer): string => {
      const file = join(tmp, `channels-${lang}.pdf`);
      writeFileSync(file, body);
      return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    };
    const es = text('es', await exportFile('pdf', 'es'));
    expect(es).toContain(ES_TITLE);
    expect(es).toMatch(/\n\s*Chat\s+2\s+1\s+1\s+0\s+0\s+1\s+50,00\s+20,00\s+20,00\s+180,00\s+1\s+100,00\n/);
    expect(es).toMatch(/Correo \(buzón\) · Umbral del canal\s+<= 86400 s hábiles/);
    const en = text('en', await exportFile('pdf', 'en'));
    // No data (satisfaction without answers) is a dash in the PDF.
    expect(en).toMatch(/\n\s*Email \(mailbox\)\s+1\s+1\s+0\s+0\s+0\s+1\s+100\.00\s+3600\.00\s+3600\.00\s+100\.00\s+0\s+-\n/);
    expect(en).toMatch(/Email \(mailbox\) · Channel's threshold\s+<= 86400 s business\n/);
  });

  it('a closed month keeps its channel figures when a contact arrives late, and warns that the contacts changed', async () => {
    const close = await app.inject({ method: 'POST', url: '/api/months/2026-10/close', headers: { cookie: manager.cookie, 'x-csrf-token': manager.csrf }, payload: {} });
    expect(close.statusCode).toBe(201);
    const before = csvSection((await exportFile('csv', 'es')).toString('utf8'), ES_TITLE);
    await ch.client.insert({ table: 'contacts', format: 'JSONEachRow', values: [contact('C3', 'chat', T0 + 86_400, T0 + 86_400 + 5, T0 + 86_400 + 65, 'answered')] });
    expect((await apiRows()).map((r) => [r.channel, r.received, r.answered_within])).toEqual([['chat', 3, 2], ['email', 1, 1]]);
    const csv = (await exportFile('csv', 'es')).toString('utf8');
    expect(csvSection(csv, ES_TITLE)).toEqual(before);
    // The stints did not change: the warning names the contacts alone (3 at closing, 4 now).
    expect(csv.split('\r\n')[1]).toMatch(/^"ADVERTENCIA: los contactos de otros canales del mes cambiaron desde el cierre \(huella al cierre 3-[0-9a-f]{16}, 3 contactos; ahora 4-[0-9a-f]{16}, 4 contactos\)\. Los canales son los del cierre\."$/);
    const months = (await get('/api/months')).json() as Array<{ month: string; data_changed: boolean }>;
    expect(months.find((m) => m.month === '2026-10')?.data_changed).toBe(true);
    expect(before[2]).toBe('Chat;2;1;1;0;0;1;50,00;50,00;20,00;20,00;1;180,00;1;100,00;100,00;<= 30 s de reloj');
  });
});
