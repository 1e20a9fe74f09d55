// The audit page (#/admin/audit) and the export centre's quarterly complaints panel in a real
// browser (Debian's Chromium through playwright-core) against the real `tablero start`, in
// Spanish and English (issue 17):
// - a manager downloads the quarter's report (XLSX in Spanish, PDF in English) and the files hold
//   the hand-worked figures of processor/src/escalations/testing/quarter-fixture.ts (imported
//   with `tablero import --kind tickets` before the start), then closes the quarter; the manager
//   has no audit entry in the menu and the page says it is for admins;
// - the admin sees the entries (users created, the quarter closed), filters them, pages, and
//   downloads the filtered CSV and XLSX and the users report, read back.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Download, Page } from 'playwright-core';
import { apiLogin, launchChromium, logIn } from '../support/browser.ts';
import { quarterCsv } from '../../processor/src/escalations/testing/quarter-fixture.ts';
import { REPO_ROOT, runTablero, startTablero, type TableroProcess } from '../support/tablero-process.ts';

const ARTIFACTS = join(REPO_ROOT, 'test-artifacts');
const PASSWORD = 'auditoria-larga-2026';
const ENV = { TZ: 'America/Bogota', TABLERO_SITE: 'bog' };
const ME = `cli:${userInfo().username}`;
let dir: string;
let tablero: TableroProcess;
let browser: Browser;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tablero-audit-browser-'));
  const dataDir = join(dir, 'data');
  mkdirSync(dataDir);
  writeFileSync(join(dir, 'tickets.csv'), quarterCsv());
  const imported = await runTablero(['import', '--kind', 'tickets', '--site', 'bog', join(dir, 'tickets.csv')], { dataDir, env: ENV });
  expect(imported.code, imported.stderr).toBe(0);
  tablero = await startTablero({ args: ['--no-simulate'], dataDir, env: ENV });
  const admin = await apiLogin(tablero.url, 'admin', tablero.admin.password);
  for (const [username, role, lang] of [['marta', 'manager', 'es'], ['mark', 'manager', 'en'], ['temporal', 'supervisor', 'es']] as const) {
    expect((await admin.send('POST', '/api/users', { username, password: PASSWORD, role, lang })).status).toBe(201);
  }
  browser = await launchChromium();
  mkdirSync(ARTIFACTS, { recursive: true });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await tablero?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function pageOf(username: string, password = PASSWORD): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 768 }, acceptDownloads: true });
  return logIn(await ctx.newPage(), tablero.url, username, password);
}

async function downloadBy(page: Page, testid: string): Promise<{ name: string; bytes: Buffer }> {
  const [dl] = (await Promise.all([
    page.waitForEvent('download', { timeout: 30_000 }).catch(async (err: unknown) => {
      // Say what the page said instead (a refusal note), not only that no file came.
      const notes = await page.locator('[role=status], [role=alert]').allTextContents();
      throw new Error(`no download after ${testid}: ${notes.join(' | ')}`, { cause: err });
    }),
    page.getByTestId(testid).click(),
  ])) as [Download, unknown];
  return { name: dl.suggestedFilename(), bytes: readFileSync(await dl.path()) };
}

async function sheetRows(bytes: Buffer, sheet: string): Promise<unknown[][]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ExcelJS.Buffer);
  const ws = wb.getWorksheet(sheet);
  if (!ws) throw new Error(`no sheet ${sheet}: ${wb.worksheets.map((w) => w.name).join(', ')}`);
  const rows: unknown[][] = [];
  ws.eachRow((r) => rows.push((r.values as unknown[]).slice(1)));
  return rows;
}

