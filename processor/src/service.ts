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
//   Agents' membership and pause events are replayed from 2 days back (AGENT_REPLAY_HORIZON_S,
//   service/rebuild.ts) into the agent machine only: shifts outlast the calls' horizon.
// - A failed insert is retried (service/committer.ts) with the rows computed the first time (the
//   state already advanced) and the same insert tokens, until stored or until the processor stops.
// - The live figures move when a group is reduced, before it is stored (service/reducer.ts).
// - The same line counts once, whichever way it came (core/line-key.ts, service/same-line.ts):
//   after the per-source offset rule, an event whose line key was applied or stored already is
//   dropped. Memory answers for the last lineKeyWindowS of data time and for commits not stored
//   yet; for older events one query per group and site reads the keys stored over their time
//   range. The restart replay remembers the keys it reads.
// Live output (kpi.queue.<site>): snapshots paced per site (core/pacing.ts: one message at most
// every snapshotMinIntervalMs with the queues changed since the previous one, every queue at
// the snapshotMaxIntervalMs heartbeat) and alert state changes at once (core/alerts.ts). The
// supervisor view (kpi.supervisor.<site>, core/supervisor.ts) is paced per site too, at most
// every supervisorMinIntervalMs. Open calls gone stale (kpi-definitions §5) leave every live
// figure. Alerts are stored in the background, retried until stored; alerts still open in
// storage are taken back at start so they clear instead of repeating.
// The parts, each in service/: definitions (the resolver as the live context), rebuild (the
// state at start), reducer (a group of messages -> one commit), committer (commits stored in
// order, retried), publisher (snapshots, alerts, supervisor views); startProcessor wires them.
import { EVENTS_STREAM_SPEC, PROCESSOR_CONSUMER } from '@tablero/ingest/contract';
import type { ClickHouse } from '@tablero/sql';
import type { Logger } from 'pino';
import { readMessage, takeTurns, type ProcessorBus, type ProcessorDurableMessage } from './bus/bus.ts';
import { LIVE_RESYNC_SUBJECT, SNAPSHOT_HEARTBEAT_MS, SNAPSHOT_MIN_INTERVAL_MS, type AlertMessage, type ProcessorHealth, type QueueSnapshot, type SupervisorMessage } from './contract.ts';
import { DEFAULT_ALERT_RULES, type AlertRules } from './core/alerts.ts';
import type { SiteCalendarSpec } from './core/calendar.ts';
import { createPacer, createSitePacer, markAllChanged, markAllSitesChanged, markSiteChanged } from './core/pacing.ts';
import { defaultProcessorSettings, type ProcessorSettings } from './core/settings.ts';
import { linesStored } from './core/line-key.ts';
import { createStoreHealth, processorHealth } from './core/store-health.ts';
import { DEFAULT_STALE_AFTER_S } from './core/stint-machine.ts';
import { DEFAULT_COMMIT_MESSAGES } from './commit-size.ts';
import { startRollupJob } from './rollup/index.ts';
import { stintRollup } from './store/stint-rollup.ts';
import { createStore } from './store/store.ts';
import { bulkStore } from './store/bulk-store.ts';
import type { FunnelConfig } from './core/funnel.ts';
import { funnelRollup, startFunnelSweeper } from './rollup/funnel-roll.ts';
import { ownedStore } from './store/owned-store.ts';
import { claimFence, earlierInsertsDone } from './store/fenced-insert.ts';
import { createCommitter } from './service/committer.ts';
import { createLiveDefinitions } from './service/definitions.ts';
import { createPublisher } from './service/publisher.ts';
import { liveWindowsFrom, rebuildState } from './service/rebuild.ts';
import { createReducer, nextTurn, type Changes } from './service/reducer.ts';
import { createSameLine, type ReadMessage } from './service/same-line.ts';
import { newCounters } from './service/work.ts';

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
  /** Data time (seconds below the newest line) in which a line seen twice is recognised from memory; older ones ask ClickHouse. */
  lineKeyWindowS: number;
}

