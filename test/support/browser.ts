// Test support: what the real-browser tests share: Debian's Chromium launched through
// playwright-core, a login through the login view, and the JSON API with a logged-in session,
// either from Node (the cookie and CSRF token of a POST /api/login) or from inside a page (the
// page's own cookies and token).
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];

/** Debian's /usr/bin/chromium, headless. `autoplay`: pages may play sound without a user gesture (the alert beep). */
export function launchChromium(opts: { autoplay?: boolean } = {}): Promise<Browser> {
  const args = opts.autoplay ? [...CHROMIUM_ARGS, '--autoplay-policy=no-user-gesture-required'] : CHROMIUM_ARGS;
  return chromium.launch({ executablePath: '/usr/bin/chromium', args });
}

/**
 * Logs `page` in through the login view of the run at `url` and returns it once the login has
 * answered: it lands on the wallboard (wait for that, or it would override a navigation made
 * next), and the menu and the logout button show only then, even when the browser context still
 * holds the session of an earlier login.
 */
export async function logIn(page: Page, url: string, username: string, password: string): Promise<Page> {
  await page.goto(`${url}/#/login`);
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.waitForURL(/#\/wallboard/, { timeout: 20_000 });
  await page.getByTestId('logout').waitFor({ timeout: 20_000 });
  return page;
}

/** An API answer: its status and its body parsed as JSON (null when empty). */
export interface ApiAnswer {
  status: number;
  body: unknown;
}

/** The API as one logged-in user, from Node. A request with a body sends it as JSON. */
export interface ApiSession {
  send(method: string, path: string, body?: unknown): Promise<ApiAnswer>;
  /** The status only: the body is read to the end but not parsed (it need not be JSON). */
  status(method: string, path: string, body?: unknown): Promise<number>;
}

/** Logs in through POST /api/login (throws unless 200) and keeps that session's cookie and CSRF token. */
export async function apiLogin(url: string, username: string, password: string): Promise<ApiSession> {
  const res = await fetch(`${url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status}`);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] as string;
  const { csrf } = (await res.json()) as { csrf: string };
  const request = (method: string, path: string, body?: unknown): Promise<Response> =>
    fetch(`${url}${path}`, {
      method,
      headers: { cookie, 'x-csrf-token': csrf, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  return {
    async send(method, path, body) {
      const r = await request(method, path, body);
      const text = await r.text();
      return { status: r.status, body: text === '' ? null : (JSON.parse(text) as unknown) };
    },
    async status(method, path, body) {
      const r = await request(method, path, body);
      await r.arrayBuffer();
      return r.status;
    },
  };
}

/** An API request made by a script in `page`: the page's session cookie, and the CSRF token GET /api/me gives it. */
export function apiFromPage(page: Page, method: string, path: string, body?: unknown): Promise<ApiAnswer> {
  return page.evaluate(
    async ({ method, path, body }) => {
      const me = (await (await fetch('/api/me')).json()) as { csrf: string };
      const res = await fetch(path, {
        method,
        headers: { 'x-csrf-token': me.csrf, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      return { status: res.status, body: text === '' ? null : (JSON.parse(text) as unknown) };
    },
    { method, path, body },
  );
}
