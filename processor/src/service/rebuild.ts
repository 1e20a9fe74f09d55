// The processor's state at start (see the delivery invariants in ../service.ts): the stint and
// agent machines rebuilt by replaying stored queue_events, the per-source dedup watermark, the
// row keys of the newest commit, the live windows and supervisor days from stored stints, and the
// alerts still open in storage.
import { MEMBER_VERBS, applyAgentEvent, createAgentState, type AgentState } from '../core/agent-state.ts';
import { createAlertState, restoreAlert, type AlertState } from '../core/alerts.ts';
import { addLiveStint, createLiveAggregates, type LiveAggregates, type LiveContext } from '../core/live.ts';
import { createLineKeys, lineHash, rememberLine, restoreFloor, type LineKeys } from '../core/line-key.ts';
import { createRejectionState, restoreCounter, type RejectionState } from '../core/rejections.ts';
import { applyEvent, createStintState, eventFingerprint, type StintState } from '../core/stint-machine.ts';
import { addSupervisorStint, createSupervisorDays, type SupervisorDays } from '../core/supervisor.ts';
import type { ProcessorStore } from '../store/store.ts';

const DAY_S = 86_400;
/**
 * How far back the restart replays agents' membership and pause events (2 days of data time, or
 * back to the site's last QUEUESTART): a session or pause open longer than this before a restart
 * is lost, as a call open longer than replayHorizonS is.
 */
export const AGENT_REPLAY_HORIZON_S = 2 * DAY_S;

export interface RebuildOptions {
  aliases: Record<string, Record<string, string>>;
  replayHorizonS: number;
  endedKeyMemoryS: number;
  /** Data time in which a line seen twice is recognised from memory (service/same-line.ts). */
  lineKeyWindowS: number;
  /** Rejected lines stored as rows per site, source and minute (core/rejections.ts; default there). */
  rejectedRowsPerMinute?: number;
}

/** The processor's in-memory state; the reducer and the publisher share it. */
export interface ProcessorState {
  stints: StintState;
  agents: AgentState;
  live: LiveAggregates;
  days: SupervisorDays;
  alerts: AlertState;
  /** Line keys applied recently or not stored yet (the same line counts once). */
  lines: LineKeys;
  /** Rejected lines: the watermark and the budgets in use, so a restart neither stores nor counts a line twice. */
  rejections: RejectionState;
  /** CDR records: source fingerprint -> highest offset applied (stored, or in a commit on its way). */
  cdr: Map<string, number>;
}

/** Rows of the newest stored commit: when its events come again they are not stored a second time. */
export interface StoredRows {
  stints: Set<string>;
  sessions: Set<string>;
  pauses: Set<string>;
}

export interface Rebuilt {
  state: ProcessorState;
  stored: StoredRows;
  lastCommitId: number;
  /** For the start log line. */
  facts: { replayed_events: number; live_stints: number; open_alerts: number; last_commit: number; last_commit_stints: number };
}

/** Live windows from the stored stints that can still be in one (today and the last 60 min). */
export async function liveWindowsFrom(store: ProcessorStore, ctx: LiveContext, nowS: number, days?: SupervisorDays): Promise<{ live: LiveAggregates; added: number }> {
  const live = createLiveAggregates();
  let added = 0;
  for (const st of await store.stintsSince(nowS - 2 * DAY_S)) {
    if (addLiveStint(live, st, ctx, nowS)) added += 1;
    if (days) addSupervisorStint(days, st, ctx.calendar(st.site).tz, nowS);
  }
  return { live, added };
}

export async function rebuildState(store: ProcessorStore, ctx: LiveContext, o: RebuildOptions, nowS: number): Promise<Rebuilt> {
  const stints = createStintState({ endedKeyMemoryS: o.endedKeyMemoryS });
  const agents = createAgentState(o.aliases);
  const lines = createLineKeys(o.lineKeyWindowS);
  // Replay, then the dedup watermark, then the live windows.
  let replayed = 0;
  // Agents stay logged in longer than a call stays open (a 14-hour shift): their membership and
  // pause events are replayed from further back (AGENT_REPLAY_HORIZON_S), into the agent machine
  // only, so a session opened before the calls' horizon is still open after a restart.
  const agentStarts = await store.replayStarts(AGENT_REPLAY_HORIZON_S);
  for (const [site, fromS] of await store.replayStarts(o.replayHorizonS)) {
    const agentFrom = agentStarts.get(site) ?? fromS;
    if (agentFrom < fromS) {
      replayed += await store.replayEvents(site, agentFrom, (ev) => {
        agents.applied.delete(eventFingerprint(ev.event_id));
        applyAgentEvent(agents, ev);
      }, { toS: fromS, verbs: MEMBER_VERBS });
    }
    restoreFloor(lines, site, fromS);
    replayed += await store.replayEvents(site, fromS, (ev) => {
      rememberLine(lines, ev, lineHash(ev), 0);
      // Stored rows are unique (FINAL) and in log order; the watermark is set afterwards.
      const fp = eventFingerprint(ev.event_id);
      stints.applied.delete(fp);
      agents.applied.delete(fp);
      applyEvent(stints, ev);
      applyAgentEvent(agents, ev);
    });
  }
  for (const [fp, offset] of await store.appliedOffsets()) {
    stints.applied.set(fp, offset);
    agents.applied.set(fp, offset);
  }
  // Rows of the newest commit: if its events did not all reach queue_events, they come again.
  const last = await store.lastCommit();
  const days = createSupervisorDays();
  const { live, added } = await liveWindowsFrom(store, ctx, nowS, days);
  const alerts = createAlertState();
  for (const a of await store.openAlerts()) restoreAlert(alerts, a);
  const rejections = createRejectionState(o.rejectedRowsPerMinute);
  for (const [fp, offset] of await store.deadLetterOffsets()) rejections.watermark.set(fp, offset);
  const cdr = await store.cdrOffsets();
  const recent = await store.recentRejections();
  for (const [key, n] of recent.rows) rejections.used.set(key, n);
  for (const c of recent.counters) restoreCounter(rejections, c);
  return {
    state: { stints, agents, live, days, alerts, lines, rejections, cdr },
    stored: { stints: new Set(last.stintIds), sessions: new Set(last.sessionKeys), pauses: new Set(last.pauseKeys) },
    lastCommitId: last.id,
    facts: { replayed_events: replayed, live_stints: added, open_alerts: alerts.active.size, last_commit: last.id, last_commit_stints: last.stintIds.length },
  };
}
