// Outbound campaigns and training evaluations end to end (issue 17), on one real all-in-one run:
// the hand-worked credit week's CDR legs (processor/src/campaigns/testing/credit-week.ts) imported
// as a Master.csv before start; the campaign, its phone prefixes and its contact list made with
// the CLI on the store; then in Chromium a supervisor reads the CDR-only figures, uploads the
// results file (a bad line rejected with its reason) and reads the hand-worked figures, in
// Spanish and English; the consolidated XLSX and CSV downloaded and read back; the CLI through
// the running server gives the same file and figures; a QA analyst enters and uploads training
// scores in the QA area, and the monthly quality report file carries them. The settings form:
// a manager renames a result code and adds one in Spanish (bad codes refused by the page, the
// service's refusal shown in Spanish with the typing kept), the figures use the new name, and a
// supervisor reads the settings in English without a way to change them.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTACTS_CSV, LEGS, RESULTS_CSV } from '../../processor/src/campaigns/testing/credit-week.ts';
import { cdrCsv } from '../../processor/src/testing/cdr-legs.ts';
import { apiLogin, launchChromium, logIn } from '../support/browser.ts';
import { runTablero, startTablero, type TableroProcess } from '../support/tablero-process.ts';
import { waitFor } from '../support/wait-for.ts';

const TZ = { TZ: 'America/Bogota' };
const PASSWORD = 'a-long-password-1';
let dir: string;
let dataDir: string;
let tablero: TableroProcess;
let browser: Browser;
let campaign = '';

const cli = (args: string[]) => runTablero(args, { dataDir, env: TZ });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tablero-campaigns-'));
  dataDir = join(dir, 'data');
  const master = join(dir, 'Master.csv');
  writeFileSync(master, `${LEGS.map((l) => cdrCsv({
    uid: `${l.start}.${l.uid}`, dst: l.dst, dcontext: 'from-internal', channel: l.channel, app: 'Dial', data: `SIP/trunk/${l.dst}`,
    start: l.start, answer: l.disposition === 'ANSWERED' ? l.start + 5 : null, end: l.start + 60, disp: l.disposition,
  })).join('\n')}\n`);
  const imported = await cli(['import', master]);
  expect(imported.code, imported.stderr).toBe(0);
  expect((await cli(['campaign', 'settings', '--prefixes', '57,9'])).stdout).toContain('prefixes 57,9');
  const codes = join(dir, 'codes.json');
  writeFileSync(codes, JSON.stringify([{ code: 'sale', label_es: 'Venta', label_en: 'Sale', contacted: true, success: true }]));
  const refused = await cli(['campaign', 'settings', '--codes', codes]);
  expect([refused.code, refused.stderr]).toEqual([2, 'tablero campaign: code contacted must stay: the CDR gives it to attempts nobody typified\n']);
  const created = await cli(['campaign', 'create', '--name', 'Ofertas de crédito', '--from', '2026-03-02', '--to', '2026-03-06', '--purpose', 'Libranza', '--list', 'base marzo']);
  expect(created.code, created.stderr).toBe(0);
  campaign = created.stdout.trim();
  const contacts = join(dir, 'contacts.csv');
  writeFileSync(contacts, `${CONTACTS_CSV}\r\nC6;12-34;Nadie;Vivienda\r\n`);
  const listed = await cli(['campaign', 'contacts', '--campaign', campaign, '--file', contacts]);
  // Exit 2: some rows were rejected (each named); the good ones are stored.
  expect([listed.code, listed.stdout]).toEqual([2, 'lines 6, accepted 5 (new 5), rejected 1\n  line 7: bad_phone\n']);
  tablero = await startTablero({ args: ['--no-simulate'], dataDir, env: TZ });
  const admin = await apiLogin(tablero.url, 'admin', tablero.admin.password);
  for (const [username, role] of [['sofia', 'supervisor'], ['quique', 'qa_analyst'], ['mario', 'manager']]) expect((await admin.send('POST', '/api/users', { username, password: PASSWORD, role })).status).toBe(201);
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await tablero?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const fig = (page: Page, key: string): Promise<string> => page.locator(`[data-testid="fig-${key}"]`).innerText();

