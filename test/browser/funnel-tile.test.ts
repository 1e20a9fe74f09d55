// The wallboard's funnel tile in a real browser (Debian's Chromium through playwright-core) against
// the real all-in-one run, on the hand-worked Asterisk 18+ calls (processor/src/testing/cdr-legs.ts:
// the eight calls A-H) placed today and imported before start: a logged-in user sees, per service,
// today's inbound calls, those that ended in the IVR and those that asked for an agent, the same
// figures GET /api/funnel answers for today, in Spanish and English, and a kiosk TV the same with
// its kiosk token. A configured service no call reached, and a day with no call yet, show zeros
// (the API's zero rows).
import { rmSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, logIn } from '../support/browser.ts';
import { FUNNEL_SERVICES_WITH_IDLE, startFunnelRun } from '../support/funnel-run.ts';
import type { TableroProcess } from '../support/tablero-process.ts';
import { waitFor } from '../support/wait-for.ts';

const DAY_S = 86_400;
const TODAY_S = Math.floor(Date.now() / 1000 / DAY_S) * DAY_S;
const TODAY = new Date(TODAY_S * 1000).toISOString().slice(0, 10);
const TOMORROW = new Date((TODAY_S + DAY_S) * 1000).toISOString().slice(0, 10);

let dir: string;
let tablero: TableroProcess;
let browser: Browser;

