// Creating and running a calibration session in Chromium against the real all-in-one run: a QA
// lead creates the session through the form (a refused tolerance is told in Spanish and what was
// typed stays), two analysts score blind with the running score in view, and the revealed
// figures show answers as words, each raw score beside the zeroed one (a critical error zeroed
// both, yet they disagreed) and kappa with its explanation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { apiLogin, launchChromium, logIn } from '../support/browser.ts';
import { startTableroOnQueueLog, type TableroProcess } from '../support/tablero-process.ts';
import { answeredCall, appendLines } from '../support/queue-log-writer.ts';
import { waitFor } from '../support/wait-for.ts';
import { MONITOREO_FORM } from '../support/qa-form.ts';

const PASSWORD = 'calibracion-desde-el-formulario';

let queueLog: string;
let tablero: TableroProcess;
let dispose: () => Promise<void>;
let browser: Browser;
let callid: string;

async function pageOf(username: string): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width: 1366, height: 900 } })).newPage();
  return logIn(page, tablero.url, username, PASSWORD);
}

beforeAll(async () => {
  ({ tablero, queueLog, dispose } = await startTableroOnQueueLog());
  const admin = await apiLogin(tablero.url, 'admin', tablero.admin.password);
  for (const username of ['lucia', 'quique', 'rita']) {
    expect((await admin.send('POST', '/api/users', { username, password: PASSWORD, role: 'qa_analyst' })).status).toBe(201);
  }
  const now = Math.floor(Date.now() / 1000);
  callid = `${now}.88`;
  appendLines(queueLog, answeredCall({ queue: '101', callid, endS: now, wait: 12, talk: 95, agent: 'Ana' }));
  await waitFor(async () => (await admin.send('GET', `/api/qa/calls/${callid}`)).status === 200, { timeoutMs: 20_000, what: 'the answered call to be stored' });
  const form = await admin.send('POST', '/api/qa/forms', {
    spec: MONITOREO_FORM,
  });
  expect(form.status).toBe(200);
  browser = await launchChromium();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await dispose?.();
});

describe('a calibration session created and run in Chromium', () => {
  it('the lead creates it through the form, two analysts score with a running score, and the figures keep them apart', async () => {
    const lucia = await pageOf('lucia');
    await lucia.goto(`${tablero.url}/#/qa`);
    expect(await lucia.getByTestId('qa-tab-score').textContent()).toBe('Calificar llamadas');
    await lucia.getByTestId('cal-new-title').fill('Calibración de diciembre');
    await lucia.getByTestId('cal-new-call').fill(callid);
    await expect.poll(() => lucia.getByTestId('cal-new-form').inputValue(), { timeout: 10_000 }).not.toBe('');
    await lucia.getByTestId('cal-new-analysts').fill('quique, rita');
    await lucia.getByTestId('cal-new-tolerance').fill('200');
    await lucia.getByTestId('cal-new-create').click();
    await expect.poll(() => lucia.getByTestId('cal-new-error').textContent(), { timeout: 10_000 }).toBe(
      'La tolerancia es un número de puntos de 0 a 100 con hasta 2 decimales.',
    );
    expect(await lucia.getByTestId('cal-new-analysts').inputValue()).toBe('quique, rita');
    await lucia.getByTestId('cal-new-tolerance').fill('5');
    await lucia.getByTestId('cal-new-create').click();
    await lucia.waitForURL(/#\/qa\?session=/, { timeout: 10_000 });
    const sessionId = new URL(lucia.url()).hash.replace('#/qa?session=', '');
    await expect.poll(() => lucia.getByTestId('cal-title').textContent(), { timeout: 10_000 }).toBe('Calibración de diciembre');

    const quique = await pageOf('quique');
    const rita = await pageOf('rita');
    for (const page of [quique, rita]) {
      await page.goto(`${tablero.url}/#/qa?session=${sessionId}`);
      await page.getByTestId('cal-form').waitFor({ timeout: 20_000 });
    }
    // Quique: yes, NO on the critical item, 4 -> zeroed; 100 x (1 + 0 + 2) / 4 = 75 without it.
    await quique.getByTestId('answer-saludo').selectOption('1');
    await expect.poll(() => quique.getByTestId('running-score').textContent(), { timeout: 10_000 }).toBe(
      'Puntaje hasta ahora: 100,00 (supera) · ítems respondidos: 1 de 3',
    );
    await quique.getByTestId('answer-datos').selectOption('0');
    await quique.getByTestId('answer-solucion').selectOption('4');
    await expect.poll(() => quique.getByTestId('running-score').textContent(), { timeout: 10_000 }).toBe(
      'Puntaje hasta ahora: 0 por error crítico (sin él: 75,00) · ítems respondidos: 3 de 3',
    );
    await quique.getByTestId('cal-comment').fill('No verificó la cédula.');
    await quique.getByTestId('cal-submit').click();
    await quique.getByTestId('cal-stats').waitFor({ timeout: 10_000 });
    // Rita: no, no, 0 -> zeroed, 0 without it too.
    await rita.getByTestId('answer-saludo').selectOption('0');
    await rita.getByTestId('answer-datos').selectOption('0');
    await rita.getByTestId('answer-solucion').selectOption('0');
    await rita.getByTestId('cal-submit').click();

    for (const page of [rita, quique]) {
      await expect.poll(() => page.getByTestId('raw-score-rita').textContent(), { timeout: 15_000 }).toBe('0,00');
      expect(await page.getByTestId('score-quique').textContent()).toBe('0,00 ⚠');
      expect(await page.getByTestId('score-rita').textContent()).toBe('0,00 ⚠');
      expect(await page.getByTestId('raw-score-quique').textContent()).toBe('75,00');
      expect(await page.getByTestId('answer-saludo-quique').textContent()).toBe('Sí');
      expect(await page.getByTestId('answer-saludo-rita').textContent()).toBe('No');
      expect(await page.getByTestId('answer-solucion-quique').textContent()).toBe('4');
      expect(await page.getByTestId('cal-kappa-help').textContent()).toContain('1 = acuerdo total, 0 = lo mismo que al azar');
    }
    // The lead's list has the session with both submissions.
    await lucia.goto(`${tablero.url}/#/qa`);
    await expect.poll(() => lucia.getByTestId(`qa-session-${sessionId}`).textContent(), { timeout: 10_000 }).toBe('Calibración de diciembre');
    expect(await lucia.getByTestId('qa-sessions').textContent()).toContain('Enviaron: 2 de 2');

    await quique.selectOption('[data-testid=lang-switch]', 'en');
    await expect.poll(() => quique.getByTestId('answer-saludo-quique').textContent(), { timeout: 10_000 }).toBe('Yes');
    expect(await quique.getByTestId('raw-score-quique').textContent()).toBe('75.00');
    for (const page of [lucia, quique, rita]) await page.context().close();
  }, 120_000);
});