async function chooseLang(page: Page, lang: 'es' | 'en'): Promise<void> {
  await page.selectOption('[data-testid=lang-switch]', lang === 'en' ? 'en' : 'es-CO');
}

async function download(page: Page, testid: string): Promise<Buffer> {
  const [d] = await Promise.all([page.waitForEvent('download'), page.locator(`[data-testid="${testid}"]`).click()]);
  return readFileSync((await d.path()) as string);
}

describe('campaigns page', () => {
  it('a supervisor, in Spanish: CDR-only figures, the results upload with its report, the hand-worked figures, the XLSX', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    const errors: string[] = [];
    try {
      const page = await logIn(await ctx.newPage(), tablero.url, 'sofia', PASSWORD);
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      await chooseLang(page, 'es');
      await page.locator('[data-testid="nav-campaigns"]').click();
      expect(await page.locator('[data-testid="campaign-size-Ofertas de crédito"]').innerText()).toBe('5');
      await page.locator('[data-testid="campaign-open-Ofertas de crédito"]').click();
      // The CDR alone: C1 L1 L2, C2 L3 L4, C3 L5; answered legs are contacts, none a success.
      await waitFor(async () => (await fig(page, 'attempts')) === '5', { timeoutMs: 10_000, what: 'the figures' });
      expect([await fig(page, 'attempted'), await fig(page, 'contacted'), await fig(page, 'effectiveness_pct'), await fig(page, 'coverage_pct')]).toEqual(['3', '3', '0,00 %', '60,00 %']);

      const results = join(dir, 'results.csv');
      writeFileSync(results, `${RESULTS_CSV}\nC9,success,2026-03-03 10:00,SIP/1001,\n`);
      await page.locator('[data-testid="results-file"]').setInputFiles(results);
      await page.locator('[data-testid="results-upload"]').click();
      expect((await page.locator('[data-testid="results-report"]').innerText()).replace(/\n+/g, '\n')).toBe('Líneas: 6 · aceptadas: 5 (nuevas: 5) · rechazadas: 1\nLínea 7: el contacto no está en la base');
      await waitFor(async () => (await fig(page, 'attempts')) === '7', { timeoutMs: 10_000, what: 'the figures with the results' });
      expect([
        await fig(page, 'list_size'), await fig(page, 'attempted'), await fig(page, 'attempts_per_contact'), await fig(page, 'contacted'), await fig(page, 'success'),
        await fig(page, 'coverage_pct'), await fig(page, 'contact_rate_pct'), await fig(page, 'effectiveness_pct'),
      ]).toEqual(['5', '4', '1,75', '3', '1', '80,00 %', '75,00 %', '33,33 %']);
      expect(await page.locator('[data-testid="campaign-by-agent-eff-SIP/1001"]').innerText()).toBe('100,00 %');
      expect(await page.locator('[data-testid="campaign-by-day"] tbody tr').allInnerTexts()).toEqual([
        '2026-03-02\t2\t2\t1,00\t0\t0\t0,00 %\t—', '2026-03-03\t3\t3\t1,00\t2\t1\t66,67 %\t50,00 %', '2026-03-04\t1\t1\t1,00\t0\t0\t0,00 %\t—', '2026-03-05\t1\t1\t1,00\t1\t0\t100,00 %\t0,00 %',
      ]);
      expect(await page.locator('[data-testid="campaign-codes"] tbody tr').first().innerText()).toBe('success\tExitoso\tSí\tSí');
      expect(await page.locator('[data-testid="campaign-final"] tbody tr').allInnerTexts()).toEqual(['Sin intento\t1', 'Exitoso\t1', 'Volver a llamar\t1', 'No acepta\t1', 'Número equivocado\t1']);

      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load((await download(page, 'campaign-download-xlsx')) as unknown as ArrayBuffer);
      const ws = wb.getWorksheet('Resultados');
      expect(ws?.getRow(1).values).toEqual([undefined, 'Id contacto', 'Teléfono', 'nombre', 'producto', 'Resultado final', 'Código', 'Intentos', 'Último intento', 'Agente']);
      expect(ws?.getRow(5).values).toEqual([undefined, 'C4', '3004445566', 'Rojas; Pedro', 'Libranza', 'Volver a llamar', 'callback', 2, '2026-03-05 09:00:00 -05:00', 'SIP/1002']);
      expect(ws?.rowCount).toBe(6);
      expect(errors).toEqual([]);
    } finally {
      await ctx.close();
    }
  }, 120_000);

  it('the admin, in English: the figures with decimal points, a new campaign from the form, the CSV equal to the CLI\'s', async () => {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, acceptDownloads: true });
    try {
      const page = await logIn(await ctx.newPage(), tablero.url, 'admin', tablero.admin.password);
      await chooseLang(page, 'en');
      await page.goto(`${tablero.url}/#/campaigns?id=${campaign}`);
      await waitFor(async () => (await fig(page, 'effectiveness_pct')) === '33.33 %', { timeoutMs: 10_000, what: 'the English figures' });
      expect(await page.locator('[data-testid="campaign-title"]').innerText()).toBe('Ofertas de crédito');
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth)).toBe(true);
      const csv = (await download(page, 'campaign-download-csv')).toString('utf8');
      expect(csv.replace(/^\uFEFF/, '').split('\r\n')[1]).toBe('C1;300 111 2233;Ana Pérez;Libranza;Success;success;2;2026-03-03 10:00:00 -05:00;SIP/1001');
      const out = join(dir, 'cli.csv');
      const exported = await cli(['campaign', 'export', '--campaign', campaign, '--format', 'csv', '--lang', 'en', '--out', out]);
      expect(exported.code, exported.stderr).toBe(0);
      expect(readFileSync(out, 'utf8')).toBe(csv);
      const shown = await cli(['campaign', 'show', '--campaign', campaign]);
      expect(shown.stdout).toContain('coverage 80.00 %  contact rate 75.00 %  effectiveness 33.33 %');

      await page.goto(`${tablero.url}/#/campaigns`);
      await page.fill('[data-testid="campaign-name"]', 'Encuesta de satisfacción');
      await page.fill('[data-testid="campaign-start"]', '2026-04-01');
      await page.fill('[data-testid="campaign-end"]', '2026-03-01');
      await page.locator('[data-testid="campaign-create"]').click();
      expect(await page.locator('[data-testid="campaign-new"] [role=alert]').innerText()).toBe('The last day cannot be before the first one.');
      await page.fill('[data-testid="campaign-end"]', '2026-04-30');
      await page.locator('[data-testid="campaign-create"]').click();
      await waitFor(async () => (await page.locator('[data-testid="campaign-title"]').allInnerTexts()).join() === 'Encuesta de satisfacción', { timeoutMs: 10_000, what: 'the new campaign' });
      expect([await page.locator('[data-testid="campaign-title"]').innerText(), await fig(page, 'list_size'), await fig(page, 'effectiveness_pct')]).toEqual(['Encuesta de satisfacción', '0', '—']);
    } finally {
      await ctx.close();
    }
  }, 120_000);

  it('a QA analyst sees no campaigns menu and is refused the API', async () => {
    const ctx = await browser.newContext();
    try {
      const page = await logIn(await ctx.newPage(), tablero.url, 'quique', PASSWORD);
      expect(await page.locator('[data-testid="nav-campaigns"]').count()).toBe(0);
      expect((await apiLogin(tablero.url, 'quique', PASSWORD).then((a) => a.send('GET', '/api/campaigns'))).status).toBe(403);
    } finally {
      await ctx.close();
    }
  });
});

