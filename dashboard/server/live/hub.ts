// WebSocket fan-out of live KPI messages. One bus subscription for the whole process; each bus
// message is decoded once and its bytes are sent unchanged to every client (never serialized
// per viewer). A `snapshots` message carries only the queues of its site that changed (the
// processor paces per site); the hub merges them into the whole picture, which a new client gets
// at connect, and each client merges the partial messages that follow. The one exception is the supervisor view: it carries caller numbers, so it is
// sent as received to roles that see them and serialized once more, masked, for everyone else
// (kiosks included). A client that stops reading is cut off once its send buffer passes a bound,
// so one stalled TV cannot grow the server's memory.
import type { WebSocket } from '@fastify/websocket';
import type { Logger } from 'pino';
import { KPI_SUBJECT_WILDCARD, LIVE_RESYNC_SUBJECT, type ProcessorHealth } from '@tablero/processor/contract';
import { parseProcessorHealth } from '../../shared/processor-health.ts';
import { heardProcessorHealth } from '../core/quality.ts';
import type { DashboardBus } from '../bus/dashboard-bus.ts';
import { LiveState, decodeLiveMessage, isSupervisorMessage, maskSupervisor, type SupervisorView } from '../core/live-state.ts';
import { LIVE_CALLER_NUMBER_READERS, roleAllowed, type Lang, type Role } from '../core/roles.ts';
import type { StaleCall, SupervisorMessage } from '@tablero/processor/contract';

export const DEFAULT_WS_MAX_BUFFERED_BYTES = 1024 * 1024;
const DEFAULT_HEARTBEAT_MS = 30_000;
/** A cut-off client cannot read our close frame; drop its socket after this long regardless. */
const CLOSE_GRACE_MS = 1_000;

export const CLOSE_GOING_AWAY = 1001;
export const CLOSE_POLICY = 1008;
export const CLOSE_TRY_AGAIN_LATER = 1013;

export interface LiveViewer {
  user: { username: string; role: Role; lang: Lang } | null;
  /** SHA-256 of the kiosk token the socket was opened with, else null. */
  kioskHash: string | null;
  /** Nonce of the session the socket was opened with, else null. */
  sessionNonce: string | null;
  /** When the session ends (epoch ms); kiosk sockets live until their token is revoked. */
  expiresAtMs: number | null;
}

interface Entry {
  viewer: LiveViewer;
  alive: boolean;
  /** The viewer's role sees caller numbers (decided once, when the socket opens). */
  seesCallers: boolean;
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
  /** Serialized current snapshots for new clients; rebuilt only after a change. */
  private welcome: Buffer[] | null = null;
  /** Serialized supervisor views for new clients, [as published, masked]; rebuilt only after a change. */
  private welcomeSupervisor: [Buffer[], Buffer[]] | null = null;
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

  /** Greets a freshly opened socket with who it is and the current snapshots, then fans out to it. */
  add(socket: WebSocket, viewer: LiveViewer): void {
    const hello: HelloMessage = {
      type: 'hello',
      user: viewer.user,
      kiosk: viewer.kioskHash !== null,
      server_time_ms: this.opts.now(),
    };
    socket.send(JSON.stringify(hello));
    const sees = seesCallers(viewer.user?.role);
    for (const frame of this.welcomeFrames()) socket.send(frame, { binary: false });
    for (const frame of this.welcomeSupervisorFrames()[sees ? 0 : 1]) socket.send(frame, { binary: false });
    const entry: Entry = { viewer, alive: true, seesCallers: sees };
    this.clients.set(socket, entry);
    socket.on('pong', () => {
      entry.alive = true;
    });
    socket.on('close', () => {
      this.clients.delete(socket);
    });
    // Clients have nothing to say; anything they send is ignored (maxPayload bounds it).
  }

  private welcomeFrames(): Buffer[] {
    this.welcome ??= this.state.current().map((m) => Buffer.from(JSON.stringify(m), 'utf8'));
    return this.welcome;
  }

  private welcomeSupervisorFrames(): [Buffer[], Buffer[]] {
    if (!this.welcomeSupervisor) {
      const views = this.state.supervisorMessages();
      const frame = (m: SupervisorMessage): Buffer => Buffer.from(JSON.stringify(m), 'utf8');
      this.welcomeSupervisor = [views.map(frame), views.map((m) => frame(maskSupervisor(m)))];
    }
    return this.welcomeSupervisor;
  }

  /** Every site's newest supervisor view (GET /api/live/supervisor), masked unless the role sees callers. */
  supervisorView(role: Role | null | undefined): SupervisorView {
    return this.state.supervisorView(this.opts.now(), seesCallers(role));
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
    // The bus bytes are already the serialized message: one copy (the bus may reuse its receive
    // buffer once this handler returns, while sends can stay queued) shared by all sends.
    const frame = Buffer.from(data);
    if (isSupervisorMessage(message)) {
      this.welcomeSupervisor = null;
      const masked = Buffer.from(JSON.stringify(maskSupervisor(message)), 'utf8');
      for (const [socket, entry] of this.clients) this.deliver(socket, entry.seesCallers ? frame : masked);
      return;
    }
    if (changed) this.welcome = null;
    for (const socket of this.clients.keys()) this.deliver(socket, frame);
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
