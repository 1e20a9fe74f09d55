// Quality monitoring in a real browser (Debian's Chromium driven by playwright-core) against the
// real all-in-one run: an analyst builds an evaluation form in the editor and publishes it,
// opens an answered call, scores it, sees the agent's result (average, critical accuracy, trend
// chart), then edits the evaluation, which stores version 2 and keeps version 1 in the history.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { apiLogin, launchChromium, logIn } from '../support/browser.ts';
import { startTableroOnQueueLog, type TableroProcess } from '../support/tablero-process.ts';
import { answeredCall, appendLines } from '../support/queue-log-writer.ts';
import { waitFor } from '../support/wait-for.ts';
import { CLEAR_OF_MIDNIGHT_TIMEOUT_MS, clearOfMidnight } from '../support/day-clock.ts';

const PASSWORD = 'monitoreo-mensual-2026';

let queueLog: string;
let tablero: TableroProcess;
let dispose: () => Promise<void>;
let browser: Browser;

function trendOf(page: Page): Promise<Array<number | null> | undefined> {
  return page.evaluate(() => {
    const charts = (globalThis as unknown as { __tableroCharts?: Record<string, { series: Array<{ data: Array<number | null> }> }> }).__tableroCharts;
    return charts?.['qa-agent-trend']?.series[0]?.data;
  });
}

// Today's figures are read: not across UTC midnight (see day-clock.ts).
beforeAll(clearOfMidnight, CLEAR_OF_MIDNIGHT_TIMEOUT_MS);
beforeAll(async () => {
  ({ tablero, queueLog, dispose } = await startTableroOnQueueLog());
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await dispose?.();
});

describe('quality monitoring in Chromium', () => {
  it('lets an analyst create a form, score a call and see the agent result', async () => {
    const admin = await apiLogin(tablero.url, 'admin', tablero.admin.password);
    expect(await admin.status('POST', '/api/users', { username: 'quique', password: PASSWORD, role: 'qa_analyst' })).toBe(201);
    const now = Math.floor(Date.now() / 1000);
    const callid = `${now}.31`;
    appendLines(queueLog, answeredCall({ queue: '101', callid, endS: now, wait: 12, talk: 95, agent: 'Ana' }));
    await waitFor(async () => (await admin.status('GET', `/api/qa/calls/${callid}`)) === 200, { timeoutMs: 20_000, what: 'the answered call to be stored' });

    const page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
    await logIn(page, tablero.url, 'quique', PASSWORD);

    // The form: greets (yes/no), verifies data (yes/no, critical compliance), solves (0..4, weight 2).
    await page.goto(`${tablero.url}/#/qa/forms`);
    await page.getByTestId('form-editor').waitFor({ timeout: 20_000 });
    await page.getByTestId('form-name').fill('Monitoreo mensual');
    await page.getByTestId('form-policy').selectOption('keep_score');
    await page.getByTestId('section-title-0').fill('Atención');
    await page.getByTestId('item-label-0-0').fill('Saluda con el guion');
    await page.getByTestId('add-item-0').click();
    await page.getByTestId('item-label-0-1').fill('Verifica datos');
    await page.getByTestId('item-critical-0-1').selectOption('compliance');
    await page.getByTestId('add-item-0').click();
    await page.getByTestId('item-label-0-2').fill('Resuelve');
    await page.getByTestId('item-type-0-2').selectOption('scale');
    await page.getByTestId('item-max-0-2').fill('4');
    await page.getByTestId('item-weight-0-2').fill('2');
    await page.getByTestId('item-guidance-0-2').fill('Solución en la primera llamada');
    await page.getByTestId('form-publish').click();
    await expect.poll(() => page.getByTestId('form-notice').textContent(), { timeout: 10_000 }).toBe('Publicado: Monitoreo mensual, versión 1');

    // Score the call: yes, no (critical compliance failed, score kept), 2 of 4:
    // 100 x (1 + 0 + 2 x 2/4) / 4 = 50, band "Por mejorar" (0-60).
    await page.goto(`${tablero.url}/#/qa/score?call=${encodeURIComponent(callid)}`);
    await page.getByTestId('call-facts').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('fact-agent').textContent()).toBe('Ana');
    expect(await page.getByTestId('fact-queue').textContent()).toBe('101');
    expect(await page.getByTestId('fact-wait').textContent()).toBe('12');
    expect(await page.getByTestId('fact-talk').textContent()).toBe('95');
    // Analysts need the caller's number: not masked.
    expect(await page.getByTestId('fact-caller').textContent()).toBe('3001234567');
    await page.getByTestId('answer-i1').selectOption('1');
    await page.getByTestId('answer-i2').selectOption('0');
    await page.getByTestId('answer-i3').selectOption('2');
    await page.getByTestId('score-submit').click();
    await expect.poll(() => page.getByTestId('score-result').getAttribute('data-value'), { timeout: 10_000 }).toBe('50');
    expect((await page.getByTestId('score-result').textContent())?.replace(/\s+/g, ' ').trim()).toBe(
      'Resultado: 50,00 puntos (Por mejorar) Errores críticos: cumplimiento',
    );

    // The agent's result, reached from the scoring screen.
    await page.getByTestId('score-agent-link').click();
    await expect.poll(() => page.getByTestId('results-avg').getAttribute('data-value'), { timeout: 10_000 }).toBe('50');
    expect(await page.getByTestId('results-count').textContent()).toBe('1');
    expect(await page.getByTestId('results-critical-compliance').textContent()).toBe('0,00');
    expect(await page.getByTestId('results-critical-end_user').textContent()).toBe('100,00');
    await expect.poll(async () => (await trendOf(page))?.at(-1), { timeout: 10_000 }).toBe(50);
    expect((await trendOf(page))?.length).toBe(6);

    // Edit: data verified after all -> 100 x (1 + 1 + 1) / 4 = 75, version 2; version 1 stays.
    await page.getByTestId('results-evaluations').getByRole('link').click();
    await page.getByTestId('score-history').waitFor({ timeout: 10_000 });
    await expect.poll(() => page.getByTestId('answer-i2').inputValue(), { timeout: 10_000 }).toBe('0');
    await page.getByTestId('answer-i2').selectOption('1');
    await page.getByTestId('score-submit').click();
    await expect.poll(() => page.getByTestId('score-result').getAttribute('data-value'), { timeout: 10_000 }).toBe('75');
    await expect.poll(() => page.getByTestId('score-history').locator('tbody tr').count(), { timeout: 10_000 }).toBe(2);
    expect(await page.getByTestId('score-history').locator('tbody tr').first().locator('td').nth(1).textContent()).toBe('50,00');
    await page.context().close();
  });
});
