// A calibration session in a real browser (Debian's Chromium driven by playwright-core) against
// the real all-in-one run: two analysts in two browser contexts score the same call blind; after
// the second submits, both screens show both deviations, without a reload (live update over the
// WebSocket, then each screen fetches what its user may see).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { apiLogin, launchChromium, logIn } from '../support/browser.ts';
import { startTableroOnQueueLog, type TableroProcess } from '../support/tablero-process.ts';
import { answeredCall, appendLines } from '../support/queue-log-writer.ts';
import { waitFor } from '../support/wait-for.ts';
import { MONITOREO_FORM } from '../support/qa-form.ts';
import { CLEAR_OF_MIDNIGHT_TIMEOUT_MS, clearOfMidnight } from '../support/day-clock.ts';

const PASSWORD = 'calibracion-quincenal-2026';

let queueLog: string;
let tablero: TableroProcess;
let dispose: () => Promise<void>;
let browser: Browser;

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

describe('calibration session in Chromium', () => {
  it('shows both deviations on both analysts screens after the second submits', async () => {
    const admin = await apiLogin(tablero.url, 'admin', tablero.admin.password);
    for (const username of ['quique', 'rita']) {
      expect((await admin.send('POST', '/api/users', { username, password: PASSWORD, role: 'qa_analyst' })).status).toBe(201);
    }
    const now = Math.floor(Date.now() / 1000);
    const callid = `${now}.77`;
    appendLines(queueLog, answeredCall({ queue: '101', callid, endS: now, wait: 12, talk: 95, agent: 'Ana' }));
    await waitFor(async () => (await admin.send('GET', `/api/qa/calls/${callid}`)).status === 200, { timeoutMs: 20_000, what: 'the answered call to be stored' });

    const form = await admin.send('POST', '/api/qa/forms', {
      spec: MONITOREO_FORM,
    });
    expect(form.status).toBe(200);
    const created = await admin.send('POST', '/api/qa/calibrations', {
      title: 'Calibración quincenal',
      callid,
      form_id: (form.body as { form_id: string }).form_id,
      analysts: ['quique', 'rita'],
      reference_analyst: null,
      deadline_ms: Date.now() + 3_600_000,
    });
    expect(created.status).toBe(200);
    const sessionId = (created.body as { session_id: string }).session_id;

    const quique = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
    const rita = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
    await logIn(quique, tablero.url, 'quique', PASSWORD);
    await logIn(rita, tablero.url, 'rita', PASSWORD);
    for (const page of [quique, rita]) {
      await page.goto(`${tablero.url}/#/qa?session=${sessionId}`);
      await page.getByTestId('cal-form').waitFor({ timeout: 20_000 });
      await page.getByTestId('conn-status').waitFor();
    }

    // Quique: yes, yes, 4 -> 100. He sees the figures so far (no one to compare with yet).
    await quique.getByTestId('answer-saludo').selectOption('1');
    await quique.getByTestId('answer-datos').selectOption('1');
    await quique.getByTestId('answer-solucion').selectOption('4');
    await quique.getByTestId('cal-submit').click();
    await quique.getByTestId('cal-stats').waitFor({ timeout: 10_000 });
    expect(await quique.getByTestId('score-quique').textContent()).toBe('100,00');
    expect(await quique.getByTestId('deviation-quique').textContent()).toBe('—');
    // Rita still scores blind, but sees that one analyst submitted.
    await expect.poll(() => rita.getByTestId('cal-submitted').getAttribute('data-value'), { timeout: 10_000 }).toBe('1');
    expect(await rita.getByTestId('cal-blind').isVisible()).toBe(true);
    expect(await rita.getByTestId('cal-stats').count()).toBe(0);

    // Rita: no, yes, 2 -> 100 x (0 + 1 + 2 x 2/4) / 4 = 50. Consensus: deviations +50 and -50.
    await rita.getByTestId('answer-saludo').selectOption('0');
    await rita.getByTestId('answer-datos').selectOption('1');
    await rita.getByTestId('answer-solucion').selectOption('2');
    await rita.getByTestId('cal-submit').click();

    for (const page of [rita, quique]) {
      await expect.poll(() => page.getByTestId('deviation-quique').getAttribute('data-value'), { timeout: 15_000 }).toBe('50');
      await expect.poll(() => page.getByTestId('deviation-rita').getAttribute('data-value'), { timeout: 15_000 }).toBe('-50');
      expect(await page.getByTestId('deviation-quique').textContent()).toBe('+50,00');
      expect(await page.getByTestId('deviation-rita').textContent()).toBe('-50,00');
      expect(await page.getByTestId('cal-spread').textContent()).toBe('50,00');
    }
    // Quique's page was never reloaded: the form he filled was replaced by the figures in place.
    expect(await quique.evaluate(() => performance.getEntriesByType('navigation').length)).toBe(1);
    await quique.context().close();
    await rita.context().close();
  });
});
