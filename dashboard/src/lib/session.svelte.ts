// The logged-in user as rune state, over the session cookie the server sets. The CSRF token
// from /api/me or /api/login is kept here for every write.
//
// The cookie belongs to the browser, not to this page: a login or logout in another tab or window
// of the same origin replaces it, and this page's user and CSRF token then describe a session the
// browser no longer sends. Pages announce their logins and logouts on a BroadcastChannel and the
// others re-read /api/me; a write refused for its token re-reads it too (the announcement can
// arrive after the write left).

import { createApi, setCsrfRefresher, type Api, type Me } from './api.ts';

export type SessionStatus = 'unknown' | 'loading' | 'ready';
export type Recheck = 'ok' | 'unauthorized' | 'unreachable';

/** The part of BroadcastChannel the session uses. */
export interface SessionChannel {
  postMessage(message: unknown): void;
  onmessage: ((ev: MessageEvent) => void) | null;
}

export const SESSION_CHANNEL = 'tablero-session';

export class Session {
  user: Me | null = $state.raw(null);
  status: SessionStatus = $state('unknown');
  /**
   * Called when a re-read finds the browser's session now belongs to someone else (or to no one)
   * while this page showed a user: the page must not keep the previous user's data on screen.
   */
  onReplaced: ((now: Me | null) => void) | null = null;
  #api: Api;
  #channel: SessionChannel | null;
  /** Bumped by login, logout and resync, so an answer to an older /api/me cannot overwrite their result. */
  #generation = 0;

  constructor(api: Api, channel: SessionChannel | null = null) {
    this.#api = api;
    this.#channel = channel;
    // A page that never looked at its session (a kiosk TV) has nothing to bring up to date.
    if (channel) {
      channel.onmessage = () => {
        if (this.status !== 'unknown') void this.resync();
      };
    }
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

  /**
   * Re-reads the browser's current session (another page may have replaced the cookie) and adopts
   * it: the same user with a new CSRF token, another user, or none. Returns what was adopted, or
   * 'unreachable' (the page keeps what it had), or 'superseded' when a newer login, logout or
   * resync of this page decided meanwhile.
   */
  async resync(): Promise<Me | null | 'unreachable' | 'superseded'> {
    this.#generation += 1;
    const gen = this.#generation;
    let me: Me | null;
    try {
      me = await this.#api.me();
    } catch {
      return 'unreachable';
    }
    if (gen !== this.#generation) return 'superseded';
    const before = this.user;
    this.user = me;
    this.status = 'ready';
    if (before !== null && me?.username !== before.username) this.onReplaced?.(me);
    return me;
  }

  /**
   * The token to retry a refused write with: the current session's, when it still belongs to this
   * page's user. A write is never resent on behalf of someone else.
   */
  async freshCsrf(refused: string): Promise<string | null> {
    const asker = this.user?.username;
    if (asker === undefined) return null;
    const now = await this.resync();
    if (now === null || now === 'unreachable' || now === 'superseded') return null;
    if (now.username !== asker || now.csrf === refused) return null;
    return now.csrf;
  }

  async login(username: string, password: string): Promise<Me> {
    const me = await this.#api.login(username, password);
    this.#generation += 1;
    this.user = me;
    this.status = 'ready';
    this.#announce();
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
      this.#announce();
    }
  }

  /** Store the language on the user (PATCH /api/me); the caller already switched the page. */
  async saveLang(lang: string): Promise<void> {
    const u = this.user;
    if (!u) return;
    await this.#api.setLang(u.csrf, lang);
    // The write may have been resent with a newer token; keep that one.
    const now = this.user;
    if (now && now.username === u.username) this.user = { ...now, lang };
  }

  #announce(): void {
    try {
      this.#channel?.postMessage('changed');
    } catch {
      // A closed channel only means no other page hears of it; they still recover on a refusal.
    }
  }
}

/** The one API client of the page (same origin, session cookie). */
export const api = createApi();
export const session = new Session(api, typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(SESSION_CHANNEL));
setCsrfRefresher((refused) => session.freshCsrf(refused));
