// The dashboard's views in a real browser (Debian's Chromium driven by playwright-core) against
// the real all-in-one run: an admin sets an alert threshold in Settings (the processor picks up
// new setting versions while running) and a site's legal working weekdays, then appended
// queue_log lines change the live view, raise an alert (sound + flash on the wallboard), a stale
// open call shows on the data quality page and not in the live view, a kiosk link stops working
// when revoked, the
// language switch changes the texts, and a report range renders its charts.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { apiFromPage, launchChromium, logIn } from '../support/browser.ts';
import { REPO_ROOT, startTablero, type TableroProcess } from '../support/tablero-process.ts';
import { abandonedCall, answeredCall, appendLines } from '../support/queue-log-writer.ts';
import { CLEAR_OF_MIDNIGHT_TIMEOUT_MS, clearOfMidnight } from '../support/day-clock.ts';

const ARTIFACTS = join(REPO_ROOT, 'test-artifacts');
const ENV = { TZ: 'UTC' };

let dir: string;
let dataDir: string;
let queueLog: string;
let tablero: TableroProcess;
let browser: Browser;
let admin: BrowserContext;

function chartOption<T>(page: Page, key: string): Promise<T | undefined> {
  return page.evaluate((k) => (globalThis as unknown as { __tableroCharts?: Record<string, unknown> }).__tableroCharts?.[k] as T | undefined, key);
}

// Today's figures are read: not across UTC midnight (see day-clock.ts).
beforeAll(clearOfMidnight, CLEAR_OF_MIDNIGHT_TIMEOUT_MS);
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tablero-pbx-'));
  dataDir = mkdtempSync(join(tmpdir(), 'tablero-data-'));
  queueLog = join(dir, 'queue_log');
  writeFileSync(queueLog, '');
  tablero = await startTablero({ args: ['--source', queueLog, '--no-simulate'], dataDir, env: ENV });
  browser = await launchChromium({ autoplay: true });
  admin = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  mkdirSync(ARTIFACTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await tablero?.stop();
  rmSync(dir, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
});

