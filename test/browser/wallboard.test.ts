// The wallboard in a real browser (Debian's Chromium driven by playwright-core) against the real
// all-in-one run: open the kiosk link, append queue_log lines, see the tiles change. Then the
// wallboard on a room's TV, measured (issue 15): with 1, 4 and 12 queues at 1920x1080 (and 3 at
// 1366x768) every queue card lies wholly on screen with nothing cut inside it, the headline
// figures (waiting, longest wait, SL) are at least 8 % of the screen height with up to 4 queues,
// and the kiosk link shows no controls. Bounding boxes, not pixels.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { apiLogin, launchChromium, logIn } from '../support/browser.ts';
import { REPO_ROOT, startTableroOnQueueLog, type TableroProcess } from '../support/tablero-process.ts';
import { abandonedCall, answeredCall, appendLines } from '../support/queue-log-writer.ts';
import { CLEAR_OF_MIDNIGHT_TIMEOUT_MS, clearOfMidnight } from '../support/day-clock.ts';

const ARTIFACTS = join(REPO_ROOT, 'test-artifacts');
const QUEUES = Array.from({ length: 12 }, (_, i) => String(501 + i));

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

// The room boards read queues 501..512 only (`?queues=`), apart from the 101 of the first tests.
// Every queue: one call answered in 8 s, one abandoned after 45 s, one caller waiting since 15 s ago.
function roomLines(now: number): string[] {
  return QUEUES.flatMap((q, i) => [
    ...answeredCall({ queue: q, callid: `${now}.${i}1`, endS: now - 60, wait: 8, talk: 30 }),
    ...abandonedCall({ queue: q, callid: `${now}.${i}2`, endS: now - 30, wait: 45 }),
    `${now - 15}|${now}.${i}3|${q}|NONE|ENTERQUEUE||3001112233|1`,
  ]);
}


interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

interface Measure {
  cards: Array<{ queue: string; box: Box; cut: boolean; overflowing: string[] }>;
  headline: Array<{ id: string; fontPx: number; box: Box }>;
  pageScroll: { w: number; h: number; vw: number; vh: number };
  controls: number;
}

/** Every card's box, whether its content is cut, which figures overflow their tile, and the headline figures' size. */
function measure(page: Page): Promise<Measure> {
  return page.evaluate(() => {
    const box = (el: Element): Box => {
      const r = el.getBoundingClientRect();
      return { x: r.x, y: r.y, width: r.width, height: r.height };
    };
    const cards = [...document.querySelectorAll<HTMLElement>('[data-testid^="queue-card-"]')].map((el) => ({
      queue: (el.dataset.testid ?? '').replace('queue-card-', ''),
      box: box(el),
      cut: el.scrollHeight > el.clientHeight + 1 || el.scrollWidth > el.clientWidth + 1,
      overflowing: [...el.querySelectorAll<HTMLElement>('[data-testid^="tile-"]')]
        .filter((v) => v.scrollWidth > v.clientWidth + 1)
        .map((v) => v.dataset.testid ?? ''),
    }));
    const headline = [...document.querySelectorAll<HTMLElement>('[data-testid^="tile-waiting-"], [data-testid^="tile-longest-wait-"], [data-testid^="tile-sl-"]')].map((el) => ({
      id: el.dataset.testid ?? '',
      fontPx: Number.parseFloat(getComputedStyle(el).fontSize),
      box: box(el),
    }));
    const d = document.documentElement;
    const controls = document.querySelectorAll('[data-testid="lang-switch"], header button').length;
    return { cards, headline, pageScroll: { w: d.scrollWidth, h: d.scrollHeight, vw: innerWidth, vh: innerHeight }, controls };
  });
}

async function openBoard(width: number, height: number, queues: string[], lang = ''): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height } });
  await page.goto(`${tablero.url}/?kiosk=${tablero.admin.kioskToken}${lang}#/wallboard?queues=${queues.join(',')}`);
  // Every card has its data (the answered and abandoned call of its queue) and the chart drew.
  for (const q of queues) {
    await expect.poll(() => page.getByTestId(`tile-offered-${q}`).textContent(), { timeout: 30_000 }).toBe('2');
  }
  return page;
}

const inside = (b: Box, w: number, h: number): boolean => b.x >= 0 && b.y >= 0 && b.x + b.width <= w + 0.5 && b.y + b.height <= h + 0.5;

