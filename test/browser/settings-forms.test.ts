// The settings page as forms, in Debian's Chromium against the real `tablero start`: the admin
// edits a queue's definition starting from the values in force, a site calendar through the
// weekly-hours and holidays editor, reads each stored value back through the API and the versions
// on the page as readable changes; refusals (the page's own check and the server's reason) are
// told in plain words in the user's language and keep what was typed. Spanish first, then English.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { apiLogin, launchChromium, logIn, type ApiSession } from '../support/browser.ts';
import { startTablero, type TableroProcess } from '../support/tablero-process.ts';

let tablero: TableroProcess;
let browser: Browser;
let admin: ApiSession;
let page: Page;

/** The rows of a versions table as the page shows them, cell by cell. */
function rows(testId: string): Promise<string[][]> {
  return page.getByTestId(testId).locator('tbody tr').evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => (td.textContent ?? '').trim())));
}

/** Submits a form (after the server answered, when it is asked) and waits for the page's message to read `expected`. */
async function submit(button: string, expected: string, path?: string): Promise<void> {
  const answered = path === undefined ? null : page.waitForResponse((r) => new URL(r.url()).pathname === path && r.request().method() === 'POST');
  await page.getByTestId(button).click();
  await answered;
  await expect.poll(() => page.getByTestId('settings-message').textContent(), { timeout: 10_000 }).toBe(expected);
}

beforeAll(async () => {
  tablero = await startTablero({ args: ['--no-simulate'] });
  admin = await apiLogin(tablero.url, 'admin', tablero.admin.password);
  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage();
  await logIn(page, tablero.url, 'admin', tablero.admin.password);
  await page.goto(`${tablero.url}/#/settings`);
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await tablero?.stop();
});

