// The logged-in user as rune state, over the session cookie the server sets. The CSRF token
// from /api/me or /api/login is kept here for every write.

import { createApi, type Api, type Me } from './api.ts';

export type SessionStatus = 'unknown' | 'loading' | 'ready';
export type Recheck = 'ok' | 'unauthorized' | 'unreachable';

export class Session {
  user: Me | null = $state.raw(null);
  status: SessionStatus = $state('unknown');
  #api: Api;

  constructor(api: Api) {
    this.#api = api;
  }

  /** First look at the session; an unreachable server counts as "not logged in" for now. */
  async load(): Promise<void> {
    this.status = 'loading';
    try {
      this.user = await this.#api.me();
    } catch {
      this.user = null;
    }
    this.status = 'ready';
  }

  /**
   * Asked when the live socket keeps failing: has the session expired (-> log in again), or is
   * the server just unreachable (-> keep retrying, keep the user)?
   */
  async recheck(): Promise<Recheck> {
    try {
      const me = await this.#api.me();
      this.user = me;
      return me ? 'ok' : 'unauthorized';
    } catch {
      return 'unreachable';
    }
  }

  async login(username: string, password: string): Promise<Me> {
    const me = await this.#api.login(username, password);
    this.user = me;
    this.status = 'ready';
    return me;
  }

  async logout(): Promise<void> {
    const csrf = this.user?.csrf;
    try {
      if (csrf !== undefined) await this.#api.logout(csrf);
    } finally {
      // Even if the server did not answer, this page forgets the user.
      this.user = null;
    }
  }

  /** Store the language on the user (PATCH /api/me); the caller already switched the page. */
  async saveLang(lang: string): Promise<void> {
    const u = this.user;
    if (!u) return;
    await this.#api.setLang(u.csrf, lang);
    this.user = { ...u, lang };
  }
}

/** The one API client of the page (same origin, session cookie). */
export const api = createApi();
export const session = new Session(api);