describe('the quarterly complaints panel (manager)', () => {
  it('Spanish: XLSX with the hand-worked figures; the audit page is for admins only', async () => {
    const page = await pageOf('marta');
    expect(await page.getByTestId('nav-audit').count()).toBe(0);
    await page.getByTestId('nav-exports').click();
    await page.getByTestId('quarterly').waitFor();
    await page.getByTestId('qr-quarter').fill('2026-Q3');
    await page.getByTestId('qr-format-xlsx').check();
    const xlsx = await downloadBy(page, 'qr-download');
    expect(xlsx.name).toBe('pqrsd-bog-2026-Q3.xlsx');
    expect((await sheetRows(xlsx.bytes, 'Por tipo')).slice(1)).toEqual([
      ['Consulta', 0, 1, 1, 0, 0, 0, undefined, undefined, 1, 0],
      ['Información / documentos', 0, 1, 1, 0, 0, 0, undefined, undefined, 1, 0],
      ['Petición', 0, 1, 1, 1, 0, 1, 0, 16, 0, 0],
      ['Queja', 2, 1, 3, 2, 1, 1, 0.5, 14.5, 1, 1],
      ['Total', 2, 4, 6, 3, 1, 2, 0.3333, 15, 3, 1],
    ]);
    expect(await page.getByTestId('qr-note').textContent()).toBe('Descargado: pqrsd-bog-2026-Q3.xlsx');
    await page.screenshot({ path: join(ARTIFACTS, 'quarterly-es.png'), fullPage: true });
    await page.goto(`${tablero.url}/#/admin/audit`);
    expect(await page.getByTestId('aud-admins-only').textContent()).toBe('Solo los administradores ven el registro de auditoría.');
  }, 120_000);

  it('English: PDF read back with pdftotext, then the quarter is closed and listed', async () => {
    const page = await pageOf('mark');
    await page.getByTestId('nav-exports').click();
    await page.getByTestId('quarterly').waitFor();
    expect(await page.locator('#qr-title').textContent()).toBe('Quarterly complaints report (PQRSD) for the Superintendencia Financiera');
    await page.getByTestId('qr-quarter').fill('2026-Q3');
    await page.getByTestId('qr-format-pdf').check();
    await page.getByTestId('qr-lang').selectOption('en');
    const pdf = await downloadBy(page, 'qr-download');
    const file = join(dir, 'q3.pdf');
    writeFileSync(file, pdf.bytes);
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    expect(text).toContain('Quarterly complaints report (PQRSD) 2026-Q3');
    expect(text).toMatch(/Complaint\s+2\s+1\s+3\s+2\s+1\s+1\s+50.00\s+14.50\s+1\s+1/);
    expect(text).toMatch(/Total\s+2\s+4\s+6\s+3\s+1\s+2\s+33.33\s+15.00\s+3\s+1/);
    await page.getByTestId('qr-close').click();
    await page.getByTestId('qr-close-confirm').click();
    await expect.poll(() => page.getByTestId('qr-note').textContent(), { timeout: 20_000 }).toBe('Quarter 2026-Q3 closed (version 1, 6 tickets).');
    const rows = () => page.getByTestId('qr-closed-row').evaluateAll((rs) => rs.map((r) => [...r.querySelectorAll('td')].map((td) => (td.textContent ?? '').trim())));
    await expect.poll(async () => (await rows()).map((r) => [r[0], r[1], r[2], r[4], r[5]]), { timeout: 20_000 }).toEqual([['2026-Q3', '1', '6', 'mark', 'No change']]);
    await page.screenshot({ path: join(ARTIFACTS, 'quarterly-en.png'), fullPage: true });
  }, 120_000);
});