describe('campaign settings on the page', () => {
  const value = (page: Page, testid: string): Promise<string> => page.locator(`[data-testid="${testid}"]`).inputValue();
  const refusal = (page: Page): Promise<string> => page.locator('[data-testid="settings-error"]').innerText();
  const refused = (page: Page, text: string): Promise<unknown> => waitFor(async () => (await refusal(page)) === text, { timeoutMs: 10_000, what: `the refusal "${text}"` });

  it('a manager, in Spanish: bad codes refused by the page, the service\'s refusal with the typing kept, a renamed and a new code saved and audited', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const page = await logIn(await ctx.newPage(), tablero.url, 'mario', PASSWORD);
      await chooseLang(page, 'es');
      await page.goto(`${tablero.url}/#/campaigns`);
      await page.locator('[data-testid="settings-form"]').waitFor();
      // The page's own checks send nothing: only the busy attempt and the save reach the service.
      const puts: string[] = [];
      page.on('request', (r) => {
        if (r.method() === 'PUT' && r.url().endsWith('/api/campaigns/settings')) puts.push(r.url());
      });
      expect([await value(page, 'code-2'), await value(page, 'code-es-2'), await value(page, 'settings-prefixes'), await value(page, 'settings-contexts'), await value(page, 'settings-window')])
        .toEqual(['callback', 'Volver a llamar', '57, 9', '', '600']);
      await page.fill('[data-testid="code-es-2"]', 'Rellamar');
      await page.fill('[data-testid="code-en-2"]', 'Call again');
      await page.locator('[data-testid="code-add"]').click();
      await page.fill('[data-testid="code-7"]', 'Promesa Pago');
      await page.fill('[data-testid="code-es-7"]', 'Promesa de pago');
      await page.fill('[data-testid="code-en-7"]', 'Promise to pay');
      await page.locator('[data-testid="code-contacted-7"]').check();
      await page.locator('[data-testid="settings-save"]').click();
      await refused(page, 'Código 8: solo letras minúsculas, dígitos y _, empezando por una letra (hasta 40).');
      await page.fill('[data-testid="code-7"]', 'callback');
      await page.locator('[data-testid="settings-save"]').click();
      await refused(page, 'El código callback está dos veces.');
      await page.fill('[data-testid="code-7"]', 'promesa_pago');
      await page.fill('[data-testid="settings-window"]', 'diez');
      await page.locator('[data-testid="settings-save"]').click();
      await refused(page, 'La ventana es un número entero de segundos de 0 a 86400.');
      await page.fill('[data-testid="settings-window"]', '600');
      // The page lets busy go; the service keeps it (the CDR gives it to busy legs nobody typified).
      await page.locator('[data-testid="code-remove-5"]').click();
      await page.locator('[data-testid="settings-save"]').click();
      await refused(page, 'El código busy debe quedar: el CDR lo da a los intentos que nadie tipificó.');
      expect(await page.locator('[data-testid="settings-codes"] tbody tr').count()).toBe(7);
      expect([await value(page, 'code-es-2'), await value(page, 'code-5'), await value(page, 'code-6'), await value(page, 'code-es-6'), await page.locator('[data-testid="code-contacted-6"]').isChecked()])
        .toEqual(['Rellamar', 'wrong_number', 'promesa_pago', 'Promesa de pago', true]);
      // Nothing of it was saved.
      const manager = await apiLogin(tablero.url, 'mario', PASSWORD);
      expect(((await manager.send('GET', '/api/campaigns/settings')).body as { codes: { code: string; label_es: string }[] }).codes.map((c) => `${c.code}:${c.label_es}`))
        .toEqual(['success:Exitoso', 'contacted:Contactado', 'callback:Volver a llamar', 'refused:No acepta', 'no_answer:No contesta', 'busy:Ocupado', 'wrong_number:Número equivocado']);

      await page.locator('[data-testid="code-add"]').click();
      await page.fill('[data-testid="code-7"]', 'busy');
      await page.fill('[data-testid="code-es-7"]', 'Ocupado');
      await page.fill('[data-testid="code-en-7"]', 'Busy');
      await page.locator('[data-testid="settings-save"]').click();
      expect(await page.locator('[data-testid="settings-saved"]').innerText()).toBe('Guardado.');
      expect(await page.locator('[data-testid="settings-error"]').count()).toBe(0);
      expect(puts.length).toBe(2);
      expect((await manager.send('GET', '/api/campaigns/settings')).body).toEqual({
        codes: [
          { code: 'success', label_es: 'Exitoso', label_en: 'Success', contacted: true, success: true },
          { code: 'contacted', label_es: 'Contactado', label_en: 'Contacted', contacted: true, success: false },
          { code: 'callback', label_es: 'Rellamar', label_en: 'Call again', contacted: true, success: false },
          { code: 'refused', label_es: 'No acepta', label_en: 'Refused', contacted: true, success: false },
          { code: 'no_answer', label_es: 'No contesta', label_en: 'No answer', contacted: false, success: false },
          { code: 'wrong_number', label_es: 'Número equivocado', label_en: 'Wrong number', contacted: false, success: false },
          { code: 'promesa_pago', label_es: 'Promesa de pago', label_en: 'Promise to pay', contacted: true, success: false },
          { code: 'busy', label_es: 'Ocupado', label_en: 'Busy', contacted: false, success: false },
        ],
        phone_prefixes: ['57', '9'], outbound_contexts: [], match_window_s: 600,
      });
      // One save, one audit entry by the manager (the refused attempts changed nothing).
      const admin = await apiLogin(tablero.url, 'admin', tablero.admin.password);
      const audit = (await admin.send('GET', '/api/audit?action=campaign_settings_saved&actor=mario')).body as { total: number; rows: { target: string }[] };
      expect([audit.total, audit.rows.map((r) => r.target)]).toEqual([1, ['campaigns']]);

      // The figures page names C4's final result with the new label.
      await page.goto(`${tablero.url}/#/campaigns?id=${campaign}`);
      await waitFor(async () => (await page.locator('[data-testid="campaign-final"] tbody tr').count()) === 5, { timeoutMs: 10_000, what: 'the final results' });
      expect(await page.locator('[data-testid="campaign-final"] tbody tr').allInnerTexts()).toEqual(['Sin intento\t1', 'Exitoso\t1', 'Rellamar\t1', 'No acepta\t1', 'Número equivocado\t1']);
      expect(await page.locator('[data-testid="campaign-codes"] tbody tr').nth(6).innerText()).toBe('promesa_pago\tPromesa de pago\tSí\tNo');
    } finally {
      await ctx.close();
    }
  }, 120_000);

  it('a supervisor, in English: the settings read-only, the PUT refused', async () => {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 } });
    try {
      const page = await logIn(await ctx.newPage(), tablero.url, 'sofia', PASSWORD);
      await chooseLang(page, 'en');
      await page.goto(`${tablero.url}/#/campaigns`);
      await page.locator('[data-testid="settings-codes-readonly"]').waitFor();
      expect(await page.locator('[data-testid="settings-codes-readonly"] tbody tr').allInnerTexts()).toEqual([
        'success\tSuccess\tYes\tYes', 'contacted\tContacted\tYes\tNo', 'callback\tCall again\tYes\tNo', 'refused\tRefused\tYes\tNo',
        'no_answer\tNo answer\tNo\tNo', 'wrong_number\tWrong number\tNo\tNo', 'promesa_pago\tPromise to pay\tYes\tNo', 'busy\tBusy\tNo\tNo',
      ]);
      expect(await page.locator('[data-testid="settings-rules-readonly"] dd').allInnerTexts()).toEqual(['57, 9', '(any)', '600 s']);
      expect([await page.locator('[data-testid="settings-form"]').count(), await page.locator('[data-testid="settings-save"]').count()]).toEqual([0, 0]);
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth)).toBe(true);
      const supervisor = await apiLogin(tablero.url, 'sofia', PASSWORD);
      expect((await supervisor.send('PUT', '/api/campaigns/settings', { match_window_s: 900 })).status).toBe(403);
    } finally {
      await ctx.close();
    }
  }, 120_000);
});

