// Escalations in a real browser (Debian's Chromium driven by playwright-core) against the real
// `tablero start`: a CRM posts tickets over POST /ingest/tickets with a source token; the
// escalations page shows them with their business-day age and bucket, and the ticket that has
// just become overdue raises an alert on the escalations page and on the wallboard (banner,
// sound, flash).
//
// The run has no injectable clock, so the tickets are placed relative to today. To make the
// expected ages independent of weekends and holidays, the admin first gives the site a calendar
// open 00:00-24:00 every day in UTC (no national holidays apply to UTC) and names all seven
// days working weekdays in its escalation settings (opening hours alone never make a legal
// business day): then every day is a business day, and a ticket opened N days ago at noon is N
// business days old.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { apiFromPage, launchChromium, logIn } from '../support/browser.ts';
import { REPO_ROOT, startTablero, type TableroProcess } from '../support/tablero-process.ts';
import { CLEAR_OF_MIDNIGHT_TIMEOUT_MS, clearOfMidnight } from '../support/day-clock.ts';

const ARTIFACTS = join(REPO_ROOT, 'test-artifacts');
const SOURCE_TOKEN = 'crm-browser-token-0123456789';
const ENV = { TZ: 'UTC', TABLERO_SOURCE_TOKENS: `${SOURCE_TOKEN}=default:crm` };
const DAY_MS = 86_400_000;

let dir: string;
let dataDir: string;
let queueLog: string;
let tablero: TableroProcess;
let browser: Browser;
let ctx: BrowserContext;

const start = (): Promise<TableroProcess> => startTablero({ args: ['--source', queueLog, '--no-simulate'], dataDir, env: ENV });

/** `hour`:00 UTC `days` days before today, as ISO 8601 (`2026-03-02T12:00:00Z`). */
const daysAgoAt = (todayMs: number, days: number, hour: number): string => new Date(todayMs - days * DAY_MS + hour * 3_600_000).toISOString().replace('.000Z', 'Z');

// Ticket ages count from today: not across UTC midnight (see day-clock.ts).
beforeAll(clearOfMidnight, CLEAR_OF_MIDNIGHT_TIMEOUT_MS);
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tablero-pbx-'));
  dataDir = mkdtempSync(join(tmpdir(), 'tablero-data-'));
  queueLog = join(dir, 'queue_log');
  writeFileSync(queueLog, '');
  tablero = await start();
  browser = await launchChromium({ autoplay: true });
  ctx = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  mkdirSync(ARTIFACTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await tablero?.stop();
  rmSync(dir, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
});