export interface ProcessorOptions {
  /** Default site time zone. */
  tz: string;
  settings?: Partial<ProcessorConfig>;
  /** Shortest time between two `snapshots` messages of one site (ms). Default SNAPSHOT_MIN_INTERVAL_MS (100: at most 10 a second). */
  snapshotMinIntervalMs?: number;
  /** Heartbeat: every queue of a site is published at least this often (ms). Default 5,000. */
  snapshotMaxIntervalMs?: number;
  /** Shortest time between two supervisor views of one site (ms). Default 250 (within the snapshot bounds). */
  supervisorMinIntervalMs?: number;
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
  /**
   * Most JetStream messages stored in one commit (default DEFAULT_COMMIT_MESSAGES). A commit is
   * what arrived while the previous one was stored, so this bounds only a backlog: a quiet
   * stream's commits stay small (its latency does not change) while a backlog is caught up in
   * fewer, larger parts (issue 18: a part costs 12-18 ms of CPU whatever its size).
   */
  maxGroupMessages?: number;
  /** Rejected lines stored as rows per site, source and minute; the rest only counted (core/rejections.ts). Default 100. */
  rejectedRowsPerMinute?: number;
  /** Handle one partition only (partitioned deployment); unset: the whole events stream. */
  partition?: ProcessorPartition;
  /**
   * The import's bulk inserts (store/bulk-store.ts): queue_events, stints and CDR rows as
   * JSONCompactEachRow. The same rows and tokens as the live inserts. Default false.
   */
  bulkInserts?: boolean;
  /**
   * Pause between two cycles of the stint rollup job (ms, processor/src/rollup/): dirty quarters
   * and days are rolled up so KPI queries read them from the rollup. Default 10,000; 0 = no job
   * (queries then scan what is not rolled up: the same figures, slower).
   */
  rollupIntervalMs?: number;
  /**
   * The call funnel's services per site (TABLERO_FUNNEL): with it, the rollup job also rolls the
   * funnel (rollup/funnel-roll.ts) of the configured sites this processor owns, every
   * rollupIntervalMs. Unset: the funnel is not rolled (its dirty marks are written all the same;
   * a later processor with it rolls them), and funnel reads scan.
   */
  funnel?: FunnelConfig;
}

/**
 * One partition of a partitioned deployment (issue 19, src/cluster/): the processor consumes the
 * partition's stream instead of the events stream, rebuilds and publishes the partition's sites
 * only, and asks `fence` before every write.
 */
