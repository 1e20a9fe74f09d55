// The processor service: consumes event batches and dead letters from JetStream, reduces them to
// stints and agent intervals, stores everything idempotently in ClickHouse, and publishes live
// KPI snapshots on kpi.queue.<site>.
//
// Delivery invariants:
// - Messages are taken in groups (what arrived while the previous group was being stored, up to
//   maxGroupMessages) and the whole group is one "commit": one insert per table, numbered by an
//   increasing commit_id. A message is acknowledged only after its group's inserts succeeded.
//   The bus hands over messages strictly in stream order (src/bus: a consumer restarts at the
//   oldest unacknowledged message, and holds newer ones while an older one is missing), which the
//   per-source offset watermark below relies on.
// - Insert order per commit: stints and agent intervals first, queue_events last (only the events
//   applied now, in runs of one month partition in stream order: store/commit-store.ts). So every
//   event present in queue_events has its stints stored, which makes the restart rebuild below
//   exact, and the stored events of a commit are always a prefix of it in stream order.
// - Rows the store refuses for good (ClickHouse error codes, store/refusal.ts: too many
//   partitions, unparseable values) are split, and a row refused alone goes to dead_letters with
//   the refusal as reason: the stream goes on. Other failures are retried (below).
// - Commits run one after the other, so after a crash only the newest commit can be incomplete:
//   its rows stored, (some of) its events not. At start the keys of that commit's rows are read;
//   when the redelivered events produce them again they are not stored a second time. This holds
//   whatever the grouping after the restart (no dependence on insert dedup tokens, which only
//   make an in-process retry of the same commit safe).
// - Restart: the stint and agent state is rebuilt by replaying stored queue_events (FINAL, in log
//   order) from max(last QUEUESTART of the site, newest event - replayHorizonS). Stints emitted by
//   the replay are discarded (already stored), so nothing is counted twice; open stints come back.
//   The dedup watermark (highest offset per source fingerprint) is read from all of queue_events,
//   so a batch redelivered after a crash applies only events that never reached queue_events.
//   Assumption: no call stays open longer than replayHorizonS (default 6 h); one that does loses
//   its open state and, if it ends later, is counted as a stint whose ENTERQUEUE was not seen.
// - A failed insert is retried here (storeUntilStored) with the rows computed the first time (the
//   state already advanced) and the same insert tokens, until stored or until the processor stops.
// - The live figures move when a group is reduced, before it is stored (see reduceGroup).
// Live output (kpi.queue.<site>): snapshots paced per queue (core/pacing.ts) and alert state
// changes at once (core/alerts.ts). The supervisor view (kpi.supervisor.<site>, core/supervisor.ts)
// is paced the same way per site. Open calls gone stale (kpi-definitions §5) leave every live figure. Alerts are stored in the background, retried until stored;
// alerts still open in storage are taken back at start so they clear instead of repeating.
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CDR_SUBJECT_PREFIX,
  DEAD_LETTER_SUBJECT_PREFIX,
  EVENTS_STREAM,
  EVENTS_STREAM_SPEC,
  EVENTS_SUBJECT_PREFIX,
  PROCESSOR_CONSUMER,
  type DeadLetterBatch,
  type EventBatch,
} from '@tablero/ingest/contract';
import type { ClickHouse } from '@tablero/sql';
import type { Logger } from 'pino';
import { readMessage, takeTurns, type ProcessorBus, type ProcessorDurableMessage } from './bus/bus.ts';
import { kpiSubject, PROCESSOR_HEALTH_EVERY_MS, PROCESSOR_HEALTH_SUBJECT, supervisorSubject, type ProcessorHealth, type ProcessorHealthMessage, type AgentCounts, type AlertMessage, type AlertMetric, type QueueSnapshot, type SnapshotMessage, type SupervisorMessage } from './contract.ts';
import { activeAlerts, createAlertState, DEFAULT_ALERT_RULES, evaluateAlerts, restoreAlert, type AlertRules } from './core/alerts.ts';
import { createPacer, markChanged, takeDue } from './core/pacing.ts';
import { agentCountsByQueue, applyAgentEvent, createAgentState } from './core/agent-state.ts';
import { createCalendar, type SiteCalendar, type SiteCalendarSpec } from './core/calendar.ts';
import { addLiveStint, buildSnapshots, createLiveAggregates, pruneLive, type LiveContext } from './core/live.ts';
import { createResolver } from './core/definitions.ts';
import { defaultProcessorSettings, type ProcessorSettings } from './core/settings.ts';
import { applyEvent, createStintState, DEFAULT_STALE_AFTER_S, eventFingerprint, isApplied, liveQueueState, siteStaleKeys, type LiveOpenOptions } from './core/stint-machine.ts';
import { addSupervisorStint, buildSupervisorMessage, createSupervisorDays } from './core/supervisor.ts';
import { loadDefinitionHistory } from './store/settings-store.ts';
import { createStore, pauseKey, sessionKey } from './store/store.ts';
import { storeCommit, type CommitRows } from './store/commit-store.ts';
import { classifyStoreError } from './store/refusal.ts';
import { createStoreHealth, noteFailed, noteStored, noteStoring, processorHealth } from './core/store-health.ts';

