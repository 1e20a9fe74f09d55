// Reaching any ticket in Chromium against the real `tablero start`: a supervisor finds a ticket
// that is in neither work list (closed, or open and far from due) by its radicado, is told in
// Spanish when a radicado does not exist (what was typed stays), opens a call's tickets from the
// live view's abandoned list, and a manager opens them from the QA call page; the timeline opens
// inside the viewport whatever the scroll, its notes read "Radicado — note", and the page speaks
// English to an English user.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { apiLogin, launchChromium, logIn } from '../support/browser.ts';
import { abandonedCall, answeredCall, appendLines } from '../support/queue-log-writer.ts';
import { startTablero, type TableroProcess } from '../support/tablero-process.ts';
import { CLEAR_OF_MIDNIGHT_TIMEOUT_MS, clearOfMidnight } from '../support/day-clock.ts';

const SOURCE_TOKEN = 'crm-search-token-0123456789';
const PASSWORD = 'radicados-de-prueba-2026';
const DAY_S = 86_400;

let dir: string;
let queueLog: string;
let tablero: TableroProcess;
let browser: Browser;
let abandonedId: string;
let answeredId: string;

const iso = (s: number): string => new Date(s * 1000).toISOString().replace('.000Z', 'Z');

async function pageAs(username: string, password: string, viewport = { width: 1366, height: 768 }): Promise<Page> {
  const page = await (await browser.newContext({ viewport })).newPage();
  return logIn(page, tablero.url, username, password);
}

/** The timeline panel lies wholly inside the viewport. */
async function timelineInView(page: Page): Promise<boolean> {
  const box = await page.getByTestId('esc-timeline').boundingBox();
  const size = page.viewportSize();
  return box !== null && size !== null && box.y >= 0 && box.x >= 0 && box.y + box.height <= size.height && box.x + box.width <= size.width;
}

