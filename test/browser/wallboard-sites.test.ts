// The wallboard's site in a real browser (issue 19), against the real `tablero start` with two
// sites (sa tailed, sb pushed): a logged-in admin's wallboard shows both, and choosing site sb
// shows sb's cards with their figures at once (the server sends the site's whole state after the
// switch; no new line arrives meanwhile) and nothing of sa; the URL keeps the choice. A kiosk link
// made for site sa shows sa's cards, has no site choice, and its socket never carries site sb
// (every frame the page received is recorded in the page).
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, logIn } from '../support/browser.ts';
import { CLEAR_OF_MIDNIGHT_TIMEOUT_MS, clearOfMidnight } from '../support/day-clock.ts';
import { abandonedCall, answeredCall } from '../support/queue-log-writer.ts';
import { startTwoSites, type TwoSites } from '../support/two-sites.ts';

let sites: TwoSites;
let browser: Browser;
let kioskA: string;

beforeAll(clearOfMidnight, CLEAR_OF_MIDNIGHT_TIMEOUT_MS);
beforeAll(async () => {
  sites = await startTwoSites();
  browser = await launchChromium();
  const kiosk = await sites.cli(['kiosk', 'create', 'TV sede A', '--sites', 'sa']);
  expect(kiosk.code, kiosk.stderr).toBe(0);
  kioskA = /kiosk=([^#\s]+)/.exec(kiosk.stdout)?.[1] ?? '';
  const now = Math.floor(Date.now() / 1000);
  // sa: 101 one answered, 102 one abandoned. sb: 201 two answered, 202 one answered.
  sites.appendSa([
    ...answeredCall({ queue: '101', callid: `${now}.1`, endS: now - 20, wait: 5, talk: 10 }),
    ...abandonedCall({ queue: '102', callid: `${now}.2`, endS: now - 10, wait: 30 }),
  ]);
  expect(
    await sites.pushSb([
      ...answeredCall({ queue: '201', callid: `${now}.b1`, endS: now - 30, wait: 4, talk: 10 }),
      ...answeredCall({ queue: '201', callid: `${now}.b2`, endS: now - 25, wait: 6, talk: 10 }),
      ...answeredCall({ queue: '202', callid: `${now}.b3`, endS: now - 15, wait: 3, talk: 10 }),
    ]),
  ).toEqual({ accepted: 9, rejected: 0 });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await sites?.dispose();
});

const cards = (page: Page): Promise<string[]> =>
  page.locator('[data-testid^="queue-card-"]').evaluateAll((els) => els.map((e) => (e.getAttribute('data-testid') ?? '').replace('queue-card-', '')));

describe('the wallboard of one site (Chromium)', () => {
  it("an admin switches to site sb: sb's cards with their figures at once, nothing of sa", async () => {
    const page = await logIn(await browser.newPage({ viewport: { width: 1600, height: 900 } }), sites.tablero.url, 'admin', sites.tablero.admin.password);
    await expect.poll(() => page.getByTestId('tile-offered-201').textContent(), { timeout: 30_000 }).toBe('2');
    await expect.poll(() => page.getByTestId('tile-offered-102').textContent(), { timeout: 30_000 }).toBe('1');
    expect(await cards(page)).toEqual(['101', '102', '201', '202']);
    const choice = page.getByTestId('wallboard-site');
    expect(await choice.locator('option').allTextContents()).toEqual(['Todas las sedes', 'sa', 'sb']);
    await choice.selectOption('sb');
    await expect.poll(() => cards(page), { timeout: 10_000 }).toEqual(['201', '202']);
    expect([await page.getByTestId('tile-offered-201').textContent(), await page.getByTestId('tile-offered-202').textContent()]).toEqual(['2', '1']);
    expect(new URL(page.url()).hash).toBe('#/wallboard?site=sb');
    // Back to every site: both sites' whole state again.
    await choice.selectOption('');
    await expect.poll(() => cards(page), { timeout: 10_000 }).toEqual(['101', '102', '201', '202']);
    expect(await page.getByTestId('tile-offered-101').textContent()).toBe('1');
    await page.close();
  }, 90_000);

  it("a kiosk link of site sa shows sa alone, offers no choice, and its socket never carries sb", async () => {
    const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    // Every frame the page's sockets receive, recorded before the app's code runs.
    await page.addInitScript(() => {
      const frames: string[] = [];
      (globalThis as unknown as { __frames: string[] }).__frames = frames;
      const Native = WebSocket;
      class Recording extends Native {
        constructor(url: string | URL, protocols?: string | string[]) {
          super(url, protocols);
          this.addEventListener('message', (e) => frames.push(String((e as MessageEvent).data)));
        }
      }
      (globalThis as unknown as { WebSocket: typeof WebSocket }).WebSocket = Recording;
    });
    await page.goto(`${sites.tablero.url}/?kiosk=${kioskA}#/wallboard`);
    await expect.poll(() => page.getByTestId('tile-offered-102').textContent(), { timeout: 30_000 }).toBe('1');
    expect(await page.getByTestId('tile-offered-101').textContent()).toBe('1');
    // A heartbeat of every site goes by (5 s) before the frames are read.
    await page.waitForTimeout(6_000);
    expect(await cards(page)).toEqual(['101', '102']);
    expect(await page.getByTestId('wallboard-site').count()).toBe(0);
    const frames = await page.evaluate(() => (globalThis as unknown as { __frames: string[] }).__frames);
    const sitesSeen = new Set(frames.flatMap((f) => [...f.matchAll(/"site":"([^"]*)"/g)].map((m) => m[1])));
    expect(frames.some((f) => f.startsWith('{"type":"snapshots"'))).toBe(true);
    expect([...sitesSeen].sort()).toEqual(['sa']);
    await page.close();
  }, 90_000);
});