describe('dashboard views in Chromium', () => {
  it('saves an alert threshold from the settings page', async () => {
    const page = await logIn(await admin.newPage(), tablero.url, 'admin', tablero.admin.password);
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('settings-site').fill('default');
    await page.getByTestId('settings-queue').fill('101');
    await page.getByTestId('settings-alert-waiting').fill('0');
    await page.getByTestId('settings-save').click();
    await expect.poll(() => page.getByTestId('settings-message').textContent(), { timeout: 10_000 }).toBe('Guardada la versión 1.');
    await expect.poll(() => page.getByTestId('settings-versions').textContent(), { timeout: 10_000 }).toContain('Alerta: en espera más de: 0');
    await page.close();
    // No restart: the processor picks up new setting versions within ~5 s, and the next test's
    // alert poll (a caller left waiting until the alert is seen) covers that delay.
  });

  it('names Saturday a legal working weekday of the site from the settings page (escalation settings)', async () => {
    const page = await logIn(await admin.newPage(), tablero.url, 'admin', tablero.admin.password);
    await page.getByTestId('nav-settings').click();
    // Loaded from the site's escalation settings: Monday to Friday by default.
    await expect.poll(() => page.getByTestId('legal-day-mon').isChecked(), { timeout: 10_000 }).toBe(true);
    expect(await page.getByTestId('legal-day-sat').isChecked()).toBe(false);
    await page.getByTestId('legal-day-sat').check();
    await page.getByTestId('legal-days-save').click();
    await expect.poll(() => page.getByTestId('settings-message').textContent(), { timeout: 10_000 }).toBe('Guardada la versión 1.');
    const stored = await apiFromPage(page, 'GET', '/api/escalations/settings?site=default');
    expect((stored.body as { working_weekdays: string[] }).working_weekdays).toEqual(['mon', 'tue', 'wed', 'thu', 'fri', 'sat']);
    await page.close();
  });

  it('shows live changes in the supervisor view and raises an alert with a sound and a flash on the wallboard', async () => {
    const page = await logIn(await admin.newPage(), tablero.url, 'admin', tablero.admin.password);
    const board = await admin.newPage();
    await board.goto(`${tablero.url}/#/wallboard`);
    await board.getByTestId('conn-status').waitFor();
    await page.getByTestId('nav-live').click();
    await page.getByTestId('live-view').waitFor();

    const now = Math.floor(Date.now() / 1000);
    appendLines(queueLog, [
      `${now - 5}|NONE|101|Ana|ADDMEMBER|`,
      `${now - 4}|NONE|101|Ana|PAUSE|Almuerzo`,
      // In queue 103 (no alert threshold), so a snapshot taken between its lines raises nothing.
      ...answeredCall({ queue: '103', callid: `${now}.1`, endS: now - 2, wait: 8, talk: 30, agent: 'Beto' }),
    ]);
    await expect.poll(() => page.getByTestId('live-queue-offered-103').textContent(), { timeout: 20_000 }).toBe('1');
    await expect.poll(() => page.getByTestId('live-agent-Ana').getAttribute('data-state'), { timeout: 10_000 }).toBe('paused');
    expect(await page.getByTestId('live-agent-Ana').textContent()).toContain('Almuerzo');
    await expect.poll(() => page.getByTestId('live-agent-Beto').getAttribute('data-state'), { timeout: 10_000 }).toBe('available');
    expect(await board.evaluate(() => (globalThis as unknown as { __tableroBeeps?: number }).__tableroBeeps ?? 0)).toBe(0);

    // A caller waiting: waiting_now 1 > threshold 0 raises the queue's alert.
    appendLines(queueLog, [`${now}|${now}.2|101|NONE|ENTERQUEUE||70012345|1`]);
    await expect.poll(() => page.getByTestId('live-queue-waiting-101').textContent(), { timeout: 20_000 }).toBe('1');
    await expect.poll(() => page.getByTestId('alert-101-waiting_now').getAttribute('data-state'), { timeout: 10_000 }).toBe('raised');
    await expect.poll(() => page.getByTestId(`live-waiting-${now}.2`).textContent(), { timeout: 10_000 }).toContain('70012345');

    await board.getByTestId('alert-flash').waitFor({ timeout: 10_000 });
    expect(await board.evaluate(() => (globalThis as unknown as { __tableroBeeps?: number }).__tableroBeeps)).toBe(1);
    expect(await board.getByTestId('tile-waiting-101').getAttribute('data-alert')).toBe('raised');
    expect(await board.getByTestId('tile-waiting-101').getAttribute('data-tone')).toBe('bad');
    await board.getByTestId('alert-banner').waitFor();
    await board.screenshot({ path: join(ARTIFACTS, 'wallboard-alert.png') });
    await page.screenshot({ path: join(ARTIFACTS, 'live-view.png'), fullPage: true });

    // The caller gives up: today's abandoned list has the number to call back.
    appendLines(queueLog, [`${now + 1}|${now}.2|101|NONE|ABANDON|1|1|1`]);
    await expect.poll(() => page.getByTestId(`live-abandoned-${now}.2`).textContent(), { timeout: 20_000 }).toContain('70012345');
    await board.close();
    await page.close();
  });

  it('lists a stale open call on the data quality page and leaves it out of the live view', async () => {
    const page = await logIn(await admin.newPage(), tablero.url, 'admin', tablero.admin.password);
    const now = Math.floor(Date.now() / 1000);
    // A caller who entered 5 h ago and was never heard of again (the PBX lost its end), and a
    // fresh one in the same queue: only the fresh one waits now.
    appendLines(queueLog, [`${now - 5 * 3600}|${now}.8|108|NONE|ENTERQUEUE||70099999|1`, `${now}|${now}.9|108|NONE|ENTERQUEUE||70088888|1`]);
    await page.getByTestId('nav-live').click();
    await expect.poll(() => page.getByTestId('live-queue-waiting-108').textContent(), { timeout: 20_000 }).toBe('1');
    await expect.poll(() => page.getByTestId(`live-waiting-${now}.9`).textContent(), { timeout: 10_000 }).toContain('70088888');
    expect(await page.getByTestId(`live-waiting-${now}.8`).count()).toBe(0);
    await page.getByTestId('nav-quality').click();
    await expect.poll(() => page.getByTestId(`quality-stale-${now}.8`).getAttribute('data-reason'), { timeout: 20_000 }).toBe('no_event_for_horizon');
    expect(await page.getByTestId(`quality-stale-${now}.8`).textContent()).toContain('sin eventos desde hace horas');
    expect(await page.getByTestId(`quality-stale-${now}.9`).count()).toBe(0);
    await page.close();
  });

  it('opens a kiosk link without login and stops it when the token is revoked', async () => {
    const adminPage = await logIn(await admin.newPage(), tablero.url, 'admin', tablero.admin.password);
    const created = await apiFromPage(adminPage, 'POST', '/api/kiosk-tokens', { label: 'TV sala 2' });
    expect(created).toMatchObject({ status: 201 });
    const { url_path: urlPath, hash } = created.body as { url_path: string; hash: string };

    const tv = await browser.newContext();
    const page = await tv.newPage();
    await page.goto(`${tablero.url}${urlPath}`);
    await page.getByTestId('queue-card-101').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('login-username').count()).toBe(0);
    expect(await page.getByTestId('stale-banner').count()).toBe(0);

    expect((await apiFromPage(adminPage, 'DELETE', `/api/kiosk-tokens/${hash}`)).status).toBe(204);
    await expect.poll(() => page.getByTestId('stale-banner').getAttribute('data-reason'), { timeout: 15_000 }).toBe('denied');
    await page.reload();
    await expect.poll(() => page.getByTestId('conn-status').getAttribute('data-state'), { timeout: 15_000 }).toBe('closed');
    expect(await page.getByTestId('queue-card-101').count()).toBe(0);
    await tv.close();
    await adminPage.close();
  });

  it('switches the language of the texts', async () => {
    const page = await logIn(await admin.newPage(), tablero.url, 'admin', tablero.admin.password);
    expect(await page.getByTestId('nav-live').textContent()).toBe('Supervisión en vivo');
    await page.selectOption('[data-testid=lang-switch]', 'en');
    await expect.poll(() => page.getByTestId('nav-live').textContent(), { timeout: 5_000 }).toBe('Live supervision');
    expect(await page.getByTestId('nav-reports').textContent()).toBe('Reports');
    await page.selectOption('[data-testid=lang-switch]', 'es-BO');
    await expect.poll(() => page.getByTestId('nav-live').textContent(), { timeout: 5_000 }).toBe('Supervisión en vivo');
    await page.close();
  });

  it('renders the charts of a report range', async () => {
    const now = Math.floor(Date.now() / 1000);
    appendLines(queueLog, [
      ...answeredCall({ queue: '102', callid: `${now}.3`, endS: now, wait: 25, talk: 40, agent: 'Beto' }),
      ...abandonedCall({ queue: '102', callid: `${now}.4`, endS: now, wait: 50 }),
    ]);
    const page = await logIn(await admin.newPage(), tablero.url, 'admin', tablero.admin.password);
    const day = new Date(now * 1000).toISOString().slice(0, 10);
    const next = new Date((now + 86_400) * 1000).toISOString().slice(0, 10);
    const volume = async (): Promise<unknown> =>
      (await chartOption<{ series: Array<{ name: string; data: number[] }> }>(page, 'report-volume'))?.series.map((s) => s.data);
    // The 102 calls reach the stints table within a second or two; recompute until they show.
    await expect
      .poll(
        async () => {
          await page.goto(`${tablero.url}/#/reports?from=${day}&to=${next}`);
          await page.reload();
          await expect.poll(() => page.getByTestId('report-status').getAttribute('data-status'), { timeout: 15_000 }).toBe('ready');
          return volume();
        },
        // Generous: each try reloads the page and waits for the report; on 2 busy cores a try can
        // take several seconds.
        { timeout: 90_000 },
      )
      .toEqual([[4], [2], [2]]);

    const wait = await chartOption<{ xAxis: { data: string[] }; series: Array<{ data: number[] }> }>(page, 'report-wait');
    expect(wait?.xAxis.data.slice(0, 6)).toEqual(['0–10 s', '10–20 s', '20–30 s', '30–45 s', '45–60 s', '60–90 s']);
    // Answered waits 8 (103) and 25 s (102); abandoned waits 1 (101) and 50 s (102).
    expect(wait?.series.map((s) => s.data.slice(0, 6))).toEqual([[1, 0, 1, 0, 0, 0], [1, 0, 0, 0, 1, 0]]);
    const heat = await chartOption<{ yAxis: { data: string[] }; series: Array<{ data: Array<[number, number, number]> }> }>(page, 'report-heatmap');
    expect(heat?.yAxis.data).toEqual([day]);
    expect(heat?.series[0]?.data.reduce((a, c) => a + c[2], 0)).toBe(4);
    const agents = await chartOption<{ xAxis: { data: string[] }; series: Array<{ data: Array<number | null> }> }>(page, 'report-agents');
    expect(agents?.xAxis.data).toEqual(['Beto']);
    expect(agents?.series.map((s) => s.data)).toEqual([[2], [35]]);
    const slOf103 = () => page.getByTestId(`report-row-103-${day}`).locator('[data-col=sl_pct]').getAttribute('data-value');
    expect(await page.getByTestId(`report-row-101-${day}`).locator('[data-col=offered]').getAttribute('data-value')).toBe('1');
    expect(await slOf103()).toBe('100');

    // The definition switch recomputes: with T = 5 s the 8 s answer is no longer within it.
    await page.getByTestId('report-threshold').fill('5');
    await page.getByTestId('report-run').click();
    await expect.poll(slOf103, { timeout: 15_000 }).toBe('0');
    await page.screenshot({ path: join(ARTIFACTS, 'reports.png'), fullPage: true });
    await page.close();
  }, 150_000);
});
