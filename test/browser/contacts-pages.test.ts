// Contacts of other channels in a real browser (Debian's Chromium through playwright-core) against
// the real all-in-one run, with contacts imported before start by `tablero import --kind contacts`
// (times today, UTC): the supervisor's wallboard shows a tile per channel, the manager's Reports
// page the channel report with its definitions and ratings, both equal to GET /api/contacts/kpis;
// the admin changes the chat threshold in the Settings form (a new version the report states), the
// manager reads the same form without saving; the data quality page counts the contacts source;
// Spanish and English.
//   K1 chat  00:01:00, first response after 10 s, ended after 100 s, calidad 5 -> on time
//   K2 chat  00:02:00, first response after 50 s, ended after 140 s          -> late (T = 30 s)
//   K3 chat  00:03:00, abandoned after 30 s
//   K4 email 00:04:00, open without a response (waiting)
//   chat today: received 3, answered 2, abandoned 1, on time 1 of 3 = 33.3 %, first response avg
//   (10 + 50) / 2 = 30 s, max 50 s, handle avg (90 + 90) / 2 = 90 s, rated 1, satisfaction 100 %.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, logIn } from '../support/browser.ts';
import { runTablero, startTablero, type TableroProcess } from '../support/tablero-process.ts';
import { waitFor } from '../support/wait-for.ts';

const DAY_S = 86_400;
const TODAY_S = Math.floor(Date.now() / 1000 / DAY_S) * DAY_S;
const TODAY = new Date(TODAY_S * 1000).toISOString().slice(0, 10);
const TOMORROW = new Date((TODAY_S + DAY_S) * 1000).toISOString().slice(0, 10);
const PASSWORDS = { mara: 'manager-password-2026', sofi: 'supervisor-password-2026' };

let dir: string;
let tablero: TableroProcess;
let browser: Browser;
let cliRows: Array<Record<string, unknown>>;
let cliTable: string;
let badChannel: { code: number | null; stderr: string };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tablero-contacts-'));
  const t = (s: number): number => TODAY_S + s;
  const csv = [
    'contact_id,channel,queue,arrived,first_response,ended,agent,outcome,rating_calidad',
    `K1,chat,web,${t(60)},${t(70)},${t(160)},ana,answered,5`,
    `K2,chat,web,${t(120)},${t(170)},${t(260)},luis,answered,`,
    `K3,chat,web,${t(180)},,${t(210)},,abandoned,`,
    `K4,correo,pqrs,${t(240)},,,,,`,
    `K5,fax,pqrs,${t(300)},,,,,`,
  ].join('\n');
  writeFileSync(join(dir, 'contacts.csv'), `${csv}\n`);
  const dataDir = join(dir, 'data');
  const imported = await runTablero(['import', '--kind', 'contacts', join(dir, 'contacts.csv')], { dataDir, env: { TZ: 'UTC' } });
  expect(imported.stdout).toBe(`imported 1 file(s): 5 rows, 4 accepted, 1 rejected\n  rejected 1 x bad_field:channel\n  ${join(dir, 'contacts.csv')}:6: bad_field:channel\n`);
  // `tablero contacts` on the stored data (nothing running yet): the rows GET /api/contacts/kpis answers below.
  const cli = await runTablero(['contacts', '--from', TODAY, '--to', TOMORROW, '--tz', 'UTC', '--json'], { dataDir, env: { TZ: 'UTC' } });
  if (cli.code !== 0) throw new Error(cli.stderr);
  cliRows = JSON.parse(cli.stdout) as Array<Record<string, unknown>>;
  const table = await runTablero(['contacts', '--from', TODAY, '--to', TOMORROW, '--tz', 'UTC'], { dataDir, env: { TZ: 'UTC' } });
  cliTable = table.stdout;
  badChannel = await runTablero(['contacts', '--from', TODAY, '--to', TOMORROW, '--channel', 'fax'], { dataDir, env: { TZ: 'UTC' } });
  tablero = await startTablero({ args: ['--no-simulate'], dataDir, env: { TZ: 'UTC' } });
  for (const [user, role] of [['mara', 'manager'], ['sofi', 'supervisor']] as const) {
    const added = await runTablero(['user', 'add', user, '--role', role], { dataDir, stdin: PASSWORDS[user] });
    if (added.code !== 0) throw new Error(added.stderr);
  }
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await tablero?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function asUser(user: 'admin' | 'mara' | 'sofi', run: (page: Page) => Promise<void>): Promise<void> {
  const ctx = await browser.newContext({ viewport: { width: 1600, height: 1000 }, timezoneId: 'UTC' });
  const errors: string[] = [];
  try {
    const page = await logIn(await ctx.newPage(), tablero.url, user, user === 'admin' ? tablero.admin.password : PASSWORDS[user]);
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await run(page);
    expect(errors).toEqual([]);
  } finally {
    await ctx.close();
  }
}

