// Two pages of one browser share the session cookie but each holds its own CSRF token. When one
// page logs in again (same user or someone else), the other must neither fail its writes with a
// stale token nor keep acting for the previous user. Real `tablero start`, Debian's Chromium.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { apiFromPage, launchChromium, logIn } from '../support/browser.ts';
import { startTablero, type TableroProcess } from '../support/tablero-process.ts';

const SOFIA_PASSWORD = 'supervisora-turno-noche';

let dir: string;
let dataDir: string;
let tablero: TableroProcess;
let browser: Browser;

/** A login made by a script in the page, not by the SPA: the cookie changes and no page is told. */
async function silentLogin(page: Page, username: string, password: string): Promise<number> {
  return page.evaluate(
    async ({ username, password }) =>
      (await fetch('/api/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) })).status,
    { username, password },
  );
}

/** The statuses of every answer to `path` this page receives from now on. */
function statusesOf(page: Page, path: string): number[] {
  const seen: number[] = [];
  page.on('response', (r) => {
    if (new URL(r.url()).pathname === path) seen.push(r.status());
  });
  return seen;
}

/** Saves a waiting alert threshold for queue `queue` from the settings view. */
async function saveThreshold(page: Page, queue: string, waiting: string): Promise<void> {
  await page.getByTestId('settings-site').fill('default');
  await page.getByTestId('settings-queue').fill(queue);
  await page.getByTestId('settings-alert-waiting').fill(waiting);
  await page.getByTestId('settings-save').click();
}

async function openSettings(ctx: BrowserContext): Promise<Page> {
  const page = await logIn(await ctx.newPage(), tablero.url, 'admin', tablero.admin.password);
  await page.getByTestId('nav-settings').click();
  await page.getByTestId('settings-save').waitFor();
  return page;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tablero-pbx-'));
  dataDir = mkdtempSync(join(tmpdir(), 'tablero-data-'));
  const queueLog = join(dir, 'queue_log');
  writeFileSync(queueLog, '');
  tablero = await startTablero({ args: ['--source', queueLog, '--no-simulate'], dataDir, env: { TZ: 'UTC' } });
  browser = await launchChromium();
  const ctx = await browser.newContext();
  const page = await openSettings(ctx);
  const created = await apiFromPage(page, 'POST', '/api/users', { username: 'sofia', password: SOFIA_PASSWORD, role: 'supervisor' });
  expect(created.status).toBe(201);
  await ctx.close();
});

afterAll(async () => {
  await browser?.close();
  await tablero?.stop();
  rmSync(dir, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
});

describe('a session shared by the pages of one browser', () => {
  it('a login in another tab is announced: the open page saves with the new token at once', async () => {
    const ctx = await browser.newContext();
    const settings = await openSettings(ctx);
    const saves = statusesOf(settings, '/api/settings/queues');
    // The page's own first read was a 401 (no cookie yet); the re-read the announcement causes is a 200.
    const reread = settings.waitForResponse((r) => new URL(r.url()).pathname === '/api/me' && r.status() === 200);
    const other = await logIn(await ctx.newPage(), tablero.url, 'admin', tablero.admin.password);
    await (await reread).finished();
    await saveThreshold(settings, '201', '3');
    await expect.poll(() => settings.getByTestId('settings-message').textContent(), { timeout: 10_000 }).toBe('Guardada la versión 1.');
    expect(saves).toEqual([201]);
    await other.close();
    await ctx.close();
  });

  it('a write refused for a token replaced unannounced is sent once more for the same user', async () => {
    const ctx = await browser.newContext();
    const settings = await openSettings(ctx);
    const saves = statusesOf(settings, '/api/settings/queues');
    const other = await ctx.newPage();
    await other.goto(`${tablero.url}/#/login`);
    expect(await silentLogin(other, 'admin', tablero.admin.password)).toBe(200);
    await saveThreshold(settings, '202', '4');
    await expect.poll(() => settings.getByTestId('settings-message').textContent(), { timeout: 10_000 }).toBe('Guardada la versión 1.');
    expect(saves).toEqual([403, 201]);
    await other.close();
    await ctx.close();
  });

  it('a write is never resent for another user; the page starts over as that user', async () => {
    const ctx = await browser.newContext();
    const page = await logIn(await ctx.newPage(), tablero.url, 'admin', tablero.admin.password);
    const langSaves = statusesOf(page, '/api/me');
    const other = await ctx.newPage();
    await other.goto(`${tablero.url}/#/login`);
    expect(await silentLogin(other, 'sofia', SOFIA_PASSWORD)).toBe(200);
    // Saving the language is a write every role may make, so only the CSRF token stops it.
    await page.selectOption('[data-testid=lang-switch]', 'en');
    // The refusal stands, and the page reloads as sofia (a supervisor: no settings in her menu).
    await expect.poll(() => page.locator('header .user').textContent(), { timeout: 15_000 }).toBe('Sesión: sofia');
    await page.getByTestId('nav-live').waitFor();
    expect(await page.getByTestId('nav-settings').count()).toBe(0);
    // The PATCH refused (403), the re-read naming sofia (200), the reloaded page's first read (200).
    expect(langSaves).toEqual([403, 200, 200]);
    // sofia's stored language is untouched: the admin's pick was not saved on her.
    expect(await other.evaluate(async () => ((await (await fetch('/api/me')).json()) as { lang: string }).lang)).toBe('es');
    await other.close();
    await ctx.close();
  });

  it('a logout in another tab sends the open page to the login view', async () => {
    const ctx = await browser.newContext();
    const settings = await openSettings(ctx);
    const other = await logIn(await ctx.newPage(), tablero.url, 'admin', tablero.admin.password);
    await other.getByTestId('logout').click();
    await other.getByTestId('login-username').waitFor();
    await settings.getByTestId('login-username').waitFor({ timeout: 15_000 });
    expect(await settings.getByTestId('nav-live').count()).toBe(0);
    await other.close();
    await ctx.close();
  });
});
