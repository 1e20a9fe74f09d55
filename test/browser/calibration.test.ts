// A calibration session in a real browser (Debian's Chromium driven by playwright-core) against
// the real all-in-one run: two analysts in two browser contexts score the same call blind; after
// the second submits, both screens show both deviations, without a reload (live update over the
// WebSocket, then each screen fetches what its user may see).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startTablero, type TableroProcess } from '../support/tablero-process.ts';
import { answeredCall, appendLines } from '../support/queue-log-writer.ts';
import { waitFor } from '../support/wait-for.ts';

const PASSWORD = 'calibracion-quincenal-2026';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];

let dir: string;
let queueLog: string;
let tablero: TableroProcess;
let browser: Browser;

interface Api {
  get(path: string): Promise<{ status: number; body: unknown }>;
  post(path: string, body: unknown): Promise<{ status: number; body: unknown }>;
}

async function apiAs(base: string, username: string, password: string): Promise<Api> {
  const res = await fetch(`${base}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status}`);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] as string;
  const { csrf } = (await res.json()) as { csrf: string };
  const send = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> => {
    const r = await fetch(`${base}${path}`, {
      method,
      headers: { cookie, 'x-csrf-token': csrf, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await r.text();
    return { status: r.status, body: text === '' ? null : (JSON.parse(text) as unknown) };
  };
  return { get: (p) => send('GET', p), post: (p, b) => send('POST', p, b) };
}

async function loginIn(page: Page, username: string): Promise<void> {
  await page.goto(`${tablero.url}/#/login`);
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('logout').waitFor({ timeout: 20_000 });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tablero-pbx-'));
  queueLog = join(dir, 'queue_log');
  writeFileSync(queueLog, '');
  tablero = await startTablero({ args: ['--source', queueLog, '--no-simulate'] });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
});

afterAll(async () => {
  await browser?.close();
  await tablero?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('calibration session in Chromium', () => {
  it('shows both deviations on both analysts screens after the second submits', async () => {
    const admin = await apiAs(tablero.url, 'admin', tablero.admin.password);
    for (const username of ['quique', 'rita']) {
      expect((await admin.post('/api/users', { username, password: PASSWORD, role: 'qa_analyst' })).status).toBe(201);
    }
    const now = Math.floor(Date.now() / 1000);
    const callid = `${now}.77`;
    appendLines(queueLog, answeredCall({ queue: '101', callid, endS: now, wait: 12, talk: 95, agent: 'Ana' }));
    await waitFor(async () => (await admin.get(`/api/qa/calls/${callid}`)).status === 200, { timeoutMs: 20_000, what: 'the answered call to be stored' });

    const form = await admin.post('/api/qa/forms', {
      spec: {
        name: 'Monitoreo',
        bands: [{ label: 'mejorar', max: 60 }, { label: 'cumple', max: 85 }, { label: 'supera', max: 100 }],
        sections: [
          {
            id: 'atencion',
            title: 'Atención',
            items: [
              { id: 'saludo', label: 'Saluda con el guion', type: 'yes_no' },
              { id: 'datos', label: 'Verifica datos', type: 'yes_no', critical: 'compliance' },
              { id: 'solucion', label: 'Resuelve', type: 'scale', max: 4, weight: 2 },
            ],
          },
        ],
      },
    });
    expect(form.status).toBe(200);
    const created = await admin.post('/api/qa/calibrations', {
      title: 'Calibración quincenal',
      callid,
      form_id: (form.body as { form_id: string }).form_id,
      analysts: ['quique', 'rita'],
      reference_analyst: null,
      deadline_ms: Date.now() + 3_600_000,
    });
    expect(created.status).toBe(200);
    const sessionId = (created.body as { session_id: string }).session_id;

    const quique = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
    const rita = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
    await loginIn(quique, 'quique');
    await loginIn(rita, 'rita');
    for (const page of [quique, rita]) {
      await page.goto(`${tablero.url}/#/qa?session=${sessionId}`);
      await page.getByTestId('cal-form').waitFor({ timeout: 20_000 });
      await page.getByTestId('conn-status').waitFor();
    }

    // Quique: yes, yes, 4 -> 100. He sees the figures so far (no one to compare with yet).
    await quique.getByTestId('answer-saludo').selectOption('1');
    await quique.getByTestId('answer-datos').selectOption('1');
    await quique.getByTestId('answer-solucion').selectOption('4');
    await quique.getByTestId('cal-submit').click();
    await quique.getByTestId('cal-stats').waitFor({ timeout: 10_000 });
    expect(await quique.getByTestId('score-quique').textContent()).toBe('100,00');
    expect(await quique.getByTestId('deviation-quique').textContent()).toBe('—');
    // Rita still scores blind, but sees that one analyst submitted.
    await expect.poll(() => rita.getByTestId('cal-submitted').getAttribute('data-value'), { timeout: 10_000 }).toBe('1');
    expect(await rita.getByTestId('cal-blind').isVisible()).toBe(true);
    expect(await rita.getByTestId('cal-stats').count()).toBe(0);

    // Rita: no, yes, 2 -> 100 x (0 + 1 + 2 x 2/4) / 4 = 50. Consensus: deviations +50 and -50.
    await rita.getByTestId('answer-saludo').selectOption('0');
    await rita.getByTestId('answer-datos').selectOption('1');
    await rita.getByTestId('answer-solucion').selectOption('2');
    await rita.getByTestId('cal-submit').click();

    for (const page of [rita, quique]) {
      await expect.poll(() => page.getByTestId('deviation-quique').getAttribute('data-value'), { timeout: 15_000 }).toBe('50');
      await expect.poll(() => page.getByTestId('deviation-rita').getAttribute('data-value'), { timeout: 15_000 }).toBe('-50');
      expect(await page.getByTestId('deviation-quique').textContent()).toBe('+50,00');
      expect(await page.getByTestId('deviation-rita').textContent()).toBe('-50,00');
      expect(await page.getByTestId('cal-spread').textContent()).toBe('50,00');
    }
    // Quique's page was never reloaded: the form he filled was replaced by the figures in place.
    expect(await quique.evaluate(() => performance.getEntriesByType('navigation').length)).toBe(1);
    await quique.context().close();
    await rita.context().close();
  });
});
