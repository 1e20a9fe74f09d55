// Drill-down from live figures (issue 20) in a real browser: a logged-in admin's wallboard tiles
// and live-view cells of today open lists (today's range in the site's zone) whose totals, read
// from the list page, are the figures shown; a ratio's numerator / denominator is the ratio shown;
// a kiosk TV's wallboard has no links.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, logIn } from '../support/browser.ts';
import { CLEAR_OF_MIDNIGHT_TIMEOUT_MS, clearOfMidnight } from '../support/day-clock.ts';
import { abandonedCall, answeredCall, appendLines } from '../support/queue-log-writer.ts';
import { startTableroOnQueueLog, type TableroProcess } from '../support/tablero-process.ts';
import { waitFor } from '../support/wait-for.ts';

let queueLog: string;
let tablero: TableroProcess;
let dispose: () => Promise<void>;
let browser: Browser;

beforeAll(clearOfMidnight, CLEAR_OF_MIDNIGHT_TIMEOUT_MS);
beforeAll(async () => {
  ({ tablero, queueLog, dispose } = await startTableroOnQueueLog());
  browser = await launchChromium();
  const now = Math.floor(Date.now() / 1000);
  // Queue 101 today: answered after 5, 30 and 8 s; abandoned after 12 and 40 s. Offered 5,
  // answered within 20 s 2: service level 40 %, abandonment 40 %.
  appendLines(queueLog, [
    ...answeredCall({ queue: '101', callid: `${now}.1`, endS: now - 300, wait: 5, talk: 40 }),
    ...answeredCall({ queue: '101', callid: `${now}.2`, endS: now - 240, wait: 30, talk: 50 }),
    ...abandonedCall({ queue: '101', callid: `${now}.3`, endS: now - 200, wait: 12 }),
    ...answeredCall({ queue: '101', callid: `${now}.4`, endS: now - 120, wait: 8, talk: 20 }),
    ...abandonedCall({ queue: '101', callid: `${now}.5`, endS: now - 60, wait: 40 }),
  ].sort((a, b) => Number(a.split('|')[0]) - Number(b.split('|')[0])));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await dispose?.();
});

/** Opens a drill link and reads the list's total from the page. */
async function listTotal(page: Page, hash: string): Promise<number> {
  await page.goto(`${tablero.url}/${hash}`);
  const view = page.getByTestId('calls-view');
  await waitFor(async () => (await view.getAttribute('data-query')) === hash.replace(/^#\/calls\?/, '') && (await view.getAttribute('data-status')) === 'ready', { timeoutMs: 20_000, what: `the list ${hash}` });
  return Number(await page.getByTestId('calls-total').getAttribute('data-value'));
}

const href = async (page: Page, testid: string): Promise<string> => (await page.getByTestId(testid).getAttribute('href')) ?? '';

describe('live figures open the calls of today (Chromium)', () => {
  it("an admin's wallboard tiles: each count, and the terms of the service level and of the abandonment rate", async () => {
    const page = await logIn(await browser.newPage({ viewport: { width: 1600, height: 900 } }), tablero.url, 'admin', tablero.admin.password);
    await expect.poll(() => page.getByTestId('tile-offered-101').textContent(), { timeout: 30_000 }).toBe('5');
    await expect.poll(() => page.getByTestId('tile-abandoned-101').textContent(), { timeout: 30_000 }).toBe('2');
    expect([await page.getByTestId('tile-sl-101').getAttribute('data-value'), await page.getByTestId('tile-abandon-rate-101').getAttribute('data-value')]).toEqual(['40', '40']);
    const links = {
      offered: await href(page, 'drill-offered-101'),
      answered: await href(page, 'drill-answered-101'),
      abandoned: await href(page, 'drill-abandoned-101'),
      slNum: await href(page, 'drill-sl-101-num'),
      slDen: await href(page, 'drill-sl-101-den'),
      abNum: await href(page, 'drill-abandon-rate-101-num'),
      abDen: await href(page, 'drill-abandon-rate-101-den'),
    };
    // Today in the site's zone: from today to tomorrow, this queue and site.
    expect(links.offered).toMatch(/^#\/calls\?from=\d{4}-\d{2}-\d{2}&to=\d{4}-\d{2}-\d{2}&tz=[^&]+&site=default&queue=101&figure=offered$/);
    const totals: Record<string, number> = {};
    for (const [k, h] of Object.entries(links)) totals[k] = await listTotal(page, h);
    expect(totals).toEqual({ offered: 5, answered: 3, abandoned: 2, slNum: 2, slDen: 5, abNum: 2, abDen: 5 });
    await page.close();
  });

  it('the live view: service level, offered, answered and abandoned of today', async () => {
    const page = await logIn(await browser.newPage(), tablero.url, 'admin', tablero.admin.password);
    await page.goto(`${tablero.url}/#/live`);
    await expect.poll(() => page.getByTestId('live-queue-offered-101').textContent(), { timeout: 30_000 }).toBe('5');
    const links = [
      await href(page, 'live-drill-offered-101'), await href(page, 'live-drill-answered-101'), await href(page, 'live-drill-abandoned-101'),
      await href(page, 'live-drill-sl_pct-101-num'), await href(page, 'live-drill-sl_pct-101-den'),
    ];
    const totals: number[] = [];
    for (const h of links) totals.push(await listTotal(page, h));
    expect(totals).toEqual([5, 3, 2, 2, 5]);
    await page.close();
  });

  it('a kiosk TV shows the same figures with no links', async () => {
    const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    await page.goto(`${tablero.url}/?kiosk=${tablero.admin.kioskToken}#/wallboard`);
    await expect.poll(() => page.getByTestId('tile-offered-101').textContent(), { timeout: 30_000 }).toBe('5');
    expect(await page.locator('[data-testid="queue-card-101"] a').count()).toBe(0);
    await page.close();
  });
});