describe('escalations in Chromium', () => {
  it('a ticket posted by the CRM shows with its business-day age and bucket; the one just overdue raises an alert on the page and the wallboard', async () => {
    const setup = await logIn(await ctx.newPage(), tablero.url, 'admin', tablero.admin.password);
    const allDay = Array.from({ length: 7 }, () => [{ from: '00:00', to: '24:00' }]);
    const saved = await apiFromPage(setup, 'POST', '/api/settings/calendars', { site: 'default', spec: { tz: 'UTC', weekly: allDay } });
    expect(saved.status).toBe(201);
    const everyDay = await apiFromPage(setup, 'PUT', '/api/escalations/settings?site=default', { working_weekdays: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] });
    expect(everyDay.status).toBe(200);
    await setup.close();
    // The escalation service reads calendars and settings when it starts.
    await tablero.stop();
    tablero = await start();

    const page = await logIn(await ctx.newPage(), tablero.url, 'admin', tablero.admin.password);
    await page.getByTestId('nav-escalations').click();
    await page.getByTestId('escalations').waitFor();
    await expect.poll(() => page.getByTestId('conn-status').getAttribute('data-state'), { timeout: 15_000 }).toBe('open');
    const board = await ctx.newPage();
    await board.goto(`${tablero.url}/?kiosk=${tablero.admin.kioskToken}#/wallboard`);
    await board.getByTestId('conn-status').waitFor();
    await expect.poll(() => board.getByTestId('conn-status').getAttribute('data-state'), { timeout: 15_000 }).toBe('open');

    const today = Date.now() - (Date.now() % DAY_MS);
    // RAD-1: queja (15 days) received 16 days ago: due yesterday, overdue since today 00:00
    // (less than a day, so it raises an alert); 16 days old, bucket >15, 1 day late.
    // RAD-2: informacion (10 days) received 9 days ago: due tomorrow, due soon; bucket 6-10.
    // The wallboard's flash lasts 3 s from the alert: watched from before the post on.
    const flashed = board.getByTestId('esc-alert-flash').waitFor({ state: 'attached', timeout: 60_000 });
    const res = await fetch(`${tablero.url}/ingest/tickets`, {
      method: 'POST',
      headers: { authorization: `Bearer ${SOURCE_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        events: [
          { ticket_id: 'RAD-1', event: 'opened', time: daysAgoAt(today, 16, 12), type: 'queja', channel: 'phone' },
          { ticket_id: 'RAD-1', event: 'escalated', time: daysAgoAt(today, 16, 13), area: 'Crédito' },
          { ticket_id: 'RAD-2', event: 'opened', time: daysAgoAt(today, 9, 12), type: 'informacion' },
          { ticket_id: 'RAD-2', event: 'escalated', time: daysAgoAt(today, 9, 13), area: 'Tesorería' },
        ],
      }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ accepted: 4, rejected: 0, rejections: [] });

    // The escalations page, from the live snapshot.
    const overdueRow = page.getByTestId('esc-overdue-list').locator('[data-ticket="RAD-1"]');
    await overdueRow.waitFor({ timeout: 30_000 });
    expect(await overdueRow.getByTestId('esc-age').getAttribute('data-value')).toBe('16');
    expect(await overdueRow.getByTestId('esc-age').textContent()).toBe('16 d');
    expect(await overdueRow.getByTestId('esc-bucket').textContent()).toBe('>15');
    const soonRow = page.getByTestId('esc-due-soon-list').locator('[data-ticket="RAD-2"]');
    expect(await soonRow.getByTestId('esc-age').getAttribute('data-value')).toBe('9');
    expect(await soonRow.getByTestId('esc-bucket').textContent()).toBe('6-10');
    expect(await page.getByTestId('esc-open').textContent()).toBe('2');
    expect(await page.getByTestId('esc-overdue').textContent()).toBe('1');
    expect(await page.getByTestId('esc-due-soon').textContent()).toBe('1');
    // Area x bucket: Crédito has its ticket under >15, Tesorería under 6-10.
    const matrix = page.getByTestId('esc-matrix').locator('tbody tr');
    const cells = async (i: number): Promise<string[]> => (await matrix.nth(i).locator('th, td').allTextContents()).map((c) => c.trim());
    expect(await matrix.count()).toBe(3);
    // Area, buckets 0-2 3-5 6-10 11-15 >15, open, overdue, due soon.
    expect(await cells(0)).toEqual(['Crédito', '0', '0', '0', '0', '1', '1', '1', '0']);
    expect(await cells(1)).toEqual(['Tesorería', '0', '0', '1', '0', '0', '1', '0', '1']);
    expect(await cells(2)).toEqual(['Total', '0', '0', '1', '0', '1', '2', '1', '1']);

    // The overdue alert on the escalations page.
    const alert = page.getByTestId('esc-alerts').locator('[data-ticket="RAD-1"]');
    await alert.waitFor({ timeout: 30_000 });
    expect(await alert.textContent()).toContain('Radicado RAD-1 (Crédito) venció');
    expect(await page.getByTestId('esc-alert').count()).toBe(1);

    // ... and on the wallboard: banner, sound and flash.
    await board.getByTestId('esc-alerts').locator('[data-ticket="RAD-1"]').waitFor({ timeout: 30_000 });
    await flashed;
    expect(await board.evaluate(() => (globalThis as unknown as { __tableroBeeps?: number }).__tableroBeeps)).toBe(1);
    expect(await board.getByTestId('esc-tile-overdue').textContent()).toBe('1');
    await board.screenshot({ path: join(ARTIFACTS, 'escalations-wallboard.png') });

    // The ticket's timeline has its age and bucket too.
    await overdueRow.getByRole('button', { name: 'RAD-1' }).click();
    const timeline = page.getByTestId('esc-timeline');
    await timeline.waitFor();
    expect(await timeline.getByTestId('esc-timeline-age').textContent()).toBe('16 d');
    expect(await timeline.getByTestId('esc-timeline-bucket').textContent()).toBe('>15');
    await page.screenshot({ path: join(ARTIFACTS, 'escalations-page.png'), fullPage: true });

    // Dismissed, the alert leaves the page (the wallboard keeps it: the ticket is still overdue).
    await alert.getByRole('button').click();
    await expect.poll(() => page.getByTestId('esc-alert').count()).toBe(0);
    expect(await board.getByTestId('esc-alert').count()).toBe(1);
    await board.close();
    await page.close();
  }, 180_000);
});