export interface ProcessorConfig {
  /** KPI definitions: site defaults and per-queue overrides. */
  settings: ProcessorSettings;
  /** Site calendars; a site not listed has the default calendar (open 24 h) in `tz`. */
  calendars: Record<string, SiteCalendarSpec>;
  /** Per site: interface -> membername, for ADDMEMBER/REMOVEMEMBER/PAUSEALL lines. */
  aliases: Record<string, Record<string, string>>;
  /** How far back (seconds of data time) the restart replay reaches at most. */
  replayHorizonS: number;
  /** How long an ended call is remembered to ignore its late rings (seconds of data time). */
  endedKeyMemoryS: number;
}

export interface ProcessorOptions {
  /** Default site time zone. */
  tz: string;
  settings?: Partial<ProcessorConfig>;
  snapshotMinIntervalMs?: number;
  snapshotMaxIntervalMs?: number;
  /**
   * How long JetStream waits for the ack of a message before delivering it again (default 10 s).
   * The bus keeps every message it holds alive (every ackWaitMs / 3), re-creates its consumer at
   * the oldest unacknowledged message at a start or a reconnect, and reads a message whose
   * delivery was lost from the stream; so this only decides when a hole in the stream (a message
   * gone for good) is passed over: after ackWaitMs + 2 s.
   */
  ackWaitMs?: number;
  /** How often stored settings and calendars are checked for new versions (monotonic ms). Default 5 s. */
  settingsReloadMs?: number;
  /** Alert hysteresis; defaults in core/alerts.ts (2 SL points, 80 %, 10 s hold). */
  alertRules?: Partial<AlertRules>;
  /**
   * An open call with no event for longer than this (seconds) leaves the live figures and the
   * supervisor view and is listed as stale (kpi-definitions §5). Default 4 h.
   */
  staleCallS?: number;
  /** A commit unstored for this long makes health() degraded (default 15 s). */
  stallAfterMs?: number;
  /** Most JetStream messages stored in one commit (default 16: up to ~8,000 events; bigger commits gained no throughput here and cost memory). */
  maxGroupMessages?: number;
}

export interface ProcessorDeps {
  bus: ProcessorBus;
  ch: ClickHouse;
  log: Logger;
  /** Wall clock (epoch ms) for the figures and alert times. */
  now?: () => number;
  /** Monotonic clock (ms) for snapshot pacing; default performance.now. */
  monotonicNow?: () => number;
  /** Runs `fn` once after `ms`; default setTimeout (unref'd). Wakes the publisher for a changed queue. */
  soon?: (ms: number, fn: () => void) => void;
  /** Runs `fn` every `ms` until the returned function is called; default setInterval (unref'd). */
  every?: (ms: number, fn: () => void) => () => void;
}

export interface Processor {
  stop(): Promise<void>;
  /** Settles when its consumption ends: resolves after stop(), rejects with the reason if it died. */
  done: Promise<void>;
  latest(): QueueSnapshot[];
  /** The supervisor view of every known site now, sorted by site. */
  supervisor(): SupervisorMessage[];
  /** Alerts raised and not cleared yet. */
  alerts(): AlertMessage[];
  /** Loads the newest stored settings and calendars now; true when they changed (live windows rebuilt). */
  reloadSettings(): Promise<boolean>;
  /** Storage health: degraded while a commit waits longer than `stallAfterMs` to be stored; what the store refused. */
  health(): ProcessorHealth;
}