beforeAll(async () => {
  ({ dir, tablero } = await startFunnelRun(TODAY_S + 60, { TZ: 'UTC', TABLERO_FUNNEL: FUNNEL_SERVICES_WITH_IDLE }));
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await tablero?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const tileFigures = (page: Page, service: string): Promise<string[]> =>
  page.locator(`[data-testid="funnel-tile-${service}"] b`).allInnerTexts();

describe('wallboard funnel tile', () => {
  it("shows today's inbound, IVR-only and to-an-agent calls per service, as GET /api/funnel answers them, in Spanish and English", async () => {
    const ctx = await browser.newContext({ viewport: { width: 1920, height: 1080 }, timezoneId: 'UTC' });
    const errors: string[] = [];
    try {
      const page = await logIn(await ctx.newPage(), tablero.url, 'admin', tablero.admin.password);
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      await page.locator('[data-testid="funnel-tile"]').waitFor({ timeout: 30_000 });
      expect(await page.locator('[data-testid="funnel-tile"]').getAttribute('data-day')).toBe(TODAY);
      // 101: A (IVR only) B C G (asked for an agent); 102: D E H (all asked for an agent).
      expect(await tileFigures(page, '101')).toEqual(['4', '1', '3']);
      expect(await tileFigures(page, '102')).toEqual(['3', '0', '3']);
      // 103 is configured and no call reached it: shown with zeros, not left out.
      expect(await tileFigures(page, '103')).toEqual(['0', '0', '0']);
      // One truth: the figures of GET /api/funnel for today.
      const api = await page.evaluate(async (q) => (await fetch(`/api/funnel?${q}`)).json(), `from=${TODAY}&to=${TOMORROW}&by=day&tz=UTC`) as Array<Record<string, unknown>>;
      expect(api.map((r) => [r.service, String(r.ingresadas), String(r.ivr_only), String(r.asked_agent)])).toEqual([
        ['101', ...(await tileFigures(page, '101'))],
        ['102', ...(await tileFigures(page, '102'))],
        ['103', ...(await tileFigures(page, '103'))],
      ]);
      expect(await page.locator('[data-testid="funnel-tile-101"] span').allInnerTexts()).toEqual(['101', '4 ingresadas', '1 solo IVR', '3 a asesor']);
      // On a room screen the board makes room for the tile: the page does not scroll, every card fits.
      expect(await page.evaluate(() => [document.documentElement.scrollHeight <= innerHeight, document.documentElement.scrollWidth <= innerWidth])).toEqual([true, true]);
      const cards = await page.locator('[data-testid="wallboard-board"] > *').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().bottom <= innerHeight));
      expect(cards.length).toBeGreaterThan(0);
      expect(cards.every(Boolean)).toBe(true);
      await page.selectOption('[data-testid=lang-switch]', 'en');
      await waitFor(async () => (await page.locator('[data-testid="funnel-tile"] .title').innerText()) === 'Funnel today', { timeoutMs: 10_000, what: 'English tile' });
      expect(await page.locator('[data-testid="funnel-tile-102"] span').allInnerTexts()).toEqual(['102', '3 inbound', '0 IVR only', '3 to an agent']);
      await page.selectOption('[data-testid=lang-switch]', 'es-CO');
      expect(errors).toEqual([]);
    } finally {
      await ctx.close();
    }
  });

  it('a kiosk TV (no session) shows the same tile, reading with its kiosk token; without a valid token the reads are refused', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1920, height: 1080 }, timezoneId: 'UTC' });
    try {
      const page = await ctx.newPage();
      await page.goto(`${tablero.url}/?kiosk=${tablero.admin.kioskToken}#/wallboard`);
      await page.locator('[data-testid="funnel-tile"]').waitFor({ timeout: 30_000 });
      expect([await tileFigures(page, '101'), await tileFigures(page, '102'), await tileFigures(page, '103')]).toEqual([['4', '1', '3'], ['3', '0', '3'], ['0', '0', '0']]);
      expect(await page.evaluate(() => [document.documentElement.scrollHeight <= innerHeight, document.documentElement.scrollWidth <= innerWidth])).toEqual([true, true]);
      const status = (path: string, token?: string): Promise<number> =>
        page.evaluate(async ([p, t]) => (await fetch(p as string, t ? { headers: { 'x-tablero-kiosk': t } } : {})).status, [path, token ?? '']);
      const q = `from=${TODAY}&to=${TOMORROW}&by=day&tz=UTC`;
      expect(await status(`/api/funnel?${q}`, tablero.admin.kioskToken)).toBe(200);
      expect(await status(`/api/contacts/kpis?${q}`, tablero.admin.kioskToken)).toBe(200);
      expect(await status(`/api/funnel?${q}`)).toBe(401);
      expect(await status(`/api/contacts/kpis?${q}`, 'not-a-kiosk-token')).toBe(401);
      // The kiosk token opens these count reads only, nothing with calls or people in it.
      expect(await status(`/api/funnel/calls?${q}&service=101&figure=ingresadas`, tablero.admin.kioskToken)).toBe(401);
      expect(await status(`/api/kpis?from=${TODAY}&to=${TOMORROW}`, tablero.admin.kioskToken)).toBe(401);
    } finally {
      await ctx.close();
    }
  });

  it('no call today yet (the calls were yesterday): every configured service shows zeros, as the API zero rows say', async () => {
    const yesterday = await startFunnelRun(TODAY_S - DAY_S + 60, { TZ: 'UTC', TABLERO_FUNNEL: FUNNEL_SERVICES_WITH_IDLE });
    const ctx = await browser.newContext({ viewport: { width: 1920, height: 1080 }, timezoneId: 'UTC' });
    try {
      const page = await logIn(await ctx.newPage(), yesterday.tablero.url, 'admin', yesterday.tablero.admin.password);
      await page.locator('[data-testid="funnel-tile"]').waitFor({ timeout: 30_000 });
      expect([await tileFigures(page, '101'), await tileFigures(page, '102'), await tileFigures(page, '103')]).toEqual([['0', '0', '0'], ['0', '0', '0'], ['0', '0', '0']]);
      expect(await page.locator('[data-testid="funnel-tile-103"] span').allInnerTexts()).toEqual(['103', '0 ingresadas', '0 solo IVR', '0 a asesor']);
      const api = await page.evaluate(async (q) => (await fetch(`/api/funnel?${q}`)).json(), `from=${TODAY}&to=${TOMORROW}&by=day&tz=UTC`) as Array<Record<string, unknown>>;
      expect(api.map((r) => [r.service, r.period, r.ingresadas, r.ivr_only, r.asked_agent, r.answered, r.by_option])).toEqual([
        ['101', TODAY, 0, 0, 0, 0, []],
        ['102', TODAY, 0, 0, 0, 0, []],
        ['103', TODAY, 0, 0, 0, 0, []],
      ]);
    } finally {
      await ctx.close();
      await yesterday.tablero.stop();
      rmSync(yesterday.dir, { recursive: true, force: true });
    }
  }, 180_000);
});
