// The supervisor view's data: agent states and waiting callers folded from stored queue events
// (read incrementally), answered-today counts and today's abandoned callers from stints.
// Computed at most once per `minRefreshMs` whatever the number of viewers (one shared refresh),
// then masked per role by the route.
//
// Incremental reads overlap the previous one by OVERLAP_S and skip event ids already applied,
// because events reach queue_events in batches that are not strictly in time order. An event
// stored more than OVERLAP_S behind the newest one already read is missed until the next
// restart of the server (it re-reads `horizonS`).
import type { ClickHouse } from '@tablero/sql';
import type { Logger } from 'pino';
import {
  agentRows,
  applySupervisorEvent,
  createSupervisorState,
  pruneSeen,
  waitingCallers,
  type AgentLive,
  type SupervisorState,
  type WaitingCaller,
} from '../core/supervisor.ts';
import { abandonedToday, answeredToday, supervisorEvents, type AbandonedCaller } from '../store/report-store.ts';

const OVERLAP_S = 120;
export const ABANDONED_LIMIT = 500;

export interface SupervisorAgent extends AgentLive {
  answered_today: number;
}

export interface SupervisorView {
  /** Server time (epoch ms) the view was computed at. */
  at_ms: number;
  agents: SupervisorAgent[];
  waiting: WaitingCaller[];
  abandoned: AbandonedCaller[];
}

export interface SupervisorFeedOptions {
  ch: ClickHouse;
  log: Logger;
  now: () => number;
  tz: string;
  aliases?: Record<string, Record<string, string>>;
  /** How far back the first read goes (default 12 h): agents logged in before that are not seen. */
  horizonS?: number;
  minRefreshMs?: number;
}

export class SupervisorFeed {
  private readonly state: SupervisorState;
  private readFromS: number | null = null;
  private last: SupervisorView | null = null;
  private inFlight: Promise<SupervisorView> | null = null;

  constructor(private readonly opts: SupervisorFeedOptions) {
    this.state = createSupervisorState(opts.aliases ?? {});
  }

  /** The current view; refreshed when older than minRefreshMs, one refresh at a time. */
  async view(): Promise<SupervisorView> {
    const now = this.opts.now();
    if (this.last && now - this.last.at_ms < (this.opts.minRefreshMs ?? 1000)) return this.last;
    this.inFlight ??= this.refresh(now).finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  private async refresh(nowMs: number): Promise<SupervisorView> {
    const nowS = Math.floor(nowMs / 1000);
    const fromS = this.readFromS ?? nowS - (this.opts.horizonS ?? 12 * 3600);
    const events = await supervisorEvents(this.opts.ch, fromS);
    for (const ev of events) applySupervisorEvent(this.state, ev);
    if (this.state.watermark > 0) {
      this.readFromS = this.state.watermark - OVERLAP_S;
      pruneSeen(this.state, this.readFromS);
    } else {
      this.readFromS = fromS;
    }
    const [answered, abandoned] = await Promise.all([
      answeredToday(this.opts.ch, nowS, this.opts.tz),
      abandonedToday(this.opts.ch, nowS, this.opts.tz, ABANDONED_LIMIT),
    ]);
    const agents = agentRows(this.state).map((a) => ({ ...a, answered_today: answered.get(`${a.site}\0${a.agent}`) ?? 0 }));
    this.last = { at_ms: nowMs, agents, waiting: waitingCallers(this.state), abandoned };
    return this.last;
  }
}