// The live view's abandoned list is today's: not across UTC midnight (see day-clock.ts).
beforeAll(clearOfMidnight, CLEAR_OF_MIDNIGHT_TIMEOUT_MS);
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tablero-pbx-'));
  queueLog = join(dir, 'queue_log');
  writeFileSync(queueLog, '');
  tablero = await startTablero({ args: ['--source', queueLog, '--no-simulate'], env: { TZ: 'UTC', TABLERO_SOURCE_TOKENS: `${SOURCE_TOKEN}=default:crm` } });
  const admin = await apiLogin(tablero.url, 'admin', tablero.admin.password);
  for (const [username, role] of [['sofia', 'supervisor'], ['marta', 'manager']] as const) {
    expect((await admin.send('POST', '/api/users', { username, password: PASSWORD, role, lang: 'es' })).status).toBe(201);
  }
  const now = Math.floor(Date.now() / 1000);
  abandonedId = `${now}.31`;
  answeredId = `${now}.32`;
  appendLines(queueLog, [
    ...abandonedCall({ queue: '101', callid: abandonedId, endS: now - 60, wait: 40 }),
    ...answeredCall({ queue: '101', callid: answeredId, endS: now - 30, wait: 5, talk: 20, agent: 'Ana' }),
  ]);
  // RAD-7: a claim from the abandoned call (a callback), open, far from due (15 business days).
  // RAD-8: a request from the same call, answered and closed: in no work list.
  // RAD-9: a complaint from the answered call.
  const res = await fetch(`${tablero.url}/ingest/tickets`, {
    method: 'POST',
    headers: { authorization: `Bearer ${SOURCE_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      events: [
        { ticket_id: 'RAD-7', event: 'opened', time: iso(now - 50), type: 'reclamo', call_id: abandonedId, note: 'Cobro' },
        { ticket_id: 'RAD-8', event: 'opened', time: iso(now - 3 * DAY_S), type: 'peticion', call_id: abandonedId },
        { ticket_id: 'RAD-8', event: 'answered', time: iso(now - 2 * DAY_S) },
        { ticket_id: 'RAD-8', event: 'closed', time: iso(now - 2 * DAY_S + 60) },
        { ticket_id: 'RAD-9', event: 'opened', time: iso(now - 20), type: 'queja', call_id: answeredId },
      ],
    }),
  });
  expect(await res.json()).toEqual({ accepted: 5, rejected: 0, rejections: [] });
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await tablero?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('finding tickets in Chromium', () => {
  it('a supervisor finds a ticket in no work list by its radicado; an unknown one is said so in Spanish', async () => {
    const page = await pageAs('sofia', PASSWORD);
    await page.getByTestId('nav-escalations').click();
    await page.getByTestId('esc-search-input').fill('RAD-404');
    await page.getByTestId('esc-search-open').click();
    await expect.poll(() => page.getByTestId('esc-not-found').textContent(), { timeout: 15_000 }).toBe('La sede default no tiene el radicado «RAD-404».');
    expect(await page.getByTestId('esc-search-input').inputValue()).toBe('RAD-404');

    await page.getByTestId('esc-search-input').fill('RAD-8');
    await page.getByTestId('esc-search-open').click();
    const timeline = page.getByTestId('esc-timeline');
    await timeline.waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('esc-not-found').count()).toBe(0);
    expect(await timeline.locator('h2').textContent()).toBe('Historial del radicado RAD-8');
    expect(await timeline.textContent()).toContain('Petición · (sin escalar) · cerrado');
    expect((await page.getByTestId('esc-timeline-events').locator('li span').allTextContents())).toEqual(['Radicado', 'Respondido', 'Cerrado']);
    // Not in the work lists: reachable only by the search.
    expect(await page.locator('[data-testid=esc-row][data-ticket="RAD-8"]').count()).toBe(0);
    expect(await timelineInView(page)).toBe(true);
    await page.keyboard.press('Escape');
    await expect.poll(() => timeline.count()).toBe(0);
    await page.context().close();
  }, 60_000);

  it('opens a call’s tickets from the live view’s abandoned list; the timeline opens in view after a scroll', async () => {
    const page = await pageAs('sofia', PASSWORD, { width: 1366, height: 600 });
    await page.getByTestId('nav-live').click();
    const link = page.getByTestId(`live-abandoned-tickets-${abandonedId}`);
    await link.waitFor({ timeout: 30_000 });
    expect(await link.textContent()).toBe('Radicados');
    await link.click();
    await page.waitForURL(/#\/escalations\?/);
    const list = page.getByTestId('esc-call-tickets');
    await list.waitFor({ timeout: 15_000 });
    expect(await list.locator('h2').textContent()).toBe(`Radicados de la llamada ${abandonedId}`);
    const rows = await list.getByTestId('esc-call-ticket').evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => (td.textContent ?? '').trim())));
    expect(rows.map((r) => [r[0], r[1], r[2], r[3]])).toEqual([
      ['RAD-7', 'Reclamo', '(sin escalar)', 'abierto'],
      ['RAD-8', 'Petición', '(sin escalar)', 'cerrado'],
    ]);
    // Scrolled to the bottom of the page, the timeline still opens where the user looks.
    await page.getByTestId('esc-monthly').scrollIntoViewIfNeeded().catch(() => undefined);
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await list.getByRole('button', { name: 'RAD-7' }).click();
    await page.getByTestId('esc-timeline').waitFor();
    expect(await timelineInView(page)).toBe(true);
    expect(await page.getByTestId('esc-timeline-events').locator('li').first().textContent()).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2} Radicado — Cobro$/);
    await page.context().close();
  }, 60_000);

  it('a manager opens a call’s tickets from the QA call page, in English too', async () => {
    const page = await pageAs('marta', PASSWORD);
    await page.goto(`${tablero.url}/#/qa/score?call=${encodeURIComponent(answeredId)}&site=default`);
    const tickets = page.getByTestId('fact-tickets');
    await expect.poll(() => tickets.textContent(), { timeout: 20_000 }).toContain('RAD-9');
    expect((await tickets.textContent())?.replace(/\s+/g, ' ').trim()).toBe('RAD-9 (Queja)');
    await page.getByTestId('fact-ticket-RAD-9').click();
    await page.getByTestId('esc-timeline').waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('esc-timeline').locator('h2').textContent()).toBe('Historial del radicado RAD-9');
    expect(await page.getByTestId('esc-search-input').inputValue()).toBe('RAD-9');

    await page.selectOption('[data-testid=lang-switch]', 'en');
    await expect.poll(() => page.getByTestId('esc-timeline').locator('h2').textContent(), { timeout: 10_000 }).toBe('Timeline of ticket RAD-9');
    expect(await page.getByTestId('esc-timeline').textContent()).toContain('Complaint');
    await page.getByTestId('esc-timeline-close').click();
    await page.getByTestId('esc-search-input').fill('RAD-0');
    await page.getByTestId('esc-search-open').click();
    await expect.poll(() => page.getByTestId('esc-not-found').textContent(), { timeout: 15_000 }).toBe('Site default has no ticket “RAD-0”.');
    await page.context().close();
  }, 60_000);
});
