// The wallboard in a real browser (Debian's Chromium driven by playwright-core) against the real
// all-in-one run: open the kiosk link, append queue_log lines, see the tiles change.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/browser.ts';
import { REPO_ROOT, startTableroOnQueueLog, type TableroProcess } from '../support/tablero-process.ts';
import { abandonedCall, answeredCall, appendLines } from '../support/queue-log-writer.ts';
import { CLEAR_OF_MIDNIGHT_TIMEOUT_MS, clearOfMidnight } from '../support/day-clock.ts';

const ARTIFACTS = join(REPO_ROOT, 'test-artifacts');

let queueLog: string;
let tablero: TableroProcess;
let dispose: () => Promise<void>;
let browser: Browser;

// Today's figures are read: not across UTC midnight (see day-clock.ts).
beforeAll(clearOfMidnight, CLEAR_OF_MIDNIGHT_TIMEOUT_MS);
beforeAll(async () => {
  ({ tablero, queueLog, dispose } = await startTableroOnQueueLog());
  browser = await launchChromium();
  mkdirSync(ARTIFACTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await dispose?.();
});

describe('wallboard in Chromium', () => {
  it('opens from the kiosk link without login and updates tiles when lines are appended', async () => {
    const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    await page.goto(`${tablero.url}/?kiosk=${tablero.admin.kioskToken}#/wallboard`);
    await page.getByTestId('conn-status').waitFor();

    const now = Math.floor(Date.now() / 1000);
    appendLines(queueLog, answeredCall({ queue: '101', callid: `${now}.11`, endS: now, wait: 8, talk: 30 }));
    const answered = page.getByTestId('tile-answered-101');
    await expect.poll(() => answered.textContent(), { timeout: 20_000 }).toBe('1');
    await expect.poll(() => page.getByTestId('tile-offered-101').textContent()).toBe('1');

    appendLines(queueLog, abandonedCall({ queue: '101', callid: `${now}.12`, endS: now + 1, wait: 25 }));
    await expect.poll(() => page.getByTestId('tile-abandoned-101').textContent(), { timeout: 20_000 }).toBe('1');
    await expect.poll(() => page.getByTestId('tile-offered-101').textContent()).toBe('2');
    // 1 answered within 20 s of 2 offered: 50 % under the default formula (offered).
    const sl = page.getByTestId('tile-sl-101');
    expect(await sl.getAttribute('data-value')).toBe('50');
    expect((await sl.textContent())?.replace(/\s/g, '')).toBe('50,0%');
    // The chart of the day has the same figure in the current interval.
    const chartPoints = (): Promise<Array<number | null> | undefined> =>
      page.evaluate(() => {
        const charts = (globalThis as unknown as { __tableroCharts?: Record<string, { series: Array<{ data: Array<number | null> }> }> }).__tableroCharts;
        return charts?.['101']?.series[0]?.data;
      });
    await expect.poll(async () => (await chartPoints())?.filter((v) => v !== null), { timeout: 10_000 }).toEqual([50]);
    await page.screenshot({ path: join(ARTIFACTS, 'wallboard.png') });
    await page.close();
  });

  it('shows the login view to a visitor with neither session nor kiosk token', async () => {
    const page = await browser.newPage();
    await page.goto(`${tablero.url}/#/wallboard`);
    await page.getByTestId('login-username').waitFor({ timeout: 10_000 });
    await page.getByTestId('login-username').fill('admin');
    await page.getByTestId('login-password').fill('wrong-password');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('login-error').waitFor();
    await page.getByTestId('login-password').fill(tablero.admin.password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('queue-card-101').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('tile-offered-101').textContent()).toBe('2');
    await page.close();
  });
});