export class ProcessorError extends Error {
  override name = 'ProcessorError';
}

/** One commit: what a group of messages produced, kept until stored (a retry stores the same). */
interface Work extends CommitRows {
  received: number;
}

/**
 * The `events` array of an EventBatch message as the comma-separated JSON objects it holds, or
 * null when the text is not laid out as ingest writes it (`{"batch_id":…,"site":…,"events":[…]}`).
 * A `"events":[` inside a string value cannot match: the quotes there are escaped.
 */
export function eventsText(text: string): string | null {
  const i = text.indexOf('"events":[');
  if (i < 0 || !text.endsWith(']}')) return null;
  return text.slice(i + 10, -2);
}

const DAY_S = 86_400;

export async function startProcessor(deps: ProcessorDeps, opts: ProcessorOptions): Promise<Processor> {
  const { bus, log } = deps;
  const now = deps.now ?? Date.now;
  // The definition resolver: stored setting and calendar versions (edited from the dashboard)
  // over the configured ones; each stint is judged by the version in force at its enter time.
  const resolverBase = { settings: opts.settings?.settings ?? defaultProcessorSettings(), calendars: opts.settings?.calendars ?? {}, defaultTz: opts.tz };
  let history = await loadDefinitionHistory(deps.ch);
  let resolver = createResolver(history, resolverBase);
  const cfg: Omit<ProcessorConfig, 'settings' | 'calendars'> = {
    aliases: opts.settings?.aliases ?? {},
    replayHorizonS: opts.settings?.replayHorizonS ?? 6 * 3600,
    endedKeyMemoryS: opts.settings?.endedKeyMemoryS ?? 3600,
  };
  const minMs = opts.snapshotMinIntervalMs ?? 250;
  const maxMs = opts.snapshotMaxIntervalMs ?? 5000;
  const mono = deps.monotonicNow ?? (() => performance.now());
  const every =
    deps.every ??
    ((ms: number, fn: () => void): (() => void) => {
      const t = setInterval(fn, ms);
      t.unref();
      return () => clearInterval(t);
    });
  const soon =
    deps.soon ??
    ((ms: number, fn: () => void): void => {
      setTimeout(fn, ms).unref();
    });
  const alertRules: AlertRules = { ...DEFAULT_ALERT_RULES, ...(opts.alertRules ?? {}) };
  const store = createStore(deps.ch);

  // One SiteCalendar per stored spec (specs are shared by the resolver's cache).
  const calendars = new WeakMap<SiteCalendarSpec, SiteCalendar>();
  const calendarOf = (spec: SiteCalendarSpec): SiteCalendar => {
    let c = calendars.get(spec);
    if (!c) calendars.set(spec, (c = createCalendar(spec)));
    return c;
  };
  const ctx: LiveContext = {
    definition(site, queue) {
      return resolver.at(site, queue, now());
    },
    calendar(site) {
      return calendarOf(resolver.calendarAt(site, now()).spec);
    },
    stintDefinition(site, queue, atS) {
      const r = resolver.at(site, queue, atS * 1000);
      return { settings: r.settings, calendar: calendarOf(r.calendar.spec) };
    },
  };

  const stints = createStintState({ endedKeyMemoryS: cfg.endedKeyMemoryS });
  const agents = createAgentState(cfg.aliases);
  const live = createLiveAggregates();
  const days = createSupervisorDays();
  const liveOpen: LiveOpenOptions = { staleAfterS: opts.staleCallS ?? DEFAULT_STALE_AFTER_S };

  // Rebuild (see the header): replay, then the dedup watermark, then the live windows.
  const t0 = Date.now();
  let replayed = 0;
  for (const [site, fromS] of await store.replayStarts(cfg.replayHorizonS)) {
    replayed += await store.replayEvents(site, fromS, (ev) => {
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
  const storedStints = new Set(last.stintIds);
  const storedSessions = new Set(last.sessionKeys);
  const storedPauses = new Set(last.pauseKeys);
  let nextCommit = last.id + 1;
  // Tokens only guard an in-process retry of one commit; a restart numbers on from the newest.
  const boot = `${process.pid}-${Date.now()}`;
  const startS = Math.floor(now() / 1000);
  let liveStints = 0;
  for (const st of await store.stintsSince(startS - 2 * DAY_S)) {
    if (addLiveStint(live, st, ctx, startS)) liveStints += 1;
    addSupervisorStint(days, st, ctx.calendar(st.site).tz, startS);
  }
  const alertState = createAlertState();
  for (const a of await store.openAlerts()) restoreAlert(alertState, a);
  log.info(
    { replayed_events: replayed, live_stints: liveStints, open_alerts: alertState.active.size, last_commit: last.id, last_commit_stints: storedStints.size, ms: Date.now() - t0 },
    'processor state rebuilt',
  );

  // Batch handling and settings reloads take turns: a reload rebuilds the live windows from stored
  // stints, which must neither miss nor repeat a batch handled meanwhile.
  const exclusive = takeTurns();

  // Settings and calendars edited from the dashboard are new versions in ClickHouse. A change
  // rebuilds the live windows: T, strict, short abandons and opening hours change every figure.
  // Reloads run one at a time. Reading the stored versions does not hold up the commits;
  // applying a change does.
  const reloadTurns = takeTurns();
  const reloadSettings = (): Promise<boolean> => reloadTurns(reloadNow);
  async function reloadNow(): Promise<boolean> {
    const atMs = now();
    const fresh = await loadDefinitionHistory(deps.ch);
    if (JSON.stringify(fresh) === JSON.stringify(history)) return false;
    await exclusive(async () => {
      // The live windows are rebuilt from stored stints: every reduced commit must be stored first.
      await commits.catch(() => undefined);
      history = fresh;
      resolver = createResolver(history, resolverBase);
      const nowS = Math.floor(atMs / 1000);
      const rebuilt = createLiveAggregates();
      for (const st of await store.stintsSince(nowS - 2 * DAY_S)) addLiveStint(rebuilt, st, ctx, nowS);
      live.queues = rebuilt.queues; // swapped whole: a tick never sees a half-built window
      for (const k of live.queues.keys()) markChanged(pacer, k);
      log.info({ queues: live.queues.size }, 'settings reloaded, live windows rebuilt');
    });
    return true;
  }
  const reloadEveryMs = opts.settingsReloadMs ?? 5_000;
  let lastReloadMono = mono();
  let reloading = false;

  const pacer = createPacer(minMs, maxMs);
  /** Supervisor views, paced per site like the snapshots per queue. */
  const sitePacer = createPacer(minMs, maxMs);
  const changedSites = new Set<string>();
  let latestSnaps: QueueSnapshot[] = [];
  const counters = { commits: 0, batches: 0, events: 0, applied: 0, stints: 0, dead: 0, cdr_batches: 0, bad_messages: 0 };

  /** Reduces a group of messages: state, live windows and pacing move now; rows wait for storage. */
  function reduceGroup(msgs: ProcessorDurableMessage[]): Work {
    const work: Work = { commitId: nextCommit++, stints: [], sessions: [], pauses: [], events: [], eventsJson: [], dead: [], received: 0 };
    const touched = new Set<string>();
    for (const msg of msgs) {
      const read = readMessage(msg.data);
      if (!read.ok) {
        counters.bad_messages += 1;
        log.error({ subject: msg.subject, msg_id: msg.msgId, reason: read.reason }, 'unreadable message skipped');
        continue;
      }
      const { value: body, text } = read;
      if (msg.subject.startsWith(`${EVENTS_SUBJECT_PREFIX}.`)) {
        const batch = body as EventBatch;
        work.received += batch.events.length;
        const before = work.events.length;
        for (const ev of batch.events) {
          if (isApplied(stints, ev)) continue; // a redelivered event
          for (const r of applyEvent(stints, ev)) if (!storedStints.delete(r.stint_id)) work.stints.push(r);
          const a = applyAgentEvent(agents, ev);
          for (const r of a.sessions) if (!storedSessions.delete(sessionKey(r))) work.sessions.push(r);
          for (const r of a.pauses) if (!storedPauses.delete(pauseKey(r))) work.pauses.push(r);
          work.events.push(ev);
          if (ev.queue === 'NONE' || ev.queue === '') changedSites.add(ev.site);
          else touched.add(`${ev.site}\0${ev.queue}`);
        }
        const applied = work.events.length - before;
        if (applied > 0) markChanged(sitePacer, batch.site);
        const whole = applied > 0 && applied === batch.events.length ? eventsText(text) : null;
        if (whole) work.eventsJson.push(whole);
        else if (applied > 0) for (let i = before; i < work.events.length; i++) work.eventsJson.push(JSON.stringify(work.events[i]));
      } else if (msg.subject.startsWith(`${DEAD_LETTER_SUBJECT_PREFIX}.`)) {
        work.dead.push(body as DeadLetterBatch);
      } else if (msg.subject.startsWith(`${CDR_SUBJECT_PREFIX}.`)) {
        // CDR batches share the stream; the processor does not derive KPIs from them yet.
        counters.cdr_batches += 1;
      } else {
        counters.bad_messages += 1;
        log.warn({ subject: msg.subject, msg_id: msg.msgId }, 'message on an unknown subject skipped');
      }
    }
    // The live figures do not wait for storage: if an insert fails it is retried with these same
    // rows, and after a crash the live windows are rebuilt from what was stored.
    const nowS = Math.floor(now() / 1000);
    for (const st of work.stints) {
      addLiveStint(live, st, ctx, nowS);
      addSupervisorStint(days, st, ctx.calendar(st.site).tz, nowS);
    }
    for (const k of touched) markChanged(pacer, k);
    wakeForChanges();
    return work;
  }

  // A changed queue publishes as soon as its pacing allows (at once when its last snapshot is
  // older than minMs), not at the next periodic tick.
  let wakeArmed = false;
  function wakeForChanges(): void {
    if (wakeArmed || stopping || (pacer.changed.size === 0 && changedSites.size === 0 && sitePacer.changed.size === 0)) return;
    const paceMs = mono();
    let wait = changedSites.size > 0 ? 0 : minMs;
    for (const k of sitePacer.changed) {
      const last = sitePacer.last.get(k);
      wait = Math.min(wait, last === undefined ? 0 : Math.max(0, last + minMs - paceMs));
    }
    for (const k of pacer.changed) {
      const last = pacer.last.get(k);
      wait = Math.min(wait, last === undefined ? 0 : Math.max(0, last + minMs - paceMs));
    }
    wakeArmed = true;
    soon(Math.ceil(wait), () => {
      wakeArmed = false;
      safeTick();
      wakeForChanges(); // queues changed but not due yet
    });
  }

  async function storeWork(work: Work): Promise<void> {
    // Rows the store refuses for good are split off and dead-lettered there (issue 14); only
    // retryable failures come back here.
    const outcome = await storeCommit(store, work, `${boot}:${work.commitId}`, Math.floor(now() / 1000));
    noteStored(storeHealth, outcome, now());
    // Once per commit, not per row: a refusal can hit many rows at once.
    const first = outcome.refused[0];
    if (first) {
      log.error({ commit_id: work.commitId, refused_rows: outcome.refused.length, splits: outcome.splits, table: first.table, event_id: first.letter.event_id, reason: first.letter.reason }, 'rows refused by the store, dead-lettered');
    } else if (outcome.splits > 0) log.warn({ commit_id: work.commitId, splits: outcome.splits }, 'commit refused whole by the store, stored split');
  }

  // Commits are stored one after the other (so after a crash only the newest can be incomplete),
  // while the next group is already being reduced. A commit whose inserts fail is retried here with
  // the same rows (its tokens make a repeated insert a no-op) until stored or until the processor
  // stops; a commit given up at stop leaves every later one unstored too (the chain stays rejected).
  let commits: Promise<void> = Promise.resolve();
  let stopping = false;
  const storeHealth = createStoreHealth();

  async function storeUntilStored(work: Work): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        noteStoring(storeHealth, work.commitId, mono());
        await storeWork(work);
        return;
      } catch (err) {
        noteFailed(storeHealth, classifyStoreError(err).code);
        if (stopping) throw err;
        log.warn({ err, commit_id: work.commitId, attempt }, 'commit not stored, will retry');
        await sleep(Math.min(5_000, 100 * 2 ** Math.min(attempt, 6)));
      }
    }
  }

  function handleGroup(msgs: ProcessorDurableMessage[]): Promise<void> {
    // Reduced in turn (never during a settings reload); resolves once stored, which acks the group.
    return exclusive(async () => {
      const work = reduceGroup(msgs);
      const stored = commits.then(() => storeUntilStored(work));
      commits = stored;
      return { work, stored };
    }).then(async ({ work, stored }) => {
      await stored;
      counters.commits += 1;
      counters.batches += msgs.length;
      counters.events += work.received;
      counters.applied += work.events.length;
      counters.stints += work.stints.length;
      for (const d of work.dead) counters.dead += d.dead.length;
    });
  }

  function snapshots(nowMs: number): QueueSnapshot[] {
    const nowS = Math.floor(nowMs / 1000);
    pruneLive(live, ctx, nowS);
    const agentCounts = new Map<string, Map<string, AgentCounts>>();
    for (const site of agents.sites.keys()) agentCounts.set(site, agentCountsByQueue(agents, site, siteStaleKeys(stints, site, nowS, liveOpen)));
    const dataTs = new Map<string, number>();
    for (const [site, s] of stints.sites) dataTs.set(site, s.maxTs);
    latestSnaps = buildSnapshots({ live, ctx, open: liveQueueState(stints, nowS, liveOpen), agents: agentCounts, dataTs, nowMs });
    return latestSnaps;
  }

  function supervisorView(site: string, nowMs: number): SupervisorMessage {
    return buildSupervisorMessage({ site, tz: ctx.calendar(site).tz, stints, agents, days, live: liveOpen, nowMs });
  }

  function supervisorSites(): string[] {
    return [...new Set([...stints.sites.keys(), ...agents.sites.keys()])].sort();
  }

  // Alert state changes waiting to be stored, oldest first; one writer at a time.
  const alertWrites: AlertMessage[] = [];
  let alertWriter: Promise<void> | null = null;
  function storeAlerts(): void {
    if (alertWriter || alertWrites.length === 0) return;
    alertWriter = (async () => {
      for (let a = alertWrites[0]; a; a = alertWrites[0]) {
        try {
          await store.insertAlert(a);
          alertWrites.shift();
        } catch (err) {
          log.warn({ err, alert_id: a.alert_id, state: a.state }, 'alert not stored, will retry');
          return; // the next tick retries
        }
      }
    })().finally(() => {
      alertWriter = null;
    });
  }

  // Storage health on the live bus for a dashboard in another process (issue 14).
  let lastHealthMono = -Infinity;
  function publishHealth(paceMs: number): void {
    if (paceMs - lastHealthMono < PROCESSOR_HEALTH_EVERY_MS) return;
    lastHealthMono = paceMs;
    const msg: ProcessorHealthMessage = { type: 'processor_health', at_ms: now(), ...processorHealth(storeHealth, paceMs, opts.stallAfterMs) };
    bus.emit(PROCESSOR_HEALTH_SUBJECT, Buffer.from(JSON.stringify(msg)));
  }

  function tick(): void {
    // Pacing uses the monotonic clock; the figures and alert times use `now` (wall clock).
    const paceMs = mono();
    if (!reloading && paceMs - lastReloadMono >= reloadEveryMs) {
      lastReloadMono = paceMs;
      reloading = true;
      reloadSettings()
        .catch((err: unknown) => log.warn({ err }, 'settings reload failed, will retry'))
        .finally(() => {
          reloading = false;
        });
    }
    const nowMs = now();
    const snaps = snapshots(nowMs);
    // Alerts first, so the snapshots of this tick already list them (late joiners see a raised
    // alert with the next snapshot of its queue, at most maxMs later).
    const figs = snaps.map((s) => ({
      site: s.site, queue: s.queue, sl_pct: s.windows.today.sl_pct, waiting_now: s.waiting_now,
      longest_current_wait_s: s.longest_current_wait_s, thresholds: ctx.definition(s.site, s.queue).settings.alerts,
    }));
    for (const a of evaluateAlerts(alertState, figs, alertRules, nowMs)) {
      bus.emit(kpiSubject(a.site), Buffer.from(JSON.stringify(a)));
      alertWrites.push(a);
      log.info({ alert_id: a.alert_id, state: a.state, queue: a.queue, metric: a.metric, threshold: a.threshold }, 'queue alert');
    }
    storeAlerts();
    withAlerts(snaps);
    const bySite = new Map<string, QueueSnapshot[]>();
    for (const snap of snaps) {
      const k = `${snap.site}\0${snap.queue}`;
      // A site-wide event (PAUSEALL, QUEUESTART) changes every queue of the site.
      if (changedSites.has(snap.site)) markChanged(pacer, k);
      if (takeDue(pacer, k, paceMs)) {
        let list = bySite.get(snap.site);
        if (!list) bySite.set(snap.site, (list = []));
        list.push(snap);
      }
    }
    changedSites.clear();
    for (const [site, queues] of bySite) {
      const msg: SnapshotMessage = { type: 'snapshots', site, queues };
      bus.emit(kpiSubject(site), Buffer.from(JSON.stringify(msg)));
    }
    for (const site of supervisorSites()) {
      if (takeDue(sitePacer, site, paceMs)) bus.emit(supervisorSubject(site), Buffer.from(JSON.stringify(supervisorView(site, nowMs))));
    }
    publishHealth(paceMs);
  }

  /** Sets each snapshot's `alerts`: the metrics of its queue with a raised alert. */
  function withAlerts(snaps: QueueSnapshot[]): QueueSnapshot[] {
    const byQueue = new Map<string, AlertMetric[]>();
    for (const a of activeAlerts(alertState)) {
      const k = `${a.site}\0${a.queue}`;
      byQueue.set(k, [...(byQueue.get(k) ?? []), a.metric]);
    }
    for (const snap of snaps) snap.alerts = (byQueue.get(`${snap.site}\0${snap.queue}`) ?? []).sort();
    return snaps;
  }

  await bus.ensureStream(EVENTS_STREAM_SPEC);
  const maxGroup = opts.maxGroupMessages ?? 16;
  const consumption = await bus.consumeBatches(
    { stream: EVENTS_STREAM, durable: PROCESSOR_CONSUMER, maxBatch: maxGroup, maxInFlight: 2, maxAckPending: 3 * maxGroup, ackWaitMs: opts.ackWaitMs ?? 10_000 },
    handleGroup,
    (err, msgs) => log.warn({ err, messages: msgs.length, first_msg_id: msgs[0]?.msgId }, 'messages handed back unstored (processor stopping)'),
  );
  function safeTick(): void {
    if (stopping) return;
    try {
      tick();
    } catch (err) {
      log.error({ err }, 'snapshot publishing failed');
    }
  }
  // Periodic ticks at the pacing floor: snapshots at least every maxMs, alerts as clocks move.
  const stopTicks = every(minMs, safeTick);
  consumption.done.catch((err: unknown) => log.error({ err }, 'processor consumption died'));
  log.info({ stream: EVENTS_STREAM, durable: PROCESSOR_CONSUMER }, 'processor started');

  return {
    done: consumption.done,
    async stop() {
      stopping = true;
      stopTicks();
      await consumption.stop();
      await exclusive(async () => undefined); // a reload applying its change finishes first
      await alertWriter;
      storeAlerts();
      await alertWriter;
      if (alertWrites.length > 0) log.error({ unstored_alerts: alertWrites.length }, 'alerts lost at stop');
      log.info({ ...counters }, 'processor stopped');
    },
    latest: () => withAlerts(snapshots(now())),
    supervisor: () => {
      const nowMs = now();
      return supervisorSites().map((site) => supervisorView(site, nowMs));
    },
    alerts: () => activeAlerts(alertState),
    reloadSettings,
    health: () => processorHealth(storeHealth, mono(), opts.stallAfterMs),
  };
}
