// The logged-in user as rune state, over the session cookie the server sets. The CSRF token
// from /api/me or /api/login is kept here for every write.

import { createApi, type Api, type Me } from './api.ts';

export type SessionStatus = 'unknown' | 'loading' | 'ready';
export type Recheck = 'ok' | 'unauthorized' | 'unreachable';

export class Session {
  user: Me | null = $state.raw(null);
  status: SessionStatus = $state('unknown');
  #api: Api;
  /** Bumped by login and logout, so an answer to an older /api/me cannot overwrite their result. */
  #generation = 0;

  constructor(api: Api) {
    this.#api = api;
  }

  /** First look at the session; an unreachable server counts as "not logged in" for now. */
  async load(): Promise<void> {
    this.status = 'loading';
    const gen = this.#generation;
    let user: Me | null = null;
    try {
      user = await this.#api.me();
    } catch {
      user = null;
    }
    // A login that finished meanwhile is newer than this answer (it may name an older session).
    if (gen === this.#generation) this.user = user;
    this.status = 'ready';
  }

  /**
   * Asked when the live socket keeps failing: has the session expired (-> log in again), or is
   * the server just unreachable (-> keep retrying, keep the user)?
   */
  async recheck(): Promise<Recheck> {
    const gen = this.#generation;
    try {
      const me = await this.#api.me();
      if (gen !== this.#generation) return 'ok';
      this.user = me;
      return me ? 'ok' : 'unauthorized';
    } catch {
      return 'unreachable';
    }
  }

  async login(username: string, password: string): Promise<Me> {
    const me = await this.#api.login(username, password);
    this.#generation += 1;
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
      this.#generation += 1;
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