describe('the audit page (admin)', () => {
  it('es: removing a user from the settings page is recorded with the account as it was', async () => {
    const page = await pageOf('admin', tablero.admin.password);
    await page.getByTestId('lang-switch').selectOption('es-CO');
    await page.goto(`${tablero.url}/#/settings`);
    page.once('dialog', (d) => void d.accept());
    await page.getByTestId('user-remove-temporal').click();
    await page.getByTestId('user-temporal').waitFor({ state: 'detached', timeout: 20_000 });
    await page.goto(`${tablero.url}/#/admin/audit`);
    await page.getByTestId('aud-action').selectOption('user_removed');
    await page.getByTestId('aud-search').click();
    await expect.poll(() => page.getByTestId('aud-row').evaluateAll((rs) => rs.map((r) => [...r.querySelectorAll('td')].slice(1, 7).map((td) => (td.textContent ?? '').trim()))), { timeout: 10_000 }).toEqual([
      ['admin', 'Usuario eliminado', 'temporal', '127.0.0.1', '{"username":"temporal","role":"supervisor","lang":"es","disabled":false,"queues":[]}', ''],
    ]);
  }, 120_000);

  for (const lang of ['es', 'en'] as const) {
    it(`${lang}: entries, filters, paging, the filtered files and the users report read back`, async () => {
      const page = await pageOf('admin', tablero.admin.password);
      await page.getByTestId('lang-switch').selectOption(lang === 'en' ? 'en' : 'es-CO');
      await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toMatch(new RegExp(`^${lang}`));
      await page.getByTestId('nav-audit').click();
      await page.getByTestId('aud-count').waitFor();
      const t = lang === 'es' ? { created: 'Usuario creado', closed: 'Trimestre cerrado', count: /^4 entradas · página 1 de 1/ } : { created: 'User created', closed: 'Quarter closed', count: /^4 entries · page 1 of 1/ };
      const actions = await page.getByTestId('aud-row').evaluateAll((rs) => rs.map((r) => r.getAttribute('data-action')));
      expect(actions).toContain('quarter_closed');
      expect(actions).toContain('user_created');
      // Filter: users created.
      await page.getByTestId('aud-action').selectOption('user_created');
      await page.getByTestId('aud-search').click();
      await expect.poll(() => page.getByTestId('aud-count').textContent(), { timeout: 10_000 }).toMatch(t.count);
      const rows = await page.getByTestId('aud-row').evaluateAll((rs) => rs.map((r) => [...r.querySelectorAll('td')].slice(1, 4).map((td) => (td.textContent ?? '').trim())));
      // The first start's admin (created by the `tablero start` command), then the two managers.
      expect(rows).toEqual([
        ['admin', t.created, 'temporal'],
        ['admin', t.created, 'mark'],
        ['admin', t.created, 'marta'],
        [ME, t.created, 'admin'],
      ]);
      expect(await page.getByTestId('aud-next').isDisabled()).toBe(true);
      const csv = await downloadBy(page, 'aud-csv');
      expect(csv.name).toBe('auditoria.csv');
      const lines = csv.bytes.toString('utf8').replace(/^\uFEFF/, '').trimEnd().split('\r\n');
      const sep = lang === 'es' ? ';' : ',';
      expect(lines.slice(2).map((l) => l.split(sep).slice(1, 5))).toEqual([
        [ME, 'user_created', t.created, 'admin'],
        ['admin', 'user_created', t.created, 'marta'],
        ['admin', 'user_created', t.created, 'mark'],
        ['admin', 'user_created', t.created, 'temporal'],
      ]);
      // The users report ignores the action filter's other actions and lists users' changes only.
      const users = await downloadBy(page, 'aud-users-xlsx');
      const urows = await sheetRows(users.bytes, lang === 'es' ? 'Auditoría' : 'Audit');
      expect(urows.slice(2).map((r) => [r[1], r[2], r[4]])).toEqual([
        [ME, 'user_created', 'admin'],
        ['admin', 'user_created', 'marta'],
        ['admin', 'user_created', 'mark'],
        ['admin', 'user_created', 'temporal'],
      ]);
      // The quarter closed by the manager, with before/after.
      await page.getByTestId('aud-action').selectOption('quarter_closed');
      await page.getByTestId('aud-search').click();
      await expect.poll(() => page.getByTestId('aud-row').evaluateAll((rs) => rs.map((r) => [...r.querySelectorAll('td')].slice(1, 4).map((td) => (td.textContent ?? '').trim()))), { timeout: 10_000 }).toEqual([['mark', t.closed, '2026-Q3']]);
      const xlsx = await downloadBy(page, 'aud-xlsx');
      const xrows = await sheetRows(xlsx.bytes, lang === 'es' ? 'Auditoría' : 'Audit');
      expect(xrows.slice(2).map((r) => [r[1], r[2], r[4]])).toEqual([['mark', 'quarter_closed', '2026-Q3']]);
      expect(JSON.parse(String(xrows[2]?.[7]))).toMatchObject({ quarter: '2026-Q3', version: 1, tickets: 6 });
      await page.screenshot({ path: join(ARTIFACTS, `audit-${lang}.png`), fullPage: true });
    }, 120_000);
  }
});
