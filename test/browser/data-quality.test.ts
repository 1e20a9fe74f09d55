// The data quality page in Chromium against the real `tablero start`: a one-off history import
// (`tablero import`, lines of three days ago) is listed as a finished import, not as a silent live
// source; the tailed queue_log is active; accepted and rejected lines are counted over the page's
// window from the store, the running ingest's counters since start shown apart.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium, logIn } from '../support/browser.ts';
import { answeredCall, appendLines } from '../support/queue-log-writer.ts';
import { runTablero, startTablero, type TableroProcess } from '../support/tablero-process.ts';

const DAY_S = 86_400;

let dir: string;
let history: string;
let cdrFile: string;
let live: string;
let tablero: TableroProcess;
let browser: Browser;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tablero-dq-'));
  const dataDir = join(dir, 'data');
  history = join(dir, 'queue_log.1');
  live = join(dir, 'queue_log');
  const past = Math.floor(Date.now() / 1000) - 3 * DAY_S;
  // Four answered calls (12 lines) and one line that is not a queue_log line.
  const lines = Array.from({ length: 4 }, (_, i) => answeredCall({ queue: '101', callid: `h.${i}`, endS: past + i * 600, wait: 10, talk: 60, agent: 'Ana' })).flat();
  writeFileSync(history, `${[...lines.slice(0, 6), 'esto no es una línea de queue_log', ...lines.slice(6)].join('\n')}\n`);
  writeFileSync(live, '');
  const imported = await runTablero(['import', history], { dataDir });
  if (imported.code !== 0) throw new Error(`import failed: ${imported.stderr}`);
  // A CDR import too (Master.csv, cdr_csv layout, told by its content): two calls of two days ago.
  cdrFile = join(dir, 'Master.csv');
  const cdrAt = (s: number): string => new Date(s * 1000).toISOString().slice(0, 19).replace('T', ' ');
  const cdrRow = (s: number, id: string): string =>
    `"","3001112233","101","from-pstn","""Cliente"" <3001112233>","SIP/trunk-0001","SIP/200-0002","Queue","101","${cdrAt(s)}","${cdrAt(s + 5)}","${cdrAt(s + 65)}",65,60,"ANSWERED","DOCUMENTATION","${id}",""`;
  const cdrS = Math.floor(Date.now() / 1000) - 2 * DAY_S;
  writeFileSync(cdrFile, `${cdrRow(cdrS, `${cdrS}.1`)}\n${cdrRow(cdrS + 300, `${cdrS + 300}.2`)}\n`);
  const cdrImported = await runTablero(['import', cdrFile], { dataDir });
  if (cdrImported.code !== 0) throw new Error(`CDR import failed: ${cdrImported.stderr}`);
  tablero = await startTablero({ args: ['--source', live, '--no-simulate'], dataDir });
  const now = Math.floor(Date.now() / 1000);
  appendLines(live, answeredCall({ queue: '101', callid: `${now}.1`, endS: now - 5, wait: 5, talk: 30, agent: 'Beto' }));
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await tablero?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the data quality page', () => {
  it('lists a finished import apart from live sources and counts lines over the window from the store', async () => {
    const page = await logIn(await (await browser.newContext({ viewport: { width: 1600, height: 1000 } })).newPage(), tablero.url, 'admin', tablero.admin.password);
    await page.getByTestId('nav-quality').click();
    await page.getByTestId('quality-days').selectOption('7');
    const importRow = page.locator(`[data-testid=quality-source][data-source="import:${history}"]`);
    const liveRow = page.locator(`[data-testid=quality-source][data-source="${live}"]`);
    await expect.poll(() => liveRow.getByTestId('quality-accepted').textContent(), { timeout: 30_000 }).toBe('3');
    await expect.poll(() => importRow.getByTestId('quality-accepted').textContent(), { timeout: 30_000 }).toBe('12');
    expect(await importRow.getByTestId('quality-rejected').textContent()).toBe('1');
    expect(await importRow.getAttribute('data-silent')).toBe('false');
    expect(await importRow.getByTestId('quality-status').textContent()).toBe('importación terminada');
    expect(await importRow.getByTestId('quality-since-start').textContent()).toBe('—');
    expect(await liveRow.getByTestId('quality-status').textContent()).toBe('activa');
    expect(await liveRow.getByTestId('quality-since-start').textContent()).toBe('3 / 0');
    // The CDR import: its rows counted from the store, as CDR, a finished import.
    const cdrRow = page.locator(`[data-testid=quality-source][data-source="import:${cdrFile}"]`);
    await expect.poll(() => cdrRow.getByTestId('quality-accepted').textContent(), { timeout: 30_000 }).toBe('2');
    expect(await cdrRow.locator('td').nth(2).textContent()).toBe('cdr');
    expect(await cdrRow.getByTestId('quality-status').textContent()).toBe('importación terminada');
    // The last day only: the import's lines are three days old.
    await page.getByTestId('quality-days').selectOption('1');
    await expect.poll(() => importRow.getByTestId('quality-accepted').textContent(), { timeout: 15_000 }).toBe('0');
    expect(await liveRow.getByTestId('quality-accepted').textContent()).toBe('3');

    await page.selectOption('[data-testid=lang-switch]', 'en');
    await expect.poll(() => importRow.getByTestId('quality-status').textContent(), { timeout: 10_000 }).toBe('import finished');
  }, 90_000);
});
