// The one owner of the /ws/live WebSocket. It connects, reconnects with exponential backoff and
// jitter, keeps the latest snapshot of every queue, and tracks how old the data on screen is
// (a 1 s ticker), so a view can say "data is N s old" instead of showing frozen numbers as live.

import type { QueueSnapshot } from '@tablero/processor/contract';
import type { EscalationOverdueAlert, EscalationsSnapshot } from '@tablero/processor/contract';
import { backoffDelayMs, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.ts';
import {
  applySnapshots,
  parseLiveMessage,
  sortedSnapshots,
  type AlertMessage,
  type CalibrationMessage,
  type HelloMessage,
} from './live-messages.ts';
import { ageSeconds, freshness, STALE_AFTER_S } from './staleness.ts';
import { foldAlert, isNewRaise, logAlert } from './alerts.ts';

export type ConnState = 'idle' | 'connecting' | 'open' | 'closed';

/**
 * Close codes by which the server says "you may not read this" (expired session, revoked kiosk
 * token): 1008 policy violation, 4401 / 4403 application-defined unauthorized / forbidden.
 */
const DENIED_CODES: ReadonlySet<number> = new Set([1008, 4401, 4403]);
const MAX_ALERTS = 50;

export interface LiveFeedOptions {
  now?: () => number;
  random?: () => number;
  backoff?: BackoffPolicy;
  staleAfterS?: number;
}

export class LiveFeed {
  // Declared first: the derived fields below read #staleAfterS.
  #now: () => number;
  #random: () => number;
  #backoff: BackoffPolicy;
  #staleAfterS: number = STALE_AFTER_S;
  #url: string | null = null;
  /** The site to receive (null = every site this viewer may see): `?site=` on connect, a `subscribe` message while open. */
  #site: string | null = null;
  #ws: WebSocket | null = null;
  #attempt = 0;
  #helloSeen = false;
  #retryTimer: ReturnType<typeof setTimeout> | null = null;
  #ticker: ReturnType<typeof setInterval> | null = null;

  state: ConnState = $state('idle');
  connected = $derived(this.state === 'open');
  /** Latest snapshot per site+queue; replaced (never mutated) on every update. */
  snapshots: ReadonlyMap<string, QueueSnapshot> = $state.raw(new Map());
  queues = $derived(sortedSnapshots(this.snapshots));
  hello: HelloMessage | null = $state.raw(null);
  /** The site the server is sending (null = every site this viewer may see), as it last confirmed. */
  site: string | null = $state(null);
  /** The sites this viewer may switch to (from the server's hello and subscribe answers). */
  sites: readonly string[] = $state.raw([]);
  /** The server refused the last site asked for (the viewer may not see it). */
  siteRefused = $state(false);
  /** One entry per alert_id, its latest state (raised or cleared), newest change first. */
  alerts: readonly AlertMessage[] = $state.raw([]);
  /** Alerts raised and not cleared, by alert_id. */
  activeAlerts: ReadonlyMap<string, AlertMessage> = $state.raw(new Map());
  /** Alerts raised since this page loaded that are news (not repeated on connect): sound and flash. */
  raisedCount = $state(0);
  lastMessageMs: number | null = $state(null);
  /** The latest calibration change announced (the calibration view refetches on it). */
  calibration: CalibrationMessage | null = $state.raw(null);
  /** The latest escalation snapshot of each site (kpi.escalations.<site>). */
  escalations: ReadonlyMap<string, EscalationsSnapshot> = $state.raw(new Map());
  /** Tickets that became overdue since this page loaded, newest first. */
  escalationAlerts: readonly EscalationOverdueAlert[] = $state.raw([]);
  nowMs: number = $state(0);
  ageSeconds = $derived(ageSeconds(this.nowMs, this.lastMessageMs));
  freshness = $derived(freshness(this.connected, this.ageSeconds, this.#staleAfterS));
  /** Consecutive connection attempts that ended before the server's hello. */
  failures = $state(0);
  /** The server closed with an authorization code: the session or kiosk token is no longer valid. */
  denied = $state(false);
  /** When the next reconnect attempt is due (epoch ms), while closed. */
  retryAtMs: number | null = $state(null);
  /** Messages dropped as malformed; kept for diagnostics. */
  rejected = 0;

  constructor(opts: LiveFeedOptions = {}) {
    this.#now = opts.now ?? (() => Date.now());
    this.#random = opts.random ?? Math.random;
    this.#backoff = opts.backoff ?? DEFAULT_BACKOFF;
    this.#staleAfterS = opts.staleAfterS ?? STALE_AFTER_S;
    this.nowMs = this.#now();
  }

  /** Connect to `url` (and keep reconnecting) until stop(). Calling it again with the same URL is a no-op. */
  start(url: string): void {
    if (this.#url === url) return;
    this.stop();
    this.#url = url;
    this.#attempt = 0;
    this.failures = 0;
    this.denied = false;
    this.#ticker = setInterval(() => {
      this.nowMs = this.#now();
    }, 1000);
    globalThis.addEventListener?.('online', this.#retryNow);
    document.addEventListener('visibilitychange', this.#retryNow);
    this.#connect();
  }

  /**
   * Receive only `site` (null = every site this viewer may see). While open, a `subscribe` message
   * switches without reconnecting: the server answers `subscribed` and then the whole state of
   * that site, so what was shown is dropped at the answer. Reconnects ask for it in the URL.
   */
  subscribe(site: string | null): void {
    if (site === this.#site) return;
    this.#site = site;
    const ws = this.#ws;
    if (ws && ws.readyState === WebSocket.OPEN && this.#helloSeen) ws.send(JSON.stringify({ type: 'subscribe', site }));
  }

  /** Close the socket and stop retrying. The last snapshots stay (they are shown as stale). */
  stop(): void {
    this.#url = null;
    if (this.#retryTimer !== null) clearTimeout(this.#retryTimer);
    if (this.#ticker !== null) clearInterval(this.#ticker);
    this.#retryTimer = null;
    this.#ticker = null;
    globalThis.removeEventListener?.('online', this.#retryNow);
    document.removeEventListener('visibilitychange', this.#retryNow);
    const ws = this.#ws;
    this.#ws = null;
    if (ws) ws.close(1000, 'stopped');
    this.state = 'idle';
    this.retryAtMs = null;
  }

  /** Forget everything shown (e.g. on logout, so the next user never sees the previous data). */
  clear(): void {
    this.snapshots = new Map();
    this.hello = null;
    this.alerts = [];
    this.activeAlerts = new Map();
    this.lastMessageMs = null;
    this.escalations = new Map();
    this.escalationAlerts = [];
  }

  #connect(): void {
    const url = this.#url;
    if (url === null) return;
    this.#retryTimer = null;
    this.retryAtMs = null;
    this.state = 'connecting';
    this.#helloSeen = false;
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.#site === null ? url : `${url}${url.includes('?') ? '&' : '?'}site=${encodeURIComponent(this.#site)}`);
    } catch {
      // A malformed URL cannot heal by retrying, but retrying keeps the behaviour uniform.
      this.#scheduleRetry();
      return;
    }
    this.#ws = ws;
    ws.onopen = () => {
      if (this.#ws === ws) this.state = 'open';
    };
    ws.onmessage = (ev: MessageEvent) => {
      if (this.#ws === ws && typeof ev.data === 'string') this.#onMessage(ev.data);
    };
    ws.onclose = (ev: CloseEvent) => {
      if (this.#ws !== ws) return;
      this.#ws = null;
      if (DENIED_CODES.has(ev.code)) this.denied = true;
      if (!this.#helloSeen) this.failures += 1;
      this.#scheduleRetry();
    };
    // An error is always followed by close, which does the bookkeeping.
    ws.onerror = () => {};
  }

  #onMessage(text: string): void {
    const t = this.#now();
    const parsed = parseLiveMessage(text);
    if (!parsed.ok) {
      this.rejected += 1;
      return;
    }
    this.lastMessageMs = t;
    this.nowMs = t;
    const msg = parsed.value;
    switch (msg.type) {
      case 'hello':
        // Only a hello proves the server accepted us; reset the backoff then, not on open.
        this.#helloSeen = true;
        this.#attempt = 0;
        this.failures = 0;
        this.denied = false;
        this.hello = msg;
        // The server follows its hello with every alert still raised: rebuild from those, so an
        // alert cleared while we were disconnected does not stay on screen.
        this.activeAlerts = new Map();
        // Another scope than the previous socket's: what it showed is not this one's.
        if (msg.site !== this.site) this.snapshots = new Map();
        this.#scoped(msg.site, msg.sites);
        // Asked for another site while the socket was opening: switch now.
        if (this.#site !== msg.site && this.#ws) this.#ws.send(JSON.stringify({ type: 'subscribe', site: this.#site }));
        break;
      case 'subscribed':
        this.siteRefused = msg.refused;
        if (!msg.refused) {
          // The whole state of the new scope follows: nothing of the previous one may stay on screen.
          this.snapshots = new Map();
          this.activeAlerts = new Map();
          this.escalations = new Map();
          this.#scoped(msg.site, msg.sites);
        }
        break;
      case 'snapshots':
        if (msg.queues.length > 0) this.snapshots = applySnapshots(this.snapshots, msg.queues);
        break;
      case 'alert':
        if (isNewRaise(this.activeAlerts, msg, this.hello?.server_time_ms ?? null)) this.raisedCount += 1;
        this.activeAlerts = foldAlert(this.activeAlerts, msg);
        this.alerts = logAlert(this.alerts, msg, MAX_ALERTS);
        break;
      case 'calibration':
        this.calibration = msg;
        break;
      case 'escalations':
        this.escalations = new Map([...this.escalations, [msg.site, msg]]);
        break;
      case 'escalation_overdue':
        this.escalationAlerts = [msg, ...this.escalationAlerts].slice(0, MAX_ALERTS);
        break;
      case 'unknown':
        break;
    }
  }

  #scoped(site: string | null, sites: string[]): void {
    this.site = site;
    this.sites = sites;
  }

  #scheduleRetry(): void {
    if (this.#url === null) return;
    this.state = 'closed';
    const delay = backoffDelayMs(this.#attempt, this.#random(), this.#backoff);
    this.#attempt += 1;
    this.retryAtMs = this.#now() + delay;
    this.#retryTimer = setTimeout(() => this.#connect(), delay);
  }

  /** Back online or back on screen: do not wait out a long backoff. */
  #retryNow = (): void => {
    if (this.state !== 'closed' || this.#url === null) return;
    if (typeof document !== 'undefined' && document.visibilityState === 'hidden') return;
    if (this.#retryTimer !== null) clearTimeout(this.#retryTimer);
    this.#connect();
  };
}
