// Live output: per tick, the snapshots of the queues whose pacing is due (kpi.queue.<site>), the
// alert state changes at once (stored in the background, retried until stored), and the
// supervisor view of each site whose pacing is due (kpi.supervisor.<site>). Open calls gone
// stale (kpi-definitions §5) leave every live figure. A changed queue publishes as soon as its
// pacing allows (at once when its last snapshot is older than minMs), not at the next tick.
import type { Logger } from 'pino';
import type { ProcessorBus } from '../bus/bus.ts';
import {
  kpiSubject,
  PROCESSOR_HEALTH_EVERY_MS,
  PROCESSOR_HEALTH_SUBJECT,
  supervisorSubject,
  type ProcessorHealth,
  type ProcessorHealthMessage,
  type AgentCounts,
  type AlertMessage,
  type AlertMetric,
  type QueueSnapshot,
  type SnapshotMessage,
  type SupervisorMessage,
} from '../contract.ts';
import { agentCountsByQueue } from '../core/agent-state.ts';
import { activeAlerts, evaluateAlerts, type AlertRules } from '../core/alerts.ts';
import { buildSnapshots, pruneLive, type LiveContext } from '../core/live.ts';
import { markChanged, takeDue } from '../core/pacing.ts';
import { liveQueueState, siteStaleKeys, type LiveOpenOptions } from '../core/stint-machine.ts';
import { buildSupervisorMessage } from '../core/supervisor.ts';
import type { ProcessorStore } from '../store/store.ts';
import type { ProcessorState } from './rebuild.ts';
import type { Changes } from './reducer.ts';

export interface PublisherDeps {
  bus: Pick<ProcessorBus, 'emit'>;
  store: Pick<ProcessorStore, 'insertAlert'>;
  log: Logger;
  state: ProcessorState;
  ctx: LiveContext;
  changes: Changes;
  liveOpen: LiveOpenOptions;
  alertRules: AlertRules;
  minMs: number;
  now: () => number;
  mono: () => number;
  soon: (ms: number, fn: () => void) => void;
  /** Called at the start of every tick (the settings reload check). */
  beforeTick: (monoMs: number) => void;
  /** The processor's storage health, published on the live bus for a dashboard in another process. */
  health: () => ProcessorHealth;
}

export interface Publisher {
  /** Publishes what is due now; never throws (a failure is logged). */
  tick(): void;
  /** Arms a tick for when the earliest changed queue or site is due. */
  wake(): void;
  latest(): QueueSnapshot[];
  supervisor(): SupervisorMessage[];
  alerts(): AlertMessage[];
  /** Stops publishing (a tick or wake after this does nothing). */
  halt(): void;
  /** Stores the alert changes still waiting (logged when some are lost). */
  flushAlerts(): Promise<void>;
}

