// WebSocket fan-out of live KPI messages. One bus subscription for the whole process; each bus
// message is decoded once. A `snapshots` message carries only the queues of its site that changed
// (the processor paces per site); the hub merges them into the whole picture, which a client gets
// when it connects or (re)subscribes, and each client merges the partial messages that follow.
// Each client receives only its scope (issue 19, core/live-scope.ts): the sites and queues its
// user or kiosk link may see, narrowed to the one site it subscribed to (`?site=` on the URL, or
// a `{"type":"subscribe","site":...}` message). A message is cut once per distinct scope and the
// same bytes go to every client of that scope; a message the scope sees whole is sent as the bus
// bytes, never serialized again. The supervisor view carries caller numbers, so it is also
// serialized masked for roles that do not see them (kiosks included). A client that stops
// reading is cut off once its send buffer passes a bound, so one stalled TV cannot grow the
// server's memory.
import type { WebSocket } from '@fastify/websocket';
import type { Logger } from 'pino';
import { KPI_SUBJECT_WILDCARD, LIVE_RESYNC_SUBJECT, type ProcessorHealth } from '@tablero/processor/contract';
import { parseProcessorHealth } from '../../shared/processor-health.ts';
import { heardProcessorHealth } from '../core/quality.ts';
import type { DashboardBus } from '../bus/dashboard-bus.ts';
import { LiveState, decodeLiveMessage, isAlertMessage, isSnapshotMessage, isSupervisorMessage, maskSupervisor, type LiveMessage, type SupervisorView } from '../core/live-state.ts';
import {
  ALL_RIGHTS,
  alertVisible,
  otherVisible,
  parseSubscribe,
  scopeSnapshots,
  scopeSupervisor,
  selectableSites,
  subscriptionScope,
  type LiveRights,
  type LiveScope,
} from '../core/live-scope.ts';
import { LIVE_CALLER_NUMBER_READERS, roleAllowed, type Lang, type Role } from '../core/roles.ts';
import type { StaleCall, SupervisorMessage } from '@tablero/processor/contract';

export const DEFAULT_WS_MAX_BUFFERED_BYTES = 1024 * 1024;
const DEFAULT_HEARTBEAT_MS = 30_000;
/** A cut-off client cannot read our close frame; drop its socket after this long regardless. */
const CLOSE_GRACE_MS = 1_000;

export const CLOSE_GOING_AWAY = 1001;
export const CLOSE_POLICY = 1008;
export const CLOSE_TRY_AGAIN_LATER = 1013;
/** The socket asked for a site its user or kiosk link may not see (`?site=` on the URL). */
export const CLOSE_FORBIDDEN = 4403;

export interface LiveViewer {
  user: { username: string; role: Role; lang: Lang } | null;
  /** SHA-256 of the kiosk token the socket was opened with, else null. */
  kioskHash: string | null;
  /** Nonce of the session the socket was opened with, else null. */
  sessionNonce: string | null;
  /** When the session ends (epoch ms); kiosk sockets live until their token is revoked. */
  expiresAtMs: number | null;
  /** The sites and queues it may see (a supervisor's queue list, a kiosk link's sites and queues). */
  rights: LiveRights;
}

interface Entry {
  viewer: LiveViewer;
  alive: boolean;
  /** The viewer's role sees caller numbers (decided once, when the socket opens). */
  seesCallers: boolean;
  /** What it receives now: its rights narrowed by its subscription. */
  scope: LiveScope;
}

/** True when the viewer's role sees caller numbers in full; kiosks never do. */
export function seesCallers(role: Role | null | undefined): boolean {
  return roleAllowed(LIVE_CALLER_NUMBER_READERS, role);
}

export interface HelloMessage {
  type: 'hello';
  user: LiveViewer['user'];
  kiosk: boolean;
  server_time_ms: number;
  /** The site subscribed to (`?site=`), null = every site it may see. */
  site: string | null;
  /** The sites it may subscribe to: its link's sites, or every site live now. */
  sites: string[];
}