describe('wallboard on a room screen (Chromium, measured)', () => {
  beforeAll(() => appendLines(queueLog, roomLines(Math.floor(Date.now() / 1000))));

  // The kiosk link names its language (no selector on a TV): English for two of the boards.
  it.each<[number, number, number, string, string]>([
    [1920, 1080, 1, '', 'Cola 501'],
    [1920, 1080, 4, '&lang=en', 'Queue 501'],
    [1920, 1080, 12, '', 'Cola 501'],
    [1366, 768, 3, '&lang=en', 'Queue 501'],
  ])('%ix%i with %i queues: every card on screen, nothing cut, headline size, no controls', async (width, height, n, lang, title) => {
    const page = await openBoard(width, height, QUEUES.slice(0, n), lang);
    expect((await page.locator('[data-testid="queue-card-501"] h2').textContent())?.trim()).toBe(title);
    // Layout settles after the first snapshots (the board measures itself): wait for the final grid.
    await expect.poll(async () => (await measure(page)).cards.every((c) => inside(c.box, width, height)), { timeout: 10_000 }).toBe(true);
    const m = await measure(page);
    await page.screenshot({ path: join(ARTIFACTS, `wallboard-room-${width}x${height}-${n}${lang === '' ? '' : '-en'}.png`) });
    expect(m.cards.map((c) => c.queue)).toEqual(QUEUES.slice(0, n));
    for (const c of m.cards) {
      expect(inside(c.box, width, height), `card ${c.queue} ${JSON.stringify(c.box)}`).toBe(true);
      expect(c.cut, `card ${c.queue} content cut`).toBe(false);
      expect(c.overflowing, `card ${c.queue}`).toEqual([]);
    }
    // The page itself never scrolls on a TV.
    expect(m.pageScroll.w).toBeLessThanOrEqual(m.pageScroll.vw);
    expect(m.pageScroll.h).toBeLessThanOrEqual(m.pageScroll.vh);
    // Kiosk: no language selector, no "Pantalla completa", no other button in the header.
    expect(m.controls).toBe(0);
    expect(m.headline).toHaveLength(3 * n);
    if (width === 1920 && n <= 4) {
      const min = 0.08 * height; // 86.4 px
      for (const h of m.headline) {
        expect(h.fontPx, h.id).toBeGreaterThanOrEqual(min);
        expect(h.box.height, h.id).toBeGreaterThanOrEqual(min);
      }
    }
    await page.close();
  });

  it('a phone (390x844) scrolls down, never sideways, and shows every card in full width', async () => {
    const page = await openBoard(390, 844, QUEUES.slice(0, 3));
    const m = await measure(page);
    expect(m.pageScroll.w).toBeLessThanOrEqual(m.pageScroll.vw);
    for (const c of m.cards) {
      expect(c.box.x).toBeGreaterThanOrEqual(0);
      expect(c.box.x + c.box.width).toBeLessThanOrEqual(390);
      expect(c.overflowing, `card ${c.queue}`).toEqual([]);
    }
    await page.screenshot({ path: join(ARTIFACTS, 'wallboard-room-390x844-3.png'), fullPage: true });
    await page.close();
  });
});