export function createPublisher(d: PublisherDeps): Publisher {
  const { state, ctx, changes } = d;
  let stopping = false;

  function snapshots(nowMs: number): QueueSnapshot[] {
    const nowS = Math.floor(nowMs / 1000);
    pruneLive(state.live, ctx, nowS);
    const agentCounts = new Map<string, Map<string, AgentCounts>>();
    for (const site of state.agents.sites.keys()) agentCounts.set(site, agentCountsByQueue(state.agents, site, siteStaleKeys(state.stints, site, nowS, d.liveOpen)));
    const dataTs = new Map<string, number>();
    for (const [site, s] of state.stints.sites) dataTs.set(site, s.maxTs);
    return buildSnapshots({ live: state.live, ctx, open: liveQueueState(state.stints, nowS, d.liveOpen), agents: agentCounts, dataTs, nowMs });
  }

  const supervisorView = (site: string, nowMs: number): SupervisorMessage =>
    buildSupervisorMessage({ site, tz: ctx.calendar(site).tz, stints: state.stints, agents: state.agents, days: state.days, live: d.liveOpen, nowMs });
  const supervisorSites = (): string[] => [...new Set([...state.stints.sites.keys(), ...state.agents.sites.keys()])].sort();

  /** Sets each snapshot's `alerts`: the metrics of its queue with a raised alert. */
  function withAlerts(snaps: QueueSnapshot[]): QueueSnapshot[] {
    const byQueue = new Map<string, AlertMetric[]>();
    for (const a of activeAlerts(state.alerts)) {
      const k = `${a.site}\0${a.queue}`;
      byQueue.set(k, [...(byQueue.get(k) ?? []), a.metric]);
    }
    for (const snap of snaps) snap.alerts = (byQueue.get(`${snap.site}\0${snap.queue}`) ?? []).sort();
    return snaps;
  }

  // Alert state changes waiting to be stored, oldest first; one writer at a time.
  const alertWrites: AlertMessage[] = [];
  let alertWriter: Promise<void> | null = null;
  function storeAlerts(): void {
    if (alertWriter || alertWrites.length === 0) return;
    alertWriter = (async () => {
      for (let a = alertWrites[0]; a; a = alertWrites[0]) {
        try {
          await d.store.insertAlert(a);
          alertWrites.shift();
        } catch (err) {
          d.log.warn({ err, alert_id: a.alert_id, state: a.state }, 'alert not stored, will retry');
          return; // the next tick retries
        }
      }
    })().finally(() => {
      alertWriter = null;
    });
  }

  let lastHealthMono = -Infinity;
  function tick(): void {
    // Pacing uses the monotonic clock; the figures and alert times use `now` (wall clock).
    const paceMs = d.mono();
    d.beforeTick(paceMs);
    const nowMs = d.now();
    const snaps = snapshots(nowMs);
    // Alerts first, so the snapshots of this tick already list them (late joiners see a raised
    // alert with the next snapshot of its queue, at most maxMs later).
    const figs = snaps.map((s) => ({
      site: s.site, queue: s.queue, sl_pct: s.windows.today.sl_pct, waiting_now: s.waiting_now,
      longest_current_wait_s: s.longest_current_wait_s, thresholds: ctx.definition(s.site, s.queue).settings.alerts,
    }));
    for (const a of evaluateAlerts(state.alerts, figs, d.alertRules, nowMs)) {
      d.bus.emit(kpiSubject(a.site), Buffer.from(JSON.stringify(a)));
      alertWrites.push(a);
      d.log.info({ alert_id: a.alert_id, state: a.state, queue: a.queue, metric: a.metric, threshold: a.threshold }, 'queue alert');
    }
    storeAlerts();
    withAlerts(snaps);
    const bySite = new Map<string, QueueSnapshot[]>();
    for (const snap of snaps) {
      const k = `${snap.site}\0${snap.queue}`;
      // A site-wide event (PAUSEALL, QUEUESTART) changes every queue of the site.
      if (changes.wholeSites.has(snap.site)) markChanged(changes.queues, k);
      if (takeDue(changes.queues, k, paceMs)) {
        let list = bySite.get(snap.site);
        if (!list) bySite.set(snap.site, (list = []));
        list.push(snap);
      }
    }
    changes.wholeSites.clear();
    for (const [site, queues] of bySite) {
      const msg: SnapshotMessage = { type: 'snapshots', site, queues };
      d.bus.emit(kpiSubject(site), Buffer.from(JSON.stringify(msg)));
    }
    for (const site of supervisorSites()) {
      if (takeDue(changes.sites, site, paceMs)) d.bus.emit(supervisorSubject(site), Buffer.from(JSON.stringify(supervisorView(site, nowMs))));
    }
    if (paceMs - lastHealthMono >= PROCESSOR_HEALTH_EVERY_MS) {
      lastHealthMono = paceMs;
      const msg: ProcessorHealthMessage = { type: 'processor_health', at_ms: nowMs, ...d.health() };
      d.bus.emit(PROCESSOR_HEALTH_SUBJECT, Buffer.from(JSON.stringify(msg)));
    }
  }

  function safeTick(): void {
    if (stopping) return;
    try {
      tick();
    } catch (err) {
      d.log.error({ err }, 'snapshot publishing failed');
    }
  }

  let wakeArmed = false;
  function wake(): void {
    const { queues, sites, wholeSites } = changes;
    if (wakeArmed || stopping || (queues.changed.size === 0 && wholeSites.size === 0 && sites.changed.size === 0)) return;
    const paceMs = d.mono();
    let wait = wholeSites.size > 0 ? 0 : d.minMs;
    for (const p of [sites, queues]) {
      for (const k of p.changed) {
        const last = p.last.get(k);
        wait = Math.min(wait, last === undefined ? 0 : Math.max(0, last + d.minMs - paceMs));
      }
    }
    wakeArmed = true;
    d.soon(Math.ceil(wait), () => {
      wakeArmed = false;
      safeTick();
      wake(); // queues changed but not due yet
    });
  }

  return {
    tick: safeTick,
    wake,
    latest: () => withAlerts(snapshots(d.now())),
    supervisor() {
      const nowMs = d.now();
      return supervisorSites().map((site) => supervisorView(site, nowMs));
    },
    alerts: () => activeAlerts(state.alerts),
    halt() {
      stopping = true;
    },
    async flushAlerts() {
      await alertWriter;
      storeAlerts();
      await alertWriter;
      if (alertWrites.length > 0) d.log.error({ unstored_alerts: alertWrites.length }, 'alerts lost at stop');
    },
  };
}