describe('settings as forms (admin, Chromium)', () => {
  it('edits a queue from its values in force, refuses bad input in Spanish keeping it, and lists the versions as changes', async () => {
    // The form starts from the built-in values (nothing stored yet).
    await expect.poll(() => page.getByTestId('settings-threshold').inputValue(), { timeout: 15_000 }).toBe('20');
    expect(await page.getByTestId('settings-target').inputValue()).toBe('80');
    expect(await page.getByTestId('settings-formula').inputValue()).toBe('offered');
    expect(await page.getByTestId('settings-alert-waiting').inputValue()).toBe('');
    expect(await page.getByTestId('settings-builtin').textContent()).toBe(
      'Valores de fábrica: Fórmula de NS: recibidas · Umbral T (s): 20 s · Meta (%): 80 % · Comparación: espera ≤ T · Abandono corto (s): 0 s · Alerta: NS bajo (%): sin alerta · Alerta: en espera más de: sin alerta · Alerta: espera máxima más de (s): sin alerta',
    );

    await page.getByTestId('settings-queue').fill('ventas');
    await page.getByTestId('settings-threshold').fill('veinte');
    await submit('settings-save', 'No se pudo guardar: «Umbral T (s)» debe ser un número entero, 0 o mayor.');
    expect(await page.getByTestId('settings-threshold').inputValue()).toBe('veinte');

    await page.getByTestId('settings-threshold').fill('30');
    await page.getByTestId('settings-alert-waiting').fill('5');
    await submit('settings-save', 'Guardada la versión 1.', '/api/settings/queues');
    await page.getByTestId('settings-target').fill('85,5');
    await page.getByTestId('settings-alert-waiting').fill('');
    await submit('settings-save', 'Guardada la versión 2.', '/api/settings/queues');
    // The form now shows what is in force for that queue.
    await expect.poll(() => page.getByTestId('settings-target').inputValue()).toBe('85.5');
    expect(await page.getByTestId('settings-threshold').inputValue()).toBe('30');
    await submit('settings-save', 'Ningún valor cambió: no se guardó una versión nueva.');

    const stored = (await admin.send('GET', '/api/settings')).body as { versions: Array<Record<string, unknown>> };
    expect(stored.versions.map(({ site, queue, version, patch, created_by }) => ({ site, queue, version, patch, created_by }))).toEqual([
      { site: 'default', queue: 'ventas', version: 1, patch: { threshold_s: 30, alerts: { waiting_above: 5 } }, created_by: 'admin' },
      { site: 'default', queue: 'ventas', version: 2, patch: { threshold_s: 30, target_pct: 85.5, alerts: { waiting_above: null } }, created_by: 'admin' },
    ]);

    const table = await rows('settings-versions');
    expect(table.map((r) => [r[0], r[1], r[2], r[4], r[5]])).toEqual([
      ['default', 'ventas', '2', 'admin', 'Meta (%): 85,5 %Alerta: en espera más de: 5 → sin alerta'],
      ['default', 'ventas', '1', 'admin', 'Umbral T (s): 30 sAlerta: en espera más de: 5'],
    ]);
    expect(await page.getByTestId('settings-versions').locator('li').allTextContents()).toEqual([
      'Meta (%): 85,5 %',
      'Alerta: en espera más de: 5 → sin alerta',
      'Umbral T (s): 30 s',
      'Alerta: en espera más de: 5',
    ]);
  }, 60_000);

  it('edits the site calendar with the weekly hours and holidays editor, and tells the server refusal in words', async () => {
    // No stored calendar: open 24 h every day.
    expect(await page.getByTestId('calendar-from-0-0').inputValue()).toBe('00:00');
    expect(await page.getByTestId('calendar-to-0-0').inputValue()).toBe('24:00');
    await page.getByTestId('calendar-tz').fill('America/La_Paz');
    // Monday 08:00-12:00 and 14:00-18:00; Saturday 09:00-13:00; Sunday closed; the rest as typed below.
    await page.getByTestId('calendar-from-0-0').fill('08:00');
    await page.getByTestId('calendar-to-0-0').fill('12:00');
    await page.getByTestId('calendar-add-0').click();
    await page.getByTestId('calendar-from-0-1').fill('14:00');
    await page.getByTestId('calendar-to-0-1').fill('18:00');
    for (let d = 1; d <= 4; d++) {
      await page.getByTestId(`calendar-from-${d}-0`).fill('08:00');
      await page.getByTestId(`calendar-to-${d}-0`).fill('18:00');
    }
    await page.getByTestId('calendar-from-5-0').fill('09:00');
    await page.getByTestId('calendar-to-5-0').fill('13:00');
    await page.getByTestId('calendar-remove-6-0').click();
    expect(await page.getByTestId('calendar-day-6').textContent()).toContain('Cerrado');
    for (const day of ['2026-12-25', '2027-01-01', '2026-12-08']) {
      await page.getByTestId('calendar-new-holiday').fill(day);
      await page.getByTestId('calendar-add-holiday').click();
    }
    await page.getByTestId('calendar-holiday-remove-2026-12-08').click();
    expect(await page.getByTestId('calendar-holiday').locator('span').allTextContents()).toEqual(['25 dic 2026', '1 ene 2027']);

    // A range that ends before it starts: the page's own check, in words.
    await page.getByTestId('calendar-to-5-0').fill('07:00');
    await submit('calendar-save', 'No se pudo guardar: sábado: el horario 09:00–07:00 termina antes de empezar.');
    await page.getByTestId('calendar-to-5-0').fill('13:00');
    // A time zone the server does not know: its reason, in Spanish; what was typed stays.
    await page.getByTestId('calendar-tz').fill('America/Marte');
    await submit('calendar-save', 'No se pudo guardar: La zona horaria no existe (ejemplo: America/La_Paz, America/Bogota).', '/api/settings/calendars');
    expect(await page.getByTestId('calendar-tz').inputValue()).toBe('America/Marte');
    expect(await page.getByTestId('calendar-from-0-1').inputValue()).toBe('14:00');

    await page.getByTestId('calendar-tz').fill('America/La_Paz');
    await submit('calendar-save', 'Guardada la versión 1.', '/api/settings/calendars');
    const office = [[{ from: '08:00', to: '12:00' }, { from: '14:00', to: '18:00' }], ...Array.from({ length: 4 }, () => [{ from: '08:00', to: '18:00' }]), [{ from: '09:00', to: '13:00' }], []];
    const stored = (await admin.send('GET', '/api/settings')).body as { calendars: Record<string, unknown>; calendar_versions: Array<Record<string, unknown>> };
    expect(stored.calendars['default']).toEqual({ tz: 'America/La_Paz', weekly: office, holidays: ['2026-12-25', '2027-01-01'] });
    expect(stored.calendar_versions.map(({ site, version, created_by }) => ({ site, version, created_by }))).toEqual([{ site: 'default', version: 1, created_by: 'admin' }]);

    // A second version: Saturday closed too, one holiday less.
    await page.getByTestId('calendar-remove-5-0').click();
    await page.getByTestId('calendar-holiday-remove-2027-01-01').click();
    await submit('calendar-save', 'Guardada la versión 2.', '/api/settings/calendars');
    await expect.poll(() => page.getByTestId('calendar-version').count()).toBe(2);
    expect(await page.getByTestId('calendar-version').first().locator('li').allTextContents()).toEqual(['sábado: Cerrado', 'Feriado quitado: 1 ene 2027']);
    expect(await page.getByTestId('calendar-version').nth(1).locator('li').allTextContents()).toEqual([
      'Zona horaria: America/La_Paz',
      'lunes: 08:00–12:00, 14:00–18:00',
      'martes: 08:00–18:00',
      'miércoles: 08:00–18:00',
      'jueves: 08:00–18:00',
      'viernes: 08:00–18:00',
      'sábado: 09:00–13:00',
      'domingo: Cerrado',
      'Feriado agregado: 25 dic 2026',
      'Feriado agregado: 1 ene 2027',
    ]);
    // After a reload the editor shows the stored calendar.
    await page.reload();
    await expect.poll(() => page.getByTestId('calendar-tz').inputValue(), { timeout: 15_000 }).toBe('America/La_Paz');
    expect(await page.getByTestId('calendar-day-5').textContent()).toContain('Cerrado');
    expect(await page.getByTestId('calendar-holiday').locator('span').allTextContents()).toEqual(['25 dic 2026']);
  }, 60_000);

  it('speaks English to an English user: versions, refusals and the first-start kiosk link', async () => {
    await page.selectOption('[data-testid=lang-switch]', 'en');
    await expect.poll(() => page.getByTestId('settings-versions').locator('li').first().textContent(), { timeout: 10_000 }).toBe('Target (%): 85.5 %');
    expect(await page.getByTestId('calendar-version').first().locator('li').allTextContents()).toEqual(['Saturday: Closed', 'Holiday removed: Jan 1, 2027']);
    await page.getByTestId('settings-queue').fill('ventas');
    await page.getByTestId('settings-queue').dispatchEvent('change');
    await page.getByTestId('settings-alert-sl').fill('120');
    await submit('settings-save', 'Not saved: “Alert: SL below (%)” must be a number from 0 to 100.');
    expect(await page.getByTestId('settings-alert-sl').inputValue()).toBe('120');
    expect(await page.getByTestId('kiosk-tokens').textContent()).toContain('Wall screen (created at first start)');
    await page.selectOption('[data-testid=lang-switch]', 'es-CO');
    await expect.poll(() => page.getByTestId('kiosk-tokens').textContent()).toContain('Pantalla de pared (creada en el primer arranque)');
  }, 60_000);

  it('a manager reads the values in force and the versions, with no form to change them', async () => {
    expect((await admin.send('POST', '/api/users', { username: 'marco', password: 'gerencia-de-operaciones', role: 'manager', lang: 'es' })).status).toBe(201);
    const manager = await logIn(await (await browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage(), tablero.url, 'marco', 'gerencia-de-operaciones');
    await manager.goto(`${tablero.url}/#/settings`);
    const calendar = manager.locator('[data-testid=calendar-in-force][data-site=default]');
    await calendar.waitFor({ timeout: 15_000 });
    expect(await calendar.locator('li').allTextContents()).toEqual([
      'lunes: 08:00–12:00, 14:00–18:00',
      'martes: 08:00–18:00',
      'miércoles: 08:00–18:00',
      'jueves: 08:00–18:00',
      'viernes: 08:00–18:00',
      'sábado: Cerrado',
      'domingo: Cerrado',
      'Feriados: 25 dic 2026',
    ]);
    expect(await manager.getByTestId('settings-version').count()).toBe(2);
    expect(await manager.getByTestId('calendar-version').count()).toBe(2);
    expect([await manager.getByTestId('settings-save').count(), await manager.getByTestId('calendar-form').count()]).toEqual([0, 0]);
    await manager.context().close();
  }, 60_000);
});