describe('alerts across reconnects (issue 15)', () => {
  it('the live view lists each alert once after Live -> Informes -> Live; the banner shows the figure now and leaves on recovery', async () => {
    const api = await apiLogin(tablero.url, 'admin', tablero.admin.password);
    const saved = await api.send('POST', '/api/settings/queues', { site: 'default', queue: '601', patch: { alerts: { waiting_above: 0 } } });
    expect(saved.status).toBe(201);
    const page = await logIn(await browser.newPage({ viewport: { width: 1366, height: 768 } }), tablero.url, 'admin', tablero.admin.password);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    const board = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await board.goto(`${tablero.url}/?kiosk=${tablero.admin.kioskToken}#/wallboard?queues=601`);
    await page.getByTestId('nav-live').click();
    await page.getByTestId('live-view').waitFor();

    // A caller waiting in 601: waiting 1 > threshold 0 raises the alert (the processor picks the
    // new setting version up within ~5 s; the caller keeps waiting until then).
    const now = Math.floor(Date.now() / 1000);
    appendLines(queueLog, [`${now}|${now}.61|601|NONE|ENTERQUEUE||70061111|1`]);
    const listed = page.locator('[data-testid="live-alerts"] [data-testid="alert-601-waiting_now"]');
    await expect.poll(() => listed.getAttribute('data-state'), { timeout: 30_000 }).toBe('raised');

    // Leave the live view and come back twice: each return reconnects, and the server repeats
    // every raised alert after its hello. Still one entry, no error.
    for (let round = 0; round < 2; round++) {
      await page.getByTestId('nav-reports').click();
      await expect.poll(() => page.getByTestId('live-view').count(), { timeout: 10_000 }).toBe(0);
      await page.getByTestId('nav-live').click();
      await page.getByTestId('live-view').waitFor({ timeout: 10_000 });
      await expect.poll(() => page.getByTestId('conn-status').getAttribute('data-state'), { timeout: 20_000 }).toBe('open');
      await expect.poll(() => listed.getAttribute('data-state'), { timeout: 20_000 }).toBe('raised');
      expect(await listed.count()).toBe(1);
    }
    expect(errors).toEqual([]);

    // The wallboard banner: the figure now (2 waiting), not the 1 it was raised with.
    const banner = board.locator('[data-testid="alert-banner"] [data-testid="alert-601-waiting_now"] .text');
    await expect.poll(() => banner.textContent(), { timeout: 20_000 }).toBe('Cola 601: en espera 1 (umbral 0)');
    appendLines(queueLog, [`${now + 1}|${now}.62|601|NONE|ENTERQUEUE||70062222|1`]);
    await expect.poll(() => banner.textContent(), { timeout: 20_000 }).toBe('Cola 601: en espera 2 (umbral 0)');
    expect(await board.getByTestId('tile-waiting-601').textContent()).toBe('2');
    // Both callers leave: the tile shows 0 and the banner goes with it (the processor clears the
    // alert after its hold time; the banner does not wait for that).
    appendLines(queueLog, [`${now + 2}|${now}.61|601|NONE|ABANDON|1|1|2`, `${now + 2}|${now}.62|601|NONE|ABANDON|1|1|1`]);
    await expect.poll(() => board.getByTestId('tile-waiting-601').textContent(), { timeout: 20_000 }).toBe('0');
    expect(await board.getByTestId('alert-banner').count()).toBe(0);
    // The live view's log keeps the alert once, raised until the processor clears it.
    expect(await listed.count()).toBe(1);
    await board.close();
    await page.close();
  });
});

// Last in this file: it stops the server.
describe('offline board (issue 15)', () => {
  it('dims the alert banner with the cards when the feed goes offline, instead of keeping it bright red', async () => {
    const api = await apiLogin(tablero.url, 'admin', tablero.admin.password);
    expect((await api.send('POST', '/api/settings/queues', { site: 'default', queue: '602', patch: { alerts: { waiting_above: 0 } } })).status).toBe(201);
    const board = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await board.goto(`${tablero.url}/?kiosk=${tablero.admin.kioskToken}#/wallboard?queues=602`);
    const now = Math.floor(Date.now() / 1000);
    appendLines(queueLog, [`${now}|${now}.71|602|NONE|ENTERQUEUE||70071111|1`]);
    const banner = board.getByTestId('alert-banner');
    await expect.poll(() => banner.getAttribute('data-stale'), { timeout: 30_000 }).toBe('false');
    const look = (): Promise<{ bg: string; opacity: string }> =>
      banner.evaluate((el) => ({ bg: getComputedStyle(el).backgroundColor, opacity: getComputedStyle(el).opacity }));
    expect(await look()).toEqual({ bg: 'rgb(255, 82, 82)', opacity: '1' }); // --tone-bad while live
    await board.screenshot({ path: join(ARTIFACTS, 'wallboard-alert-live.png') });

    await tablero.stop();
    await expect.poll(() => banner.getAttribute('data-stale'), { timeout: 20_000 }).toBe('true');
    // --tone-neutral, dimmed like the cards; the figure it shows is the last one received.
    await expect.poll(look, { timeout: 5_000 }).toEqual({ bg: 'rgb(58, 71, 87)', opacity: '0.7' });
    expect(await board.getByTestId('stale-banner').getAttribute('data-reason')).toBe('offline');
    await board.screenshot({ path: join(ARTIFACTS, 'wallboard-alert-offline.png') });
    await board.close();
  });
});