describe('training in the QA area', () => {
  it('a QA analyst enters one score and uploads a CSV (a bad row named); averages, pass rate and who is below, es then en', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const page = await logIn(await ctx.newPage(), tablero.url, 'quique', PASSWORD);
      await chooseLang(page, 'es');
      await page.goto(`${tablero.url}/#/qa/training?month=2026-03`);
      await page.locator('[data-testid="training-none"]').waitFor();
      await page.fill('[data-testid="training-agent"]', 'ana');
      await page.fill('[data-testid="training-test"]', 'Producto');
      await page.fill('[data-testid="training-date"]', '2026-03-10');
      await page.fill('[data-testid="training-score"]', '80');
      await page.fill('[data-testid="training-pass-mark"]', '70');
      await page.locator('[data-testid="training-save"]').click();
      expect(await page.locator('[data-testid="training-saved"]').innerText()).toBe('Nota guardada.');
      await page.fill('[data-testid="training-score"]', '180');
      await page.fill('[data-testid="training-test"]', 'Otra');
      await page.locator('[data-testid="training-save"]').click();
      await waitFor(async () => (await page.locator('[data-testid="training-saved"]').innerText()) === 'nota inválida (0 a 100, hasta 2 decimales)', { timeoutMs: 10_000, what: 'the refusal' });

      const file = join(dir, 'training.csv');
      writeFileSync(file, ['agente;prueba;fecha;puntaje;nota_aprobacion', 'ana;Normativa;2026-03-12;65;70', 'beto;Producto;2026-03-12;60;70', 'beto;Normativa;2026-03-31;59,5;70', 'carla;Producto;2026-03-12;noventa;70'].join('\n'));
      await page.locator('[data-testid="training-file"]').setInputFiles(file);
      await page.locator('[data-testid="training-upload"]').click();
      expect((await page.locator('[data-testid="training-report"]').innerText()).replace(/\n+/g, '\n')).toBe('Líneas: 4 · aceptadas: 3 (nuevas: 3) · rechazadas: 1\nLínea 5: nota inválida (0 a 100, hasta 2 decimales)');
      // ana: (80 + 65) / 2 = 72.5, 1 of 2 passed; beto: (60 + 59.5) / 2 = 59.75 < 70, none passed.
      await waitFor(async () => (await page.locator('[data-testid="training-agent-avg-beto"]').count()) === 1, { timeoutMs: 10_000, what: 'the uploaded scores' });
      expect(await page.locator('[data-testid="training-agents"] tbody tr').allInnerTexts()).toEqual([
        'ana\t(sin equipo)\t2\t1\t72,50\t70,00\t50,00 %\t—\t—', 'beto\t(sin equipo)\t2\t0\t59,75\t70,00\t0,00 %\t—\t—',
      ]);
      expect(await page.locator('[data-testid="training-below"]').innerText()).toBe('beto (59,75 / 70,00)');
      expect(await page.locator('[data-testid="training-team-avg-none"]').innerText()).toBe('66,13');
      await chooseLang(page, 'en');
      await waitFor(async () => (await page.locator('[data-testid="training-team-avg-none"]').innerText()) === '66.13', { timeoutMs: 10_000, what: 'English numbers' });
    } finally {
      await ctx.close();
    }
  }, 120_000);

  it('the monthly quality report shows and exports the training tables', async () => {
    const admin = await apiLogin(tablero.url, 'admin', tablero.admin.password);
    const res = await fetch(`${tablero.url}/api/qa/report/file?month=2026-03&format=xlsx&lang=en`, { headers: { authorization: '' } });
    expect(res.status).toBe(401);
    const report = (await admin.send('GET', '/api/qa/report?month=2026-03')).body as { training: { teams: unknown[] } };
    expect(report.training.teams).toEqual([{ team: '', agents: 2, tests: 4, passed: 1, avg_score: 66.13, pass_rate_pct: 25, prev_avg_score: null, trend: null, below: 1 }]);
    const out = join(dir, 'quality.xlsx');
    const exported = await cli(['export', 'quality', '--month', '2026-03', '--format', 'xlsx', '--lang', 'en', '--out', out]);
    expect(exported.code, exported.stderr).toBe(0);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(readFileSync(out) as unknown as ArrayBuffer);
    expect(wb.getWorksheet('Training by agent')?.getRow(3).values).toEqual([undefined, 'beto', '(no team)', 2, 0, 59.75, 0, undefined, undefined, 70, 'Yes']);
    expect(wb.getWorksheet('Training by team')?.getRow(2).values).toEqual([undefined, '(no team)', 2, 4, 1, 66.13, 0.25, undefined, undefined, 1]);
  });
});
