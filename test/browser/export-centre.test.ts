// The export centre (#/exports) in a real browser (Debian's Chromium through playwright-core)
// against the real `tablero start` reading a queue_log: a manager downloads the monthly
// indicator report in each format and language and the test reads the files back (CSV text,
// XLSX with exceljs, PDF through pdftotext); closing the running month is refused with the
// reason in Spanish and the chosen month kept; closing last month lists it as frozen, and a late
// call for that month turns its row into a late-data warning; an admin creates a schedule and
// a manager pauses it through the same form; a supervisor has no menu entry and gets 403 from every route.
//
// The calls are placed on day 10 of the month before today (UTC, the default calendar is open
// every hour of every day), so the expected figures do not depend on when the test runs.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Download, Page } from 'playwright-core';
import { apiFromPage, apiLogin, launchChromium, logIn, type ApiSession } from '../support/browser.ts';
import { answeredCall, abandonedCall, appendLines } from '../support/queue-log-writer.ts';
import { REPO_ROOT, startTablero, type TableroProcess } from '../support/tablero-process.ts';
import { waitFor } from '../support/wait-for.ts';

const ARTIFACTS = join(REPO_ROOT, 'test-artifacts');
const PASSWORD = 'exportes-largos-2026';
const now = new Date();
const MONTH_START = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1);
/** The month before today, `YYYY-MM`: over, so it can be closed. */
const LAST_MONTH = new Date(MONTH_START).toISOString().slice(0, 7);
const THIS_MONTH = now.toISOString().slice(0, 7);
const DAY10_S = MONTH_START / 1000 + 9 * 86_400 + 15 * 3600;

let dir: string;
let queueLog: string;
let tablero: TableroProcess;
let browser: Browser;
let admin: ApiSession;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tablero-exports-'));
  queueLog = join(dir, 'queue_log');
  // Queue 101: 4 offered, 3 answered, 2 within T = 20 s, 1 abandoned. Queue 102: 1 answered within T.
  writeFileSync(queueLog, '');
  appendLines(queueLog, [
    ...answeredCall({ queue: '101', callid: 'x1', endS: DAY10_S, wait: 5, talk: 60 }),
    ...answeredCall({ queue: '101', callid: 'x2', endS: DAY10_S + 600, wait: 10, talk: 120 }),
    ...answeredCall({ queue: '101', callid: 'x3', endS: DAY10_S + 1200, wait: 40, talk: 60 }),
    ...abandonedCall({ queue: '101', callid: 'x4', endS: DAY10_S + 1800, wait: 30 }),
    ...answeredCall({ queue: '102', callid: 'y1', endS: DAY10_S + 2400, wait: 8, talk: 90 }),
  ]);
  tablero = await startTablero({ args: ['--source', queueLog, '--no-simulate'] });
  admin = await apiLogin(tablero.url, 'admin', tablero.admin.password);
  for (const [username, role, lang] of [['marta', 'manager', 'es'], ['mark', 'manager', 'en'], ['sara', 'supervisor', 'es']] as const) {
    expect((await admin.send('POST', '/api/users', { username, password: PASSWORD, role, lang })).status).toBe(201);
  }
  // Every call of last month stored before any file is asked for.
  await waitFor(
    async () => JSON.stringify(offeredByQueue(await admin.send('GET', `/api/kpis?from=${LAST_MONTH}-01&to=${THIS_MONTH}-01`))) === '{"101":4,"102":1}',
    { timeoutMs: 30_000, intervalMs: 200, what: "last month's calls stored" },
  );
  browser = await launchChromium();
  mkdirSync(ARTIFACTS, { recursive: true });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await tablero?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function offeredByQueue(a: { body: unknown }): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of Array.isArray(a.body) ? (a.body as Array<{ queue: string; offered: number }>) : []) out[r.queue] = (out[r.queue] ?? 0) + r.offered;
  return out;
}

async function exportsPageOf(username: string, viewport = { width: 1366, height: 768 }): Promise<Page> {
  const ctx = await browser.newContext({ viewport, acceptDownloads: true });
  const page = await logIn(await ctx.newPage(), tablero.url, username, PASSWORD);
  await page.getByTestId('nav-exports').click();
  await page.getByTestId('exports').waitFor();
  return page;
}