export interface ProcessorPartition {
  stream: { name: string; subjects: string[]; maxBytes: number; duplicateWindowMs: number };
  /** Whether a site belongs to this partition. */
  owns(site: string): boolean;
  /** A message's subject as the reducer reads it (`pbx.<kind>.<site>`). */
  subject(subject: string): string;
  /** Throws (FencedError) once the partition's lease may have passed to another processor. */
  fence(): void;
  /** For logs and the insert tokens of this partition's commits (unique per partition). */
  label: string;
  /**
   * Store-side fencing (store/fenced-insert.ts): the holder's epoch is written to the store before
   * the state is rebuilt, then the rebuild waits until no insert of an earlier holder runs in the
   * store (at most `graceMs`, longer than any insert may run), so such an insert has landed; every
   * insert stores rows only while that epoch is the partition's newest. `lost` is called once the
   * store shows a newer holder.
   */
  storeFence?: {
    epoch: number;
    member: string;
    insertTimeoutS: number;
    graceMs: number;
    /** The store lists its running queries for all inserts (one server): the wait ends once no earlier insert runs. */
    processList: boolean;
    lost(): void;
  };
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

/** Most JetStream messages per commit by default: up to ~32,000 events (ingest's 500 per message). */
export { DEFAULT_COMMIT_MESSAGES };

/** Message bytes parsed between two turns of the event loop (~600 KB: ~2,000 events, ~10 ms). */
const PARSE_SLICE_BYTES = 600_000;

export class ProcessorError extends Error {
  override name = 'ProcessorError';
}

export { eventsBytes } from './service/work.ts';

export async function startProcessor(deps: ProcessorDeps, opts: ProcessorOptions): Promise<Processor> {
  const { bus, log } = deps;
  const now = deps.now ?? Date.now;
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
  const minMs = opts.snapshotMinIntervalMs ?? SNAPSHOT_MIN_INTERVAL_MS;
  const maxMs = opts.snapshotMaxIntervalMs ?? SNAPSHOT_HEARTBEAT_MS;
  const supervisorMinMs = opts.supervisorMinIntervalMs ?? Math.min(maxMs, Math.max(minMs, 250));
  const part = opts.partition;
  const sf = part?.storeFence;
  const storeFence = part && sf ? { item: part.label, epoch: sf.epoch, insertTimeoutS: sf.insertTimeoutS } : undefined;
  // Set once the store showed a newer holder: nothing more is published either.
  let fencedByStore = false;
  const onFenced = (): void => {
    fencedByStore = true;
    sf?.lost();
  };
  // The import's bulk inserts (never partitioned) or the live ones, fenced by the store when partitioned.
  const base = opts.bulkInserts ? bulkStore(createStore(deps.ch), deps.ch) : createStore(deps.ch, storeFence);
  const store = part ? ownedStore(base, part.owns, part.fence, storeFence ? { ch: deps.ch, fence: storeFence, onFenced } : undefined) : base;
  /** A partition's live messages go out only while its lease is held (in process and in the store). */
  const mayPublish = (): boolean => {
    if (!part) return true;
    if (fencedByStore) return false;
    try {
      part.fence();
      return true;
    } catch {
      return false;
    }
  };
  const streamSpec = part?.stream ?? EVENTS_STREAM_SPEC;
  // The claim comes first: from it on, an insert of the previous holder stores nothing. One that
  // already passed the store's check has ended before the rebuild below reads (earlierInsertsDone).
  let graceOver: Promise<void> = Promise.resolve();
  if (part && storeFence && sf) {
    part.fence();
    await claimFence(deps.ch, storeFence, sf.member);
    graceOver = earlierInsertsDone(deps.ch, storeFence, sf.graceMs, sf.processList).then((ms) =>
      log.info({ partition: part.label, epoch: sf.epoch, waited_ms: ms }, 'partition claimed in the store, no earlier insert running'),
    );
  }

  // The definition resolver: stored setting and calendar versions (edited from the dashboard)
  // over the configured ones; each stint is judged by the version in force at its enter time.
  const definitions = await createLiveDefinitions(
    deps.ch,
    { settings: opts.settings?.settings ?? defaultProcessorSettings(), calendars: opts.settings?.calendars ?? {}, defaultTz: opts.tz },
    now,
  );
  const { ctx } = definitions;

  await graceOver;
  const t0 = Date.now();
  const rebuilt = await rebuildState(
    store,
    ctx,
    {
      aliases: opts.settings?.aliases ?? {},
      replayHorizonS: opts.settings?.replayHorizonS ?? 6 * 3600,
      endedKeyMemoryS: opts.settings?.endedKeyMemoryS ?? 3600,
      lineKeyWindowS: opts.settings?.lineKeyWindowS ?? 600,
      ...(opts.rejectedRowsPerMinute !== undefined ? { rejectedRowsPerMinute: opts.rejectedRowsPerMinute } : {}),
    },
    Math.floor(now() / 1000),
  );
  const { state } = rebuilt;
  log.info({ ...rebuilt.facts, ms: Date.now() - t0 }, 'processor state rebuilt');

  const counters = newCounters();
  const changes: Changes = { queues: createSitePacer(minMs, maxMs), sites: createPacer(supervisorMinMs, maxMs) };
  // Tokens only guard an in-process retry of one commit; a restart numbers on from the newest.
  const storeHealth = createStoreHealth();
  const health = (): ProcessorHealth => processorHealth(storeHealth, mono(), opts.stallAfterMs);
  const committer = createCommitter({
    store, log, boot: `${process.pid}-${Date.now()}${part ? `-${part.label}` : ''}`, health: storeHealth, now, mono,
    onStored: (work) => linesStored(state.lines, work.commitId),
  });
  const sameLine = createSameLine({ lines: state.lines, stints: state.stints, store, counters, log, stopping: committer.stopping });
  const reducer = createReducer({ state, stored: rebuilt.stored, sameLine, ctx, changes, counters, log, now, firstCommitId: rebuilt.lastCommitId + 1 });

  // Batch handling and settings reloads take turns: a reload rebuilds the live windows from stored
  // stints, which must neither miss nor repeat a batch handled meanwhile.
  const exclusive = takeTurns();

  // Settings and calendars edited from the dashboard are new versions in ClickHouse. A change
  // rebuilds the live windows: T, strict, short abandons and opening hours change every figure.
  // Reloads run one at a time. Reading the stored versions does not hold up the commits;
  // applying a change does.
  const reloadTurns = takeTurns();
  const reloadSettings = (): Promise<boolean> =>
    reloadTurns(async () => {
      const atMs = now();
      const fresh = await definitions.changed();
      if (!fresh) return false;
      await exclusive(async () => {
        // The live windows are rebuilt from stored stints: every reduced commit must be stored first.
        await committer.settled();
        definitions.use(fresh);
        const { live } = await liveWindowsFrom(store, ctx, Math.floor(atMs / 1000));
        state.live.queues = live.queues; // swapped whole: a tick never sees a half-built window
        for (const q of state.live.queues.values()) markSiteChanged(changes.queues, q.site);
        log.info({ queues: state.live.queues.size }, 'settings reloaded, live windows rebuilt');
      });
      return true;
    });
  const reloadEveryMs = opts.settingsReloadMs ?? 5_000;
  let lastReloadMono = mono();
  let reloading = false;
  const reloadWhenDue = (monoMs: number): void => {
    if (reloading || monoMs - lastReloadMono < reloadEveryMs) return;
    lastReloadMono = monoMs;
    reloading = true;
    reloadSettings()
      .catch((err: unknown) => log.warn({ err }, 'settings reload failed, will retry'))
      .finally(() => {
        reloading = false;
      });
  };

  const publisher = createPublisher({
    bus: part ? { emit: (subject, data) => (mayPublish() ? bus.emit(subject, data) : undefined) } : bus,
    store, log, state, ctx, changes, now, mono, soon,
    liveOpen: { staleAfterS: opts.staleCallS ?? DEFAULT_STALE_AFTER_S },
    alertRules: { ...DEFAULT_ALERT_RULES, ...(opts.alertRules ?? {}) },
    beforeTick: reloadWhenDue,
    health,
  });

  function handleGroup(msgs: ProcessorDurableMessage[]): Promise<void> {
    // Reduced in turn (never during a settings reload); resolves once stored, which acks the group.
    return exclusive(async () => {
      // Parsed in slices too (a large group under backlog is ~70 ms of JSON.parse): the previous
      // commit's inserts go on in between.
      const group: ReadMessage[] = [];
      let parsedBytes = 0;
      for (const msg of msgs) {
        if (parsedBytes >= PARSE_SLICE_BYTES) {
          await nextTurn();
          parsedBytes = 0;
        }
        parsedBytes += msg.data.byteLength;
        group.push({ msg: part ? { ...msg, subject: part.subject(msg.subject) } : msg, read: readMessage(msg.data) });
      }
      const asking = sameLine.ask(group);
      const work = await reducer.reduce(group, asking ? await asking : null);
      publisher.wake();
      return { work, stored: committer.commit(work) };
    }).then(async ({ work, stored }) => {
      await stored;
      counters.commits += 1;
      counters.batches += msgs.length;
      counters.events += work.received;
      counters.applied += work.events.length;
      counters.stints += work.stints.length;
      counters.dead += work.dead.length; // rows written (samples and counter versions)
    });
  }

  await bus.ensureStream(streamSpec);
  const maxGroup = opts.maxGroupMessages ?? DEFAULT_COMMIT_MESSAGES;
  const consumption = await bus.consumeBatches(
    { stream: streamSpec.name, durable: PROCESSOR_CONSUMER, maxBatch: maxGroup, maxInFlight: 2, maxAckPending: 3 * maxGroup, ackWaitMs: opts.ackWaitMs ?? 10_000 },
    handleGroup,
    (err, msgs) => log.warn({ err, messages: msgs.length, first_msg_id: msgs[0]?.msgId }, 'messages handed back unstored (processor stopping)'),
  );
  // Periodic ticks: heartbeats every maxMs, alerts as clocks move (a longest wait crossing its
  // threshold). Changes do not wait for them: a change wakes the publisher as soon as its site's
  // pacing allows. Every 250 ms, not every minMs: with 200 queues each tick reads every queue's
  // alert figures, and a tick every 100 ms beside the wake-ups doubled that work for nothing.
  const stopTicks = every(Math.max(minMs, supervisorMinMs), publisher.tick);
  // A dashboard that just started asks for the whole picture: every known site goes out whole at
  // the next tick (still within the site's pacing) instead of at its next heartbeat.
  const stopResync =
    bus.listen?.(LIVE_RESYNC_SUBJECT, () => {
      markAllSitesChanged(changes.queues);
      markAllChanged(changes.sites);
    }) ?? (() => undefined);
  consumption.done.catch((err: unknown) => log.error({ err }, 'processor consumption died'));
  // Exact rollups of the stints (issue 18): the job only reads stints and writes rollup rows; a
  // partitioned processor rolls up its own sites.
  const rollupMs = opts.rollupIntervalMs ?? 10_000;
  // The funnel's rollup (issue 16) runs in the same job; its sweeper marks what no commit marked
  // (days stored before the rollup or without the processor, buckets judged under other settings).
  const funnelRoll = opts.funnel && rollupMs > 0 ? funnelRollup(opts.funnel) : undefined;
  const rollupJob = rollupMs > 0 ? startRollupJob(deps.ch, [stintRollup, ...(funnelRoll ? [funnelRoll] : [])], { intervalMs: rollupMs, log, ...(part ? { owns: part.owns } : {}) }) : undefined;
  const funnelSweeper = opts.funnel && rollupMs > 0 ? startFunnelSweeper({ ch: deps.ch, log, funnel: opts.funnel, everyMs: rollupMs, now, ...(part ? { owns: part.owns } : {}) }) : undefined;
  log.info({ stream: streamSpec.name, durable: PROCESSOR_CONSUMER }, 'processor started');

  return {
    done: consumption.done,
    async stop() {
      publisher.halt();
      committer.stop();
      await funnelSweeper?.stop();
      stopTicks();
      stopResync();
      await rollupJob?.stop();
      await consumption.stop();
      await exclusive(async () => undefined); // a reload applying its change finishes first
      await publisher.flushAlerts();
      log.info({ ...counters }, 'processor stopped');
    },
    latest: () => publisher.latest(),
    supervisor: () => publisher.supervisor(),
    alerts: () => publisher.alerts(),
    reloadSettings,
    health,
  };
}
