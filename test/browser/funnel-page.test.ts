// The funnel page in a real browser (Debian's Chromium through playwright-core) against the real
// all-in-one run, on the hand-worked Asterisk 18+ calls (processor/src/testing/cdr-legs.ts: the
// eight calls A-H) imported before start as a Master.csv and a queue_log: reached from the Reports
// page over its range, the table shows the processor's rows in Spanish and English with each
// column's definition, the services' definitions and IVR options, a bad service is refused in the
// user's language, and a phone never scrolls sideways.
import { rmSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, logIn } from '../support/browser.ts';
import { startFunnelRun } from '../support/funnel-run.ts';
import type { TableroProcess } from '../support/tablero-process.ts';
import { waitFor } from '../support/wait-for.ts';

const DAY_S = 86_400;
const D_S = Math.floor(Date.now() / 1000 / DAY_S) * DAY_S - 3 * DAY_S;
const T = D_S + 14 * 3600;
const D = new Date(D_S * 1000).toISOString().slice(0, 10);
const NEXT = new Date((D_S + DAY_S) * 1000).toISOString().slice(0, 10);

let dir: string;
let tablero: TableroProcess;
let browser: Browser;

beforeAll(async () => {
  ({ dir, tablero } = await startFunnelRun(T));
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await tablero?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const cells = (page: Page, row: string): Promise<string[]> =>
  page.locator(`[data-testid="funnel-row-${row}"] td`).allInnerTexts();

async function openFromReports(page: Page): Promise<void> {
  await page.goto(`${tablero.url}/#/reports?from=${D}&to=${NEXT}`);
  await page.locator('[data-testid="report-funnel-link"]').click();
  await waitFor(async () => (await page.locator('[data-testid="funnel-status"]').getAttribute('data-status')) === 'ready', { timeoutMs: 30_000, what: 'the funnel' });
}

describe('funnel page', () => {
  it('reached from Reports over its range: the processor rows, in Spanish then English, with definitions', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    try {
      const page = await logIn(await ctx.newPage(), tablero.url, 'admin', tablero.admin.password);
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      await openFromReports(page);
      expect(page.url()).toContain(`#/funnel?from=${D}&to=${NEXT}`);
      // 101: A B C G; 102: D E H (kpi-definitions §13; the processor test explains each call).
      // q102's default T is 20 s here, so call D (answered after 30 s in q102) is not within T.
      expect(await cells(page, `101-${D}`)).toEqual(['101', D, '4', '1', '3', '1', '0', '2', '1', '1', '1', '0']);
      expect(await cells(page, `102-${D}`)).toEqual(['102', D, '3', '0', '3', '0', '1', '2', '2', '1', '0', '0']);
      expect(await page.locator('th[data-col="lost_before_queue"]').innerText()).toBe('Perdidas antes de la cola');
      expect(await page.locator('th[data-col="answered_within"]').getAttribute('title')).toBe(
        'Su primera estadía contestada esperó hasta T de esa cola (la definición vigente cuando entró).',
      );
      expect(await page.locator('[data-testid="funnel-def-101"]').innerText()).toBe(
        '101: entrante = un tramo en el contexto from-pstn hacia 6014400101; opción del IVR leída de queue_log:IVROPTION; opciones de asesor: 0, 2; T de la cola que contestó: q101 ≤ 20 s; periodos en UTC.\nIngresadas por opción del IVR: 1: 1, 2: 3',
      );
      expect(await page.locator('[data-testid="funnel-options-102"] [data-option]').evaluateAll((els) => els.map((e) => [e.getAttribute('data-option'), e.getAttribute('data-calls'), e.textContent]))).toEqual([
        ['', '1', 'sin opción: 1'],
        ['0', '2', '0: 2'],
      ]);
      await page.selectOption('[data-testid=lang-switch]', 'en');
      await waitFor(async () => (await page.locator('th[data-col="lost_before_queue"]').innerText()) === 'Lost before the queue', { timeoutMs: 10_000, what: 'English headers' });
      expect(await page.locator('[data-testid="funnel-options-102"]').innerText()).toBe('Inbound calls per IVR option: no option: 1, 0: 2');
      expect(errors).toEqual([]);
    } finally {
      await ctx.close();
    }
  });

  it('each count opens its calls: the list\'s total read from the page equals the cell, each call links to its story', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const page = await logIn(await ctx.newPage(), tablero.url, 'admin', tablero.admin.password);
      await openFromReports(page);
      await page.selectOption('[data-testid=lang-switch]', 'es-CO');
      const list = page.locator('[data-testid="funnel-calls"]');
      for (const row of [`101-${D}`, `102-${D}`]) {
        for (const cell of await page.locator(`[data-testid="funnel-row-${row}"] td[data-col]`).all()) {
          const col = await cell.getAttribute('data-col');
          const figure = await cell.innerText();
          await cell.locator('button').click();
          const title = `${await page.locator(`th[data-col="${col}"]`).innerText()}: servicio ${row.slice(0, 3)}, ${D}`;
          await waitFor(async () => (await list.getAttribute('data-status')) === 'ready' && (await list.locator('h2').innerText()) === title, { timeoutMs: 30_000, what: `the calls of ${row} ${col}` });
          expect([row, col, await page.locator('[data-testid="funnel-calls-total"]').innerText()]).toEqual([row, col, `${figure} llamadas`]);
          expect([row, col, await list.locator('tbody tr').count()]).toEqual([row, col, Number(figure)]);
        }
      }
      // 101 answered: call B alone, linked to its story by its first uniqueid (the linkedid).
      await page.locator(`[data-testid="funnel-cell-101-${D}-answered"]`).click();
      await waitFor(async () => (await list.getAttribute('data-status')) === 'ready' && (await list.locator('h2').innerText()) === `Contestadas: servicio 101, ${D}`, { timeoutMs: 30_000, what: 'the answered calls' });
      expect(await page.locator('[data-testid="funnel-calls-definition"]').innerText()).toBe('Un asesor contestó alguna de sus estadías.');
      expect(await list.locator('tbody tr a').evaluateAll((as) => as.map((a) => a.getAttribute('href')))).toEqual([`#/call/default/${T + 2}.2`]);
    } finally {
      await ctx.close();
    }
  });

  it('an unknown service is refused in the user\'s words; the form keeps what was typed', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const page = await logIn(await ctx.newPage(), tablero.url, 'admin', tablero.admin.password);
      await openFromReports(page);
      // The first test left the admin in English (the language is stored per user).
      await page.selectOption('[data-testid=lang-switch]', 'es-CO');
      await page.locator('[data-testid="funnel-services"]').fill('999');
      await page.locator('[data-testid="funnel-run"]').click();
      await waitFor(async () => (await page.locator('[data-testid="funnel-status"]').getAttribute('data-status')) === 'error', { timeoutMs: 30_000, what: 'the refusal' });
      expect(await page.locator('[data-testid="funnel-refusal"]').innerText()).toBe('No hay un servicio «999» configurado en la sede default.');
      expect(await page.locator('[data-testid="funnel-services"]').inputValue()).toBe('999');
    } finally {
      await ctx.close();
    }
  });

  it('on a 390 px phone the page does not scroll sideways (the table scrolls in its box)', async () => {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 } });
    try {
      const page = await logIn(await ctx.newPage(), tablero.url, 'admin', tablero.admin.password);
      await openFromReports(page);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    } finally {
      await ctx.close();
    }
  });
});