/** Clicks Download and gives the file the browser saved, with its suggested name. */
async function downloadFrom(page: Page): Promise<{ name: string; bytes: Buffer }> {
  const [dl] = (await Promise.all([page.waitForEvent('download', { timeout: 30_000 }), page.getByTestId('exp-download').click()])) as [Download, unknown];
  const path = await dl.path();
  return { name: dl.suggestedFilename(), bytes: readFileSync(path) };
}

const rowTexts = (page: Page, testid: string): Promise<string[][]> =>
  page.getByTestId(testid).evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => (td.textContent ?? '').trim())));

describe('the export centre in Chromium', () => {
  it('a manager in Spanish downloads CSV, XLSX and PDF of last month and the files hold its figures', async () => {
    const page = await exportsPageOf('marta');
    expect(await page.getByRole('heading', { level: 2 }).allTextContents()).toEqual(['Informe mensual de indicadores', 'Vista previa del mes', 'Cerrar un mes', 'Meses cerrados', 'Informe trimestral de quejas (PQRSD) para la Superintendencia Financiera', 'Exportaciones programadas', 'Ejecuciones']);
    expect(await page.getByTestId('exp-month').inputValue()).toBe(LAST_MONTH);
    // The queues of the month's data are offered.
    await expect.poll(() => page.getByTestId('exp-queue').evaluateAll((els) => els.map((e) => e.getAttribute('data-queue'))), { timeout: 10_000 }).toEqual(['101', '102']);

    await page.getByTestId('exp-format-csv').check();
    const csv = await downloadFrom(page);
    expect(csv.name).toBe(`tablero-default-${LAST_MONTH}.csv`);
    const lines = csv.bytes.toString('utf8').split('\r\n');
    expect(lines[0]).toBe(`\uFEFFInforme mensual de indicadores;${LAST_MONTH}`);
    expect(lines.filter((l) => /^10[12];\d/.test(l)).slice(0, 2).map((l) => l.split(';').slice(0, 6).join(';'))).toEqual(['101;4;3;2;1;1', '102;1;1;1;0;0']);
    expect(await page.getByTestId('exp-download-note').textContent()).toBe(`Descargado: tablero-default-${LAST_MONTH}.csv`);

    // One queue, in English, as XLSX.
    await page.locator('[data-testid=exp-queue][data-queue="101"]').check();
    await page.getByTestId('exp-format-xlsx').check();
    await page.getByTestId('exp-lang').selectOption('en');
    const xlsx = await downloadFrom(page);
    expect(xlsx.name).toBe(`tablero-default-${LAST_MONTH}.xlsx`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.bytes as unknown as ExcelJS.Buffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Summary', 'By day', 'By hour', 'By agent', 'Definitions']);
    const summary = wb.getWorksheet('Summary') as ExcelJS.Worksheet;
    expect(summary.getCell('A1').value).toBe(`Monthly indicator report ${LAST_MONTH}`);
    expect((summary.getRow(5).values as unknown[]).slice(1, 7)).toEqual(['101', 4, 3, 2, 1, 1]);
    expect(summary.getCell('A6').value).toBeNull();

    await page.getByTestId('exp-format-pdf').check();
    await page.getByTestId('exp-lang').selectOption('es');
    const pdf = await downloadFrom(page);
    expect(pdf.name).toBe(`tablero-default-${LAST_MONTH}.pdf`);
    expect(pdf.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const pdfFile = join(dir, 'report.pdf');
    writeFileSync(pdfFile, pdf.bytes);
    expect(execFileSync('pdftotext', [pdfFile, '-'], { encoding: 'utf8' })).toContain(`Informe mensual de indicadores ${LAST_MONTH}`);
    await page.context().close();
  });

  it('closing the running month is refused in Spanish and keeps the month; closing last month lists it, and a late call warns', async () => {
    const page = await exportsPageOf('marta', { width: 1920, height: 1080 });
    expect(await page.getByText('Todavía no hay meses cerrados.').count()).toBe(1);
    await page.getByTestId('close-month').fill(THIS_MONTH);
    await page.getByTestId('close-start').click();
    await page.getByTestId('close-confirm').waitFor();
    await page.getByTestId('close-yes').click();
    await expect.poll(() => page.getByTestId('close-note').getAttribute('data-ok'), { timeout: 15_000 }).toBe('false');
    expect(await page.getByTestId('close-note').textContent()).toMatch(/^El mes .+ aún no termina: solo se puede cerrar un mes terminado\.$/);
    expect(await page.getByTestId('close-month').inputValue()).toBe(THIS_MONTH);

    await page.getByTestId('close-month').fill(LAST_MONTH);
    await page.getByTestId('close-start').click();
    const question = await page.getByTestId('close-confirm').textContent();
    expect(question).toContain('¿Cerrar');
    expect(question).toContain('y congelar sus cifras?');
    await page.getByTestId('close-yes').click();
    await expect.poll(() => page.getByTestId('close-note').getAttribute('data-ok'), { timeout: 15_000 }).toBe('true');
    expect(await page.getByTestId('close-note').textContent()).toMatch(/^Mes .+ cerrado \(versión 1, 5 estadías\)\.$/);
    await expect
      .poll(() => rowTexts(page, 'closed-month'), { timeout: 10_000 })
      .toEqual([[expect.stringMatching(/^\S+ de \d{4}$/), '1', expect.stringMatching(/^5-[0-9a-f]{16}$/), '5', 'marta', expect.any(String), 'Sin cambios']]);
    await page.screenshot({ path: join(ARTIFACTS, 'exports-closed-1920.png'), fullPage: true });

    // A call of last month arrives after the closing: the list says the data changed.
    appendLines(queueLog, answeredCall({ queue: '102', callid: 'late1', endS: DAY10_S + 7200, wait: 3, talk: 30 }));
    await expect
      .poll(async () => ((await apiFromPage(page, 'GET', '/api/months')).body as Array<{ data_changed: boolean }>)[0]?.data_changed, { timeout: 30_000 })
      .toBe(true);
    await page.reload();
    await page.getByTestId('closed-month').waitFor();
    const [late] = await rowTexts(page, 'closed-month');
    expect(late?.[6]).toMatch(/^Datos tardíos: huella actual 6-[0-9a-f]{16}$/);
    expect(await page.getByTestId('closed-month').getAttribute('data-changed')).toBe('true');
    // The download of the frozen month says so too.
    await page.getByTestId('exp-format-csv').check();
    const csv = await downloadFrom(page);
    expect(csv.bytes.toString('utf8').split('\r\n').filter((l) => l.startsWith('102;')).slice(0, 1)).toEqual([expect.stringMatching(/^102;1;1;1;0;0;/) as unknown]);
    expect(await page.getByTestId('exp-download-note').textContent()).toBe(
      `Descargado: tablero-default-${LAST_MONTH}.csv. Los datos del mes cambiaron después del cierre: el archivo tiene las cifras del cierre.`,
    );
    await page.context().close();
  });

  it('an admin in English creates a schedule; a manager sees it listed and pauses it', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    const page = await logIn(await ctx.newPage(), tablero.url, 'admin', tablero.admin.password);
    await page.selectOption('[data-testid=lang-switch]', 'en');
    await page.getByTestId('nav-exports').click();
    await page.getByTestId('schedule-form').waitFor();
    expect(await page.getByText('No scheduled exports.').count()).toBe(1);
    // The file language starts as the page's. A relative folder is refused with the field named as the form names it; what was typed stays.
    await page.getByTestId('sched-id').fill('gerencia');
    await page.getByTestId('sched-format-csv').check();
    await page.getByTestId('sched-folder').fill('informes');
    await page.getByTestId('sched-email').fill('gerencia@example.com, ventas@example.com');
    await page.getByTestId('sched-save').click();
    await expect.poll(() => page.getByTestId('sched-note').textContent(), { timeout: 10_000 }).toBe('Check “Folder on the server”: the server did not accept it.');
    expect(await page.getByTestId('sched-folder').inputValue()).toBe('informes');
    expect(await page.getByTestId('sched-email').inputValue()).toBe('gerencia@example.com, ventas@example.com');
    expect(await page.getByTestId('mail-status').textContent()).toContain('Outgoing mail is not configured on the server (TABLERO_SMTP_* variables)');
    // Outside the server's exports folder (TABLERO_EXPORTS_DIR, default <data dir>/exports) it is refused, naming that folder.
    await page.getByTestId('sched-folder').fill(join(dir, 'reports'));
    await page.getByTestId('sched-save').click();
    await expect.poll(() => page.getByTestId('sched-note').textContent(), { timeout: 10_000 }).toBe(`The folder must be ${join(tablero.dataDir, 'exports')} or a folder inside it (the server's exports folder).`);
    const folder = join(tablero.dataDir, 'exports', 'reports');
    await page.getByTestId('sched-folder').fill(folder);
    await page.getByTestId('sched-save').click();
    await expect.poll(() => page.getByTestId('sched-note').textContent(), { timeout: 10_000 }).toBe('Schedule gerencia saved.');
    await expect
      .poll(() => rowTexts(page, 'schedule'), { timeout: 10_000 })
      .toEqual([['gerencia', 'Day 1 of every month, 06:00 (UTC)', 'CSV, XLSX, PDF', 'English', 'All queues', folder, 'gerencia@example.com, ventas@example.com', 'Active']]);
    expect((await admin.send('GET', '/api/exports/schedules')).body).toEqual([
      { id: 'gerencia', enabled: true, every: 'monthly', day_of_month: 1, at: '06:00', tz: 'UTC', site: 'default', queues: [], formats: ['csv', 'xlsx', 'pdf'], lang: 'en', sep: ',', folder, email_to: ['gerencia@example.com', 'ventas@example.com'] },
    ]);
    await ctx.close();

    const manager = await exportsPageOf('mark');
    await expect.poll(() => rowTexts(manager, 'schedule'), { timeout: 10_000 }).toEqual([['gerencia', 'Day 1 of every month, 06:00 (UTC)', 'CSV, XLSX, PDF', 'English', 'All queues', folder, 'gerencia@example.com, ventas@example.com', 'Active']]);
    // A manager changes it through the same form: pauses it, keeping its folder and recipients.
    await manager.getByTestId('sched-id').fill('gerencia');
    await manager.getByTestId('sched-folder').fill(folder);
    await manager.getByTestId('sched-email').fill('gerencia@example.com, ventas@example.com');
    await manager.getByTestId('sched-lang').selectOption('en');
    await manager.getByTestId('sched-format-csv').check();
    await manager.getByTestId('sched-enabled').uncheck();
    await manager.getByTestId('sched-save').click();
    await expect.poll(() => manager.getByTestId('sched-note').textContent(), { timeout: 10_000 }).toBe('Schedule gerencia saved.');
    await expect.poll(() => rowTexts(manager, 'schedule'), { timeout: 10_000 }).toEqual([['gerencia', 'Day 1 of every month, 06:00 (UTC)', 'CSV, XLSX, PDF', 'English', 'All queues', folder, 'gerencia@example.com, ventas@example.com', 'Paused']]);
    await manager.context().close();
  });

  it('a supervisor has no menu entry and every export route answers 403', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    const page = await logIn(await ctx.newPage(), tablero.url, 'sara', PASSWORD);
    await page.getByTestId('nav-live').waitFor();
    expect(await page.getByTestId('nav-exports').count()).toBe(0);
    const statuses: number[] = [];
    for (const [method, path] of [
      ['GET', `/api/exports/monthly?month=${LAST_MONTH}&format=csv`],
      ['POST', `/api/months/${LAST_MONTH}/close`],
      ['GET', '/api/months'],
      ['GET', '/api/exports/schedules'],
      ['GET', '/api/exports/runs'],
      ['GET', '/api/exports/mail'],
      ['PUT', '/api/exports/schedules/x'],
    ] as const) {
      statuses.push((await apiFromPage(page, method, path, method === 'PUT' ? { every: 'daily' } : undefined)).status);
    }
    expect(statuses).toEqual([403, 403, 403, 403, 403, 403, 403]);
    await ctx.close();
  });
});