const apiRows = (page: Page, q: string) => page.evaluate(async (query) => (await fetch(`/api/contacts/kpis?${query}`)).json(), q) as Promise<Array<Record<string, unknown>>>;
const english = async (page: Page): Promise<void> => {
  await page.selectOption('[data-testid=lang-switch]', 'en');
};

describe('contacts of other channels', () => {
  it('supervisor: wallboard tiles per channel, as GET /api/contacts/kpis answers today, in Spanish and English', async () => {
    await asUser('sofi', async (page) => {
      await page.locator('[data-testid="channel-tiles"]').waitFor({ timeout: 30_000 });
      expect(await page.locator('[data-testid="channel-tiles"]').getAttribute('data-day')).toBe(TODAY);
      expect(await page.locator('[data-testid="channel-tile-chat"] span').allInnerTexts()).toEqual(['Chat', '3 recibidos', '2 atendidos', '0 en espera', '33,3% a tiempo']);
      expect(await page.locator('[data-testid="channel-tile-email"] span').allInnerTexts()).toEqual(['Correo (buzón)', '1 recibidos', '0 atendidos', '1 en espera', '— a tiempo']);
      const api = await apiRows(page, `from=${TODAY}&to=${TOMORROW}&by=day&tz=UTC`);
      expect(api.map((r) => [r.channel, r.received, r.answered, r.waiting, r.within_pct])).toEqual([['chat', 3, 2, 0, 33.33], ['email', 1, 0, 1, null]]);
      // One truth: `tablero contacts --json` printed the same rows from the store before start.
      expect(cliRows).toEqual(api);
      expect(cliTable.split('\n')[1]).toMatch(/^chat\s+2\d{3}-\d{2}-\d{2}\s+3\s+2\s+1\s+0\s+0\s+1\s+33\.33\s+30\s+50\s+90\s+1\s+100$/);
      expect([badChannel.code, badChannel.stderr]).toEqual([2, 'tablero contacts: --channel must be one of chat, video, email, webform, social\n']);
      await english(page);
      await waitFor(async () => (await page.locator('[data-testid="channel-tile-chat"] span').first().innerText()) === 'Chat' && (await page.locator('[data-testid="channel-tile-email"] span').first().innerText()) === 'Email (mailbox)', { timeoutMs: 10_000, what: 'English tiles' });
      expect(await page.locator('[data-testid="channel-tile-chat"] span').allInnerTexts()).toEqual(['Chat', '3 received', '2 answered', '0 waiting', '33.3% on time']);
    });
  });

  it('manager: the channel report on the Reports page with definitions and ratings; the settings form read only', async () => {
    await asUser('mara', async (page) => {
      await page.goto(`${tablero.url}/#/reports?from=${TODAY}&to=${TOMORROW}`);
      await waitFor(async () => (await page.locator('[data-testid="channel-report"]').getAttribute('data-status')) === 'ready', { timeoutMs: 30_000, what: 'the channel report' });
      const cells = (): Promise<string[]> => page.locator(`[data-testid="channel-row-chat-${TODAY}"] td`).allInnerTexts();
      expect(await cells()).toEqual(['Chat', TODAY, '3', '2', '1', '0', '0', '1', '33,3%', '30 s', '50 s', '1:30', '1', '100,0%']);
      expect(await page.locator('[data-testid="channel-def-chat"]').innerText()).toBe('Chat: a tiempo = primera respuesta ≤ 30 s de reloj (versión 0).');
      expect(await page.locator('[data-testid="channel-def-email"]').innerText()).toBe('Correo (buzón): a tiempo = primera respuesta ≤ 24:00:00 hábiles del calendario de la sede (versión 0).');
      expect(await page.locator(`[data-testid="channel-rating-chat-${TODAY}-calidad"]`).innerText()).toBe(`Chat ${TODAY}, calidad: 1 respuestas, promedio 5, satisfacción 100,0%`);
      const api = await apiRows(page, `from=${TODAY}&to=${TOMORROW}&by=day`);
      const chat = api.find((r) => r.channel === 'chat') as Record<string, unknown>;
      expect([chat.received, chat.answered, chat.abandoned, chat.answered_within, chat.first_response_avg_s, chat.first_response_max_s, chat.handle_avg_s, chat.rated, chat.csat_pct]).toEqual([3, 2, 1, 1, 30, 50, 90, 1, 100]);
      await english(page);
      await waitFor(async () => (await cells())[8] === '33.3%', { timeoutMs: 10_000, what: 'English report' });
      expect(await page.locator('[data-testid="channel-report-table"] th').allInnerTexts()).toEqual([
        'Channel', 'Period', 'Received', 'Answered', 'Abandoned', 'Closed without answer', 'Waiting', 'Answered on time', '% on time', 'First response avg.', 'First response max.', 'Handle avg.', 'Rated', 'Satisfaction (4-5)',
      ]);
      await page.goto(`${tablero.url}/#/settings`);
      await page.locator('[data-testid="contact-settings"]').waitFor({ timeout: 20_000 });
      expect(await page.locator('[data-testid="contact-threshold-chat"]').isDisabled()).toBe(true);
      expect(await page.locator('[data-testid="contact-settings-save"]').count()).toBe(0);
      expect(await page.locator('[data-testid="contact-settings"] h2').innerText()).toBe('Thresholds of other channels');
    });
  });

  it('admin: changes the chat threshold in the Settings form; the report states the new version', async () => {
    await asUser('admin', async (page) => {
      await page.goto(`${tablero.url}/#/settings`);
      await page.locator('[data-testid="contact-settings"]').waitFor({ timeout: 20_000 });
      expect(await page.locator('[data-testid="contact-settings"] h2').innerText()).toBe('Umbrales de otros canales');
      expect([await page.locator('[data-testid="contact-threshold-email"]').inputValue(), await page.locator('[data-testid="contact-unit-email"]').inputValue(), await page.locator('[data-testid="contact-basis-email"]').inputValue()]).toEqual(['24', 'h', 'business']);
      await page.locator('[data-testid="contact-threshold-chat"]').fill('0');
      await page.locator('[data-testid="contact-settings-save"]').click();
      await waitFor(async () => (await page.locator('[data-testid="contact-settings-message"]').innerText()) !== '', { timeoutMs: 10_000, what: 'the refusal' });
      expect(await page.locator('[data-testid="contact-settings-message"]').innerText()).toBe('Umbral inválido en Chat: un número entero de 1 segundo a 60 días.');
      await page.locator('[data-testid="contact-threshold-chat"]').fill('1');
      await page.selectOption('[data-testid="contact-unit-chat"]', 'min');
      await page.locator('[data-testid="contact-settings-save"]').click();
      await waitFor(async () => (await page.locator('[data-testid="contact-settings-message"]').innerText()) === 'Guardado: versión 1.', { timeoutMs: 10_000, what: 'the save' });
      expect(await page.locator('[data-testid="contact-settings"]').getAttribute('data-version')).toBe('1');
      await page.goto(`${tablero.url}/#/reports?from=${TODAY}&to=${TOMORROW}`);
      await waitFor(async () => (await page.locator('[data-testid="channel-report"]').getAttribute('data-status')) === 'ready', { timeoutMs: 30_000, what: 'the channel report' });
      // Saved now: contacts that arrived earlier today keep version 0 (1 on time); the range ends under version 1.
      expect(await page.locator(`[data-testid="channel-row-chat-${TODAY}"] td[data-col="answered_within"]`).innerText()).toBe('1');
      expect(await page.locator('[data-testid="channel-def-chat"]').innerText()).toBe(
        'Chat: a tiempo = primera respuesta ≤ 1:00 de reloj (versión 1; cambió dentro del rango: cada contacto con la versión vigente a su llegada).',
      );
      // The data quality page counts the imported contacts and the rejected row under one source.
      await page.getByTestId('nav-quality').click();
      const row = page.locator('[data-testid=quality-source][data-source="contacts:import:crm"]');
      await waitFor(async () => (await row.count()) === 1, { timeoutMs: 20_000, what: 'the contacts source' });
      expect([await row.getByTestId('quality-accepted').textContent(), await row.getByTestId('quality-rejected').textContent(), await row.getByTestId('quality-status').textContent()]).toEqual(['4', '1', 'importación terminada']);
      await page.goto(`${tablero.url}/#/reports?from=${TODAY}&to=${TOMORROW}`);
      await waitFor(async () => (await page.locator('[data-testid="channel-report"]').getAttribute('data-status')) === 'ready', { timeoutMs: 30_000, what: 'the channel report' });
      await english(page);
      await waitFor(async () => (await page.locator('[data-testid="channel-def-chat"]').innerText()).startsWith('Chat: on time'), { timeoutMs: 10_000, what: 'English definitions' });
      expect(await page.locator('[data-testid="channel-def-chat"]').innerText()).toBe('Chat: on time = first response ≤ 1:00 wall clock (version 1; changed inside the range: each contact judged by the version in force at its arrival).');
    });
  });
});