/** Answer to a `subscribe` message; the messages after it carry the new scope's whole state. */
export interface SubscribedMessage {
  type: 'subscribed';
  site: string | null;
  sites: string[];
}

/** A `subscribe` to a site the viewer may not see: the previous subscription stays. */
export interface SubscribeRefusedMessage {
  type: 'subscribe_refused';
  site: string | null;
  reason: 'forbidden';
}

export interface LiveHubOptions {
  bus: DashboardBus;
  log: Logger;
  now: () => number;
  maxBufferedBytes?: number;
  heartbeatMs?: number;
  /**
   * Of the given kiosk token hashes, the ones still valid. Checked on each heartbeat so a token
   * revoked elsewhere (the CLI, another server process) also closes its sockets here.
   */
  validKiosks?: (hashes: string[]) => Promise<Set<string>>;
  /**
   * Of the given session nonces, the ones still open. Checked on each heartbeat so a session
   * ended by another dashboard process (a logout, a password change there) closes its sockets here.
   */
  openSessions?: (nonces: string[]) => Promise<Set<string>>;
}

export interface LiveHubStats {
  clients: number;
  messages: number;
  malformed: number;
  cut_off: number;
}

export class LiveHub {
  private readonly clients = new Map<WebSocket, Entry>();
  private readonly state = new LiveState();
  /** Serialized current snapshots and alerts per scope key, for clients that (re)subscribe; dropped on a change. */
  private readonly welcome = new Map<string, Buffer[]>();
  /** Serialized supervisor views per scope key and caller masking; dropped on a change. */
  private readonly welcomeSupervisor = new Map<string, Buffer[]>();
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  private readonly maxBufferedBytes: number;
  private unsubscribe: (() => void) | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private readonly counters = { messages: 0, malformed: 0, cut_off: 0 };
  private readonly checking = new Set<'kiosks' | 'sessions'>();
  /** The newest processor health heard on the bus, with the hub's clock when heard. */
  private processor: { health: ProcessorHealth; atMs: number } | null = null;

  constructor(private readonly opts: LiveHubOptions) {
    this.maxBufferedBytes = opts.maxBufferedBytes ?? DEFAULT_WS_MAX_BUFFERED_BYTES;
  }

