// The dashboard's calls to its own server: JSON over same-origin fetch with the session cookie.
// Every non-GET request carries the CSRF token the server handed out with the session
// (header `x-csrf-token`); errors come back as `{ code, message }` and become ApiError.
// The cookie is shared by every page of the origin, the token is held per page: when another page
// logs in again, this page's token names a session the cookie no longer carries. A write refused
// for its CSRF token therefore asks the registered refresher for the current token and is sent
// once more, but only when the refresher vouches that the session still belongs to the same user.

import { isObj } from './guards.ts';

export interface Me {
  username: string;
  role: string;
  lang: string;
  csrf: string;
}

/** Fields of an error answer besides code and message (e.g. `retry_after_s`, a password `reason`). */
export type ErrorDetails = Readonly<Record<string, string | number>>;

/** A failed API call. `status` 0 means the server was not reached (network error). */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;
  readonly code: string;
  readonly details: ErrorDetails;
  constructor(status: number, code: string, message: string, options?: { cause?: unknown; details?: ErrorDetails }) {
    super(message, options);
    this.status = status;
    this.code = code;
    this.details = options?.details ?? {};
  }
}


export function parseMe(v: unknown): Me | null {
  if (!isObj(v)) return null;
  const { username, role, lang, csrf } = v;
  if (typeof username !== 'string' || typeof role !== 'string' || typeof lang !== 'string' || typeof csrf !== 'string') {
    return null;
  }
  return { username, role, lang, csrf };
}

/** The error of a non-2xx answer; a body that is not `{ code, message }` still yields one. */
export function apiErrorFrom(status: number, body: unknown): ApiError {
  if (isObj(body) && typeof body.code === 'string') {
    const message = typeof body.message === 'string' ? body.message : body.code;
    const details: Record<string, string | number> = {};
    for (const [k, v] of Object.entries(body)) {
      if (k !== 'code' && k !== 'message' && (typeof v === 'string' || typeof v === 'number')) details[k] = v;
    }
    return new ApiError(status, body.code, message, { details });
  }
  return new ApiError(status, `HTTP_${status}`, `HTTP ${status}`);
}

export interface Api {
  /** The session's user, or null when not logged in (401). */
  me(): Promise<Me | null>;
  login(username: string, password: string): Promise<Me>;
  logout(csrf: string): Promise<void>;
  setLang(csrf: string, lang: string): Promise<void>;
  /** Any JSON GET under /api/; the caller checks the shape of the answer. */
  get(path: string): Promise<unknown>;
  /** Any JSON write (POST, PUT, PATCH, DELETE) with the session's CSRF token. */
  send(method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, csrf: string, body?: unknown): Promise<unknown>;
}

/** `?a=1&q=x&q=y` from a record; arrays repeat the key, undefined values are left out. */
export function queryString(params: Record<string, string | number | boolean | readonly string[] | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const x of v) q.append(k, x);
    else q.append(k, String(v));
  }
  const text = q.toString();
  return text === '' ? '' : `?${text}`;
}

type FetchFn = (input: string, init: RequestInit) => Promise<Response>;

/** The server's code for a write whose x-csrf-token does not match the session cookie. */
export const CSRF_REFUSED = 'TABLERO_ERR_CSRF';

/**
 * Given the token a write was refused with, the token of the browser's current session, or null
 * when there is none to retry with (logged out, another user, server unreachable, same token).
 */
export type CsrfRefresher = (refused: string) => Promise<string | null>;

// One per page, like the session it reads (set by lib/session.svelte.ts). Module state so the
// views' own clients (qa-api) get the same recovery without threading it through every call.
let csrfRefresher: CsrfRefresher | null = null;

export function setCsrfRefresher(fn: CsrfRefresher | null): void {
  csrfRefresher = fn;
}

export function isCsrfRefusal(err: unknown): boolean {
  return err instanceof ApiError && err.status === 403 && err.code === CSRF_REFUSED;
}

/**
 * One same-origin JSON request: the session cookie goes along, writes carry the CSRF token, and
 * every failure becomes an ApiError (status 0 for the network). A write refused for a stale
 * token is sent once more with the refresher's token (the server checks the token before any
 * handler runs, so the refused write had no effect).
 */
export async function requestJson(
  fetchFn: FetchFn,
  base: string,
  method: string,
  path: string,
  body?: unknown,
  csrf?: string,
): Promise<unknown> {
  try {
    return await requestOnce(fetchFn, base, method, path, body, csrf);
  } catch (err) {
    const refresher = csrfRefresher;
    if (csrf === undefined || refresher === null || !isCsrfRefusal(err)) throw err;
    const fresh = await refresher(csrf);
    if (fresh === null || fresh === csrf) throw err;
    return requestOnce(fetchFn, base, method, path, body, fresh);
  }
}

async function requestOnce(
  fetchFn: FetchFn,
  base: string,
  method: string,
  path: string,
  body: unknown,
  csrf: string | undefined,
): Promise<unknown> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrf !== undefined) headers['x-csrf-token'] = csrf;
  let res: Response;
  try {
    res = await fetchFn(`${base}${path}`, {
      method,
      headers,
      credentials: 'same-origin',
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (cause) {
    throw new ApiError(0, 'NETWORK', `${method} ${path} failed`, { cause });
  }
  const text = await res.text();
  let data: unknown = null;
  if (text !== '') {
    try {
      data = JSON.parse(text);
    } catch (cause) {
      if (res.ok) throw new ApiError(res.status, 'BAD_JSON', `${method} ${path}: answer is not JSON`, { cause });
    }
  }
  if (!res.ok) throw apiErrorFrom(res.status, data);
  return data;
}

/** `base` is '' in the browser (same origin); tests pass a real server's URL. */
export function createApi(base = '', fetchFn: FetchFn = (i, init) => fetch(i, init)): Api {
  const call = (method: string, path: string, body?: unknown, csrf?: string): Promise<unknown> =>
    requestJson(fetchFn, base, method, path, body, csrf);

  function expectMe(data: unknown, path: string): Me {
    const me = parseMe(data);
    if (!me) throw new ApiError(200, 'BAD_ANSWER', `${path}: answer lacks username, role, lang or csrf`);
    return me;
  }

  return {
    async me() {
      try {
        return expectMe(await call('GET', '/api/me'), '/api/me');
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) return null;
        throw err;
      }
    },
    async login(username, password) {
      return expectMe(await call('POST', '/api/login', { username, password }), '/api/login');
    },
    async logout(csrf) {
      await call('POST', '/api/logout', undefined, csrf);
    },
    async setLang(csrf, lang) {
      await call('PATCH', '/api/me', { lang }, csrf);
    },
    get: (path) => call('GET', path),
    send: (method, path, csrf, body) => call(method, path, body, csrf),
  };
}
