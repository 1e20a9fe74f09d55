// The campaigns service against embedded ClickHouse with the real migrations: a campaign, its
// contact list imported twice (idempotent), attempts from the stored CDR alone, then with the
// results file matched to the legs, the hand-worked figures of core/figures.test.ts, and the
// consolidated file read back as CSV and XLSX.
import ExcelJS from 'exceljs';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshClickHouse } from '../testing/clickhouse.ts';
import type { CampaignResult, CampaignsApi } from './contract.ts';
import { createCampaignsService } from './service.ts';
import { CONTACTS_CSV, RESULTS_CSV, TZ } from './testing/credit-week.ts';
import { storeCreditWeekLegs } from './testing/store.ts';

let db: Awaited<ReturnType<typeof freshClickHouse>>;
let svc: CampaignsApi;
let clock = Date.UTC(2026, 2, 1, 12);
let id = '';

function value<T>(r: CampaignResult<T>): T {
  if (!r.ok) throw new Error(`${r.error}: ${r.reason}`);
  return r.value;
}

beforeAll(async () => {
  db = await freshClickHouse();
  svc = createCampaignsService({ ch: db, log: pino({ level: 'silent' }), tz: TZ, now: () => (clock += 1000), newId: () => 'cmp-0001-credit' });
  await storeCreditWeekLegs(db);
  value(await svc.saveSettings({ phone_prefixes: ['57', '9'] }, 'admin'));
  id = value(await svc.create({ name: 'Ofertas de crédito', purpose: 'Oferta de libranza', start_date: '2026-03-02', end_date: '2026-03-06', target_list: 'base marzo' }, 'sofia')).campaign_id;
}, 60_000);
afterAll(async () => db?.dispose());

describe('campaigns service', () => {
  it('imports the contact list, and the same list again changes nothing', async () => {
    expect(value(await svc.importContacts(id, CONTACTS_CSV))).toEqual({ lines: 5, accepted: 5, new: 5, rejected: 0, reasons: [] });
    expect(value(await svc.importContacts(id, CONTACTS_CSV))).toEqual({ lines: 5, accepted: 5, new: 0, rejected: 0, reasons: [] });
    expect((await svc.list()).map((c) => [c.campaign_id, c.name, c.list_size, c.start_date, c.end_date, c.created_by])).toEqual([[id, 'Ofertas de crédito', 5, '2026-03-02', '2026-03-06', 'sofia']]);
  });

  it('counts attempts from the CDR alone (no results yet)', async () => {
    // C1: L1 no answer, L2 answered; C2: L3 busy, L4 answered; C3: L5 answered. Answered = contacted.
    expect(value(await svc.detail(id)).figures).toEqual({
      list_size: 5, attempted: 3, attempts: 5, attempts_per_contact: 1.67, contacted: 3, success: 0, coverage_pct: 60, contact_rate_pct: 100, effectiveness_pct: 0,
    });
  });

  it('imports the results file once (a second time adds nothing) and gives the hand-worked figures', async () => {
    expect(value(await svc.importResults(id, RESULTS_CSV, 'user:sofia'))).toEqual({ lines: 5, accepted: 5, new: 5, rejected: 0, reasons: [] });
    expect(value(await svc.importResults(id, RESULTS_CSV, 'user:sofia'))).toMatchObject({ accepted: 5, new: 0 });
    const d = value(await svc.detail(id));
    expect(d.figures).toEqual({ list_size: 5, attempted: 4, attempts: 7, attempts_per_contact: 1.75, contacted: 3, success: 1, coverage_pct: 80, contact_rate_pct: 75, effectiveness_pct: 33.33 });
    expect(d.by_agent.map((r) => [r.key, r.attempts, r.contacted, r.success, r.effectiveness_pct])).toEqual([['SIP/1001', 3, 1, 1, 100], ['SIP/1002', 4, 2, 0, 0]]);
    expect(d.by_day.map((r) => [r.key, r.attempts])).toEqual([['2026-03-02', 2], ['2026-03-03', 3], ['2026-03-04', 1], ['2026-03-05', 1]]);
  });

  it('writes the consolidated file: one row per listed contact, read back as CSV and XLSX', async () => {
    const csv = value(await svc.file(id, { format: 'csv', lang: 'es' }));
    expect(csv.filename).toBe('campana-ofertas-de-credito-cmp-0001.csv');
    const lines = csv.body.toString('utf8').replace(/^\uFEFF/, '').split('\r\n');
    expect(lines).toEqual([
      'Id contacto;Teléfono;nombre;producto;Resultado final;Código;Intentos;Último intento;Agente',
      'C1;300 111 2233;Ana Pérez;Libranza;Exitoso;success;2;2026-03-03 10:00:00 -05:00;SIP/1001',
      "C2;'+57 300 222 3344;Luis Gómez;Vivienda;No acepta;refused;2;2026-03-03 11:30:00 -05:00;SIP/1002",
      'C3;(300) 333-4455;Marta Ruiz;Libre inversión;Número equivocado;wrong_number;1;2026-03-03 15:00:00 -05:00;SIP/1001',
      'C4;3004445566;"Rojas; Pedro";Libranza;Volver a llamar;callback;2;2026-03-05 09:00:00 -05:00;SIP/1002',
      'C5;3005556677;Sofía Díaz;Vivienda;Sin intento;;0;;',
      '',
    ]);
    const xlsx = value(await svc.file(id, { format: 'xlsx', lang: 'en' }));
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.body as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('Results');
    expect(ws?.getRow(1).values).toEqual([undefined, 'Contact id', 'Phone', 'nombre', 'producto', 'Final result', 'Code', 'Attempts', 'Last attempt', 'Agent']);
    expect(ws?.getRow(2).values).toEqual([undefined, 'C1', '300 111 2233', 'Ana Pérez', 'Libranza', 'Success', 'success', 2, '2026-03-03 10:00:00 -05:00', 'SIP/1001']);
    expect(ws?.getRow(6).values).toEqual([undefined, 'C5', '3005556677', 'Sofía Díaz', 'Vivienda', 'Not attempted', '', 0, '', '']);
    expect(ws?.rowCount).toBe(6);
  });

  it('refuses bad campaigns, settings and unknown ids with a reason', async () => {
    expect(await svc.create({ name: 'x', start_date: '2026-03-09', end_date: '2026-03-02' }, 'sofia')).toEqual({ ok: false, error: 'invalid', reason: 'end_date must not be before start_date' });
    expect(await svc.create({ name: '', start_date: '2026-03-02', end_date: '2026-03-02' }, 'sofia')).toEqual({ ok: false, error: 'invalid', reason: 'name is required' });
    expect(await svc.saveSettings({ codes: [{ code: 'sale', label_es: 'Venta', label_en: 'Sale', contacted: true, success: true }] }, 'admin')).toEqual({
      ok: false, error: 'invalid', reason: 'code contacted must stay: the CDR gives it to attempts nobody typified',
    });
    expect(await svc.importContacts('nope', CONTACTS_CSV)).toEqual({ ok: false, error: 'not_found', reason: 'campaign nope' });
    expect(await svc.importResults(id, 'contact_id,phone\nC1,1', 'user:sofia')).toEqual({ ok: false, error: 'invalid', reason: 'the header must name the columns contact_id, result, at and agent' });
  });
});