  start(): void {
    if (this.unsubscribe) return;
    this.unsubscribe = this.opts.bus.listen(KPI_SUBJECT_WILDCARD, (subject, data) => this.onBusMessage(subject, data));
    // Subscribed first, then asked: the processors send every site whole at their next tick, so a
    // dashboard that just started (a TV moved to it) holds the whole picture within ~250 ms, not
    // at each site's next heartbeat (up to 5 s).
    this.opts.bus.emit?.(LIVE_RESYNC_SUBJECT, new Uint8Array(0));
    this.heartbeat = setInterval(() => this.tick(), this.opts.heartbeatMs ?? DEFAULT_HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }

  stats(): LiveHubStats {
    return { clients: this.clients.size, ...this.counters };
  }

  /**
   * Greets a freshly opened socket with who it is and the whole state of its scope, then fans out
   * to it. `site` (the URL's `?site=`) subscribes it to one site; a site its rights do not cover
   * closes it with CLOSE_FORBIDDEN.
   */
  add(socket: WebSocket, viewer: LiveViewer, site: string | null = null): void {
    const scope = subscriptionScope(viewer.rights, site);
    if (!scope) {
      socket.close(CLOSE_FORBIDDEN, 'site not allowed');
      return;
    }
    const hello: HelloMessage = {
      type: 'hello',
      user: viewer.user,
      kiosk: viewer.kioskHash !== null,
      server_time_ms: this.opts.now(),
      site,
      sites: selectableSites(viewer.rights, this.state.sites()),
    };
    socket.send(JSON.stringify(hello));
    const entry: Entry = { viewer, alive: true, seesCallers: seesCallers(viewer.user?.role), scope };
    this.sendWhole(socket, entry);
    this.clients.set(socket, entry);
    socket.on('pong', () => {
      entry.alive = true;
    });
    socket.on('close', () => {
      this.clients.delete(socket);
    });
    // The one thing a client may say: what to subscribe to. Anything else is ignored (maxPayload bounds it).
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      if (!isBinary && this.clients.get(socket) === entry) this.onClientMessage(socket, entry, data.toString('utf8'));
    });
  }

  private onClientMessage(socket: WebSocket, entry: Entry, text: string): void {
    const ask = parseSubscribe(text);
    if (!ask) return;
    const scope = subscriptionScope(entry.viewer.rights, ask.site);
    if (!scope) {
      const refused: SubscribeRefusedMessage = { type: 'subscribe_refused', site: ask.site, reason: 'forbidden' };
      socket.send(JSON.stringify(refused));
      return;
    }
    entry.scope = scope;
    const subscribed: SubscribedMessage = { type: 'subscribed', site: ask.site, sites: selectableSites(entry.viewer.rights, this.state.sites()) };
    socket.send(JSON.stringify(subscribed));
    this.sendWhole(socket, entry);
  }

  /** The whole current state of the client's scope: snapshots of every queue, raised alerts, supervisor views. */
  private sendWhole(socket: WebSocket, entry: Entry): void {
    for (const frame of this.welcomeFrames(entry.scope)) socket.send(frame, { binary: false });
    for (const frame of this.welcomeSupervisorFrames(entry.scope, entry.seesCallers)) socket.send(frame, { binary: false });
  }

  private welcomeFrames(scope: LiveScope): Buffer[] {
    let frames = this.welcome.get(scope.key);
    if (!frames) {
      frames = [];
      for (const m of this.state.current()) {
        const cut = m.type === 'snapshots' ? scopeSnapshots(m, scope) : alertVisible(m, scope) ? m : null;
        if (cut) frames.push(Buffer.from(JSON.stringify(cut), 'utf8'));
      }
      this.welcome.set(scope.key, frames);
    }
    return frames;
  }

  private welcomeSupervisorFrames(scope: LiveScope, sees: boolean): Buffer[] {
    const key = `${sees ? 1 : 0}${scope.key}`;
    let frames = this.welcomeSupervisor.get(key);
    if (!frames) {
      frames = [];
      for (const m of this.state.supervisorMessages()) {
        const cut = scopeSupervisor(m, scope);
        if (cut) frames.push(Buffer.from(JSON.stringify(sees ? cut : maskSupervisor(cut)), 'utf8'));
      }
      this.welcomeSupervisor.set(key, frames);
    }
    return frames;
  }

  /**
   * Every site's newest supervisor view (GET /api/live/supervisor) cut to what `rights` see,
   * masked unless the role sees callers.
   */
  supervisorView(role: Role | null | undefined, rights: LiveRights = ALL_RIGHTS): SupervisorView {
    const scope = subscriptionScope(rights, null) as LiveScope;
    return this.state.supervisorView(this.opts.now(), seesCallers(role), (m) => scopeSupervisor(m, scope));
  }

  /** The processor's storage health as last published (degraded once it goes silent); null if never heard. */
  processorHealth(): ProcessorHealth | null {
    return heardProcessorHealth(this.processor, this.opts.now());
  }

  /** Open calls the processor lists as stale (the data quality page). */
  staleCalls(): StaleCall[] {
    return this.state.staleCalls();
  }

  private onBusMessage(subject: string, data: Uint8Array): void {
    let text: string;
    try {
      text = this.decoder.decode(data);
    } catch {
      this.malformed(subject, 'not UTF-8');
      return;
    }
    const message = decodeLiveMessage(text);
    if (!message) {
      this.malformed(subject, 'not a JSON object with a type');
      return;
    }
    if (message.type === 'processor_health') {
      // For /api/health and the quality page only: browsers do not get it.
      const health = parseProcessorHealth(message);
      if (health) this.processor = { health, atMs: this.opts.now() };
      else this.malformed(subject, 'not a processor health');
      return;
    }
    if (message.type === 'supervisor' && !isSupervisorMessage(message)) {
      // Not forwarded: caller numbers in it could pass unmasked.
      this.malformed(subject, 'not a supervisor view');
      return;
    }
    this.counters.messages++;
    const changed = this.state.apply(message);
    if (isSupervisorMessage(message)) this.welcomeSupervisor.clear();
    else if (changed) this.welcome.clear();
    // The bus bytes are already the serialized message: one copy (the bus may reuse its receive
    // buffer once this handler returns, while sends can stay queued) shared by all sends of
    // every scope that sees the message whole.
    const frame = Buffer.from(data);
    const cuts = new Map<string, Buffer | null>();
    for (const [socket, entry] of this.clients) {
      const key = isSupervisorMessage(message) ? `${entry.seesCallers ? 1 : 0}${entry.scope.key}` : entry.scope.key;
      let out = cuts.get(key);
      if (out === undefined) {
        out = this.cut(message, frame, entry.scope, entry.seesCallers);
        cuts.set(key, out);
      }
      if (out) this.deliver(socket, out);
    }
  }

  /** The frame a scope receives for a message: the bus bytes when it sees all of it, a cut copy, or null. */
  private cut(message: LiveMessage, frame: Buffer, scope: LiveScope, sees: boolean): Buffer | null {
    const json = (m: unknown): Buffer => Buffer.from(JSON.stringify(m), 'utf8');
    if (isSupervisorMessage(message)) {
      const cut = scopeSupervisor(message, scope);
      if (!cut) return null;
      if (sees) return cut === message ? frame : json(cut);
      return json(maskSupervisor(cut));
    }
    if (isSnapshotMessage(message)) {
      const cut = scopeSnapshots(message, scope);
      return cut === null ? null : cut === message ? frame : json(cut);
    }
    if (isAlertMessage(message)) return alertVisible(message, scope) ? frame : null;
    return otherVisible(message, scope) ? frame : null;
  }

  private malformed(subject: string, reason: string): void {
    this.counters.malformed++;
    // Logged for the first one and then once per thousand: a broken producer must not flood the log.
    if (this.counters.malformed % 1000 === 1) {
      this.opts.log.warn({ subject, reason, malformed: this.counters.malformed }, 'live message dropped');
    }
  }

  private deliver(socket: WebSocket, frame: Buffer): void {
    if (socket.readyState !== socket.OPEN) return;
    if (socket.bufferedAmount > this.maxBufferedBytes) {
      this.cutOff(socket);
      return;
    }
    socket.send(frame, { binary: false });
  }

  private cutOff(socket: WebSocket): void {
    const entry = this.clients.get(socket);
    this.clients.delete(socket);
    this.counters.cut_off++;
    this.opts.log.warn(
      { user: entry?.viewer.user?.username ?? null, kiosk: entry?.viewer.kioskHash !== null, buffered_bytes: socket.bufferedAmount },
      'slow websocket client cut off',
    );
    this.closeWithin(socket, CLOSE_TRY_AGAIN_LATER, 'too slow');
  }

  /** Sends a close frame, and drops the socket if the peer has not completed the close in time. */
  private closeWithin(socket: WebSocket, code: number, reason: string, graceMs = CLOSE_GRACE_MS): Promise<void> {
    this.clients.delete(socket);
    return new Promise((resolve) => {
      if (socket.readyState === socket.CLOSED) {
        resolve();
        return;
      }
      const timer = setTimeout(() => socket.terminate(), graceMs);
      timer.unref();
      socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      socket.close(code, reason);
    });
  }

  private closeWhere(match: (v: LiveViewer) => boolean, code: number, reason: string): number {
    let n = 0;
    for (const [socket, entry] of [...this.clients]) {
      if (match(entry.viewer)) {
        void this.closeWithin(socket, code, reason);
        n++;
      }
    }
    return n;
  }

  /** Closes the sockets opened with a kiosk token (after it was revoked). Returns how many. */
  closeKiosk(hash: string): number {
    return this.closeWhere((v) => v.kioskHash === hash, CLOSE_POLICY, 'kiosk token revoked');
  }

  /** Closes the sockets of a session (after logout, or ended elsewhere). Returns how many. */
  closeSession(nonce: string, reason = 'logged out'): number {
    return this.closeWhere((v) => v.sessionNonce === nonce, CLOSE_POLICY, reason);
  }

  /**
   * Closes the sockets of a user whose password, role or account changed: the socket was
   * authorized for the old account, and sessions are re-read only on HTTP requests. The sockets
   * of `keepNonce`'s session (the one that changed its own password) stay. Returns how many closed.
   */
  closeUser(username: string, keepNonce: string | null = null): number {
    return this.closeWhere((v) => v.user?.username === username && (keepNonce === null || v.sessionNonce !== keepNonce), CLOSE_POLICY, 'account changed');
  }

  /**
   * Closes a user's sockets because what they may see changed (their queue list): closed as
   * "going away", so the pages reconnect at once and get the new scope. Returns how many.
   */
  rejoinUser(username: string): number {
    return this.closeWhere((v) => v.user?.username === username, CLOSE_GOING_AWAY, 'scope changed');
  }

  /** Closes every client (server shutdown); resolves when all are closed or dropped. */
  async closeAll(graceMs = CLOSE_GRACE_MS): Promise<void> {
    const sockets = [...this.clients.keys()];
    await Promise.all(sockets.map((s) => this.closeWithin(s, CLOSE_GOING_AWAY, 'server shutting down', graceMs)));
  }

  /**
   * Heartbeat: drops dead peers (no pong since the last ping), sockets whose session ended and
   * sockets of kiosk tokens revoked elsewhere.
   */
  private tick(): void {
    const now = this.opts.now();
    void this.recheckKiosks();
    void this.recheckSessions();
    for (const [socket, entry] of [...this.clients]) {
      if (entry.viewer.expiresAtMs !== null && entry.viewer.expiresAtMs <= now) {
        void this.closeWithin(socket, CLOSE_POLICY, 'session expired');
      } else if (!entry.alive) {
        this.clients.delete(socket);
        socket.terminate();
      } else {
        entry.alive = false;
        socket.ping();
      }
    }
  }

  private recheckSessions(): Promise<void> {
    return this.recheck('sessions', this.opts.openSessions, (v) => v.sessionNonce, (nonce) => this.closeSession(nonce, 'session ended'));
  }

  private recheckKiosks(): Promise<void> {
    return this.recheck('kiosks', this.opts.validKiosks, (v) => v.kioskHash, (hash) => this.closeKiosk(hash));
  }

  /**
   * Asks the store which of the open sockets' credentials (kiosk hashes, session nonces) are still
   * valid and closes the sockets of the others. One check of a kind at a time.
   */
  private async recheck(
    kind: 'kiosks' | 'sessions',
    stillValid: ((ids: string[]) => Promise<Set<string>>) | undefined,
    idOf: (v: LiveViewer) => string | null,
    close: (id: string) => void,
  ): Promise<void> {
    if (!stillValid || this.checking.has(kind)) return;
    const ids = new Set<string>();
    for (const entry of this.clients.values()) {
      const id = idOf(entry.viewer);
      if (id !== null) ids.add(id);
    }
    if (ids.size === 0) return;
    this.checking.add(kind);
    try {
      const valid = await stillValid([...ids]);
      for (const id of ids) if (!valid.has(id)) close(id);
    } catch (err) {
      // Keep the sockets: a storage hiccup must not blank every wallboard. Retried next beat.
      this.opts.log.warn({ err, kind }, 'live credential check failed');
    } finally {
      this.checking.delete(kind);
    }
  }
}
