// A user changes their own password in the browser (Spanish), with the real `tablero start` and
// Debian's Chromium: the form refuses a wrong current password and a common new one with the
// policy's text, then changes it, ends the user's other session and keeps this page's; after it
// the new password logs in and the old one does not. The login view tells a lockout's wait.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { apiLogin, apiFromPage, launchChromium, logIn } from '../support/browser.ts';
import { startTablero, type TableroProcess } from '../support/tablero-process.ts';

const OLD = 'clave-inicial-de-lorena';
const NEW = 'otra clave para el turno';

let tablero: TableroProcess;
let browser: Browser;

async function loginStatus(username: string, password: string): Promise<number> {
  const res = await fetch(`${tablero.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  await res.arrayBuffer();
  return res.status;
}

beforeAll(async () => {
  tablero = await startTablero({ args: ['--no-simulate'] });
  const admin = await apiLogin(tablero.url, 'admin', tablero.admin.password);
  expect((await admin.send('POST', '/api/users', { username: 'lorena', password: OLD, role: 'supervisor', lang: 'es' })).status).toBe(201);
  browser = await launchChromium();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await tablero?.stop();
});

describe('changing my own password in the browser', () => {
  it('refuses a wrong current password and a common one in Spanish, then changes it and ends the other session', async () => {
    const elsewhere = await apiLogin(tablero.url, 'lorena', OLD);
    const ctx = await browser.newContext();
    const page = await logIn(await ctx.newPage(), tablero.url, 'lorena', OLD);
    await page.getByTestId('nav-password').click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Cambiar mi contraseña');

    const submit = async (current: string, next: string, repeat = next): Promise<string | null> => {
      await page.getByTestId('password-current').fill(current);
      await page.getByTestId('password-new').fill(next);
      await page.getByTestId('password-repeat').fill(repeat);
      const answered = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/me/password');
      await page.getByTestId('password-submit').click();
      await answered;
      return page.getByTestId('password-outcome').textContent();
    };
    expect(await submit('no es la actual', NEW)).toContain('La contraseña actual no es correcta.');
    expect(await submit(OLD, 'Contraseña2026')).toContain('Esa contraseña es demasiado común; elija una menos predecible.');
    // Repeated wrongly: refused by the page, nothing sent.
    await page.getByTestId('password-repeat').fill(`${NEW}!`);
    await page.getByTestId('password-submit').click();
    await expect.poll(() => page.getByTestId('password-outcome').textContent()).toContain('Las dos contraseñas nuevas no coinciden.');

    expect(await submit(OLD, NEW)).toContain('Contraseña cambiada. Sesiones cerradas en otros equipos o pestañas: 1.');
    // This page's session stays; the other one ended.
    expect((await apiFromPage(page, 'GET', '/api/me')).status).toBe(200);
    expect(await elsewhere.status('GET', '/api/me')).toBe(401);
    expect([await loginStatus('lorena', OLD), await loginStatus('lorena', NEW)]).toEqual([401, 200]);
    await ctx.close();
  }, 60_000);

  it('the login view says how long a locked account must wait', async () => {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await page.goto(`${tablero.url}/#/login`);
    const tryOnce = async (): Promise<string | null> => {
      await page.getByTestId('login-username').fill('nadie');
      await page.getByTestId('login-password').fill('una clave equivocada');
      const answered = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/login');
      await page.getByTestId('login-submit').click();
      await answered;
      return page.getByTestId('login-error').textContent();
    };
    for (let i = 0; i < 5; i++) expect(await tryOnce()).toBe('Usuario o contraseña incorrectos.');
    // 30 s after the fifth failure, in whole seconds rounded up: 30, or 29 on a slow machine.
    expect(await tryOnce()).toMatch(/^Demasiados intentos fallidos\. Vuelva a intentar en (30|29) s\.$/);
    await ctx.close();
  }, 60_000);
});
