// Live output: per tick, the snapshots of the sites whose pacing is due (kpi.queue.<site>: one
// message per site at most every minMs, with the queues changed since the site's previous one,
// and every queue at the heartbeat), the alert state changes at once (stored in the background,
// retried until stored), and the supervisor view of each site whose pacing is due
// (kpi.supervisor.<site>). Open calls gone stale (kpi-definitions §5) leave every live figure.
// A change publishes as soon as its site's pacing allows (at once after a quiet spell), not at
// the next tick.
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
import { alertInputs, buildSnapshots, pruneLive, type LiveContext, type SnapshotInputs } from '../core/live.ts';
import { takeDue, takeSiteDue, waitMs, type SiteDue } from '../core/pacing.ts';
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
  /** Arms a tick for when the earliest changed site is due (snapshots or supervisor view). */
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

  function liveInputs(nowMs: number): SnapshotInputs {
    const nowS = Math.floor(nowMs / 1000);
    pruneLive(state.live, ctx, nowS);
    const agentCounts = new Map<string, Map<string, AgentCounts>>();
    for (const site of state.agents.sites.keys()) agentCounts.set(site, agentCountsByQueue(state.agents, site, siteStaleKeys(state.stints, site, nowS, d.liveOpen)));
    const dataTs = new Map<string, number>();
    for (const [site, s] of state.stints.sites) dataTs.set(site, s.maxTs);
    return { live: state.live, ctx, open: liveQueueState(state.stints, nowS, d.liveOpen), agents: agentCounts, dataTs, nowMs };
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
    const inputs = liveInputs(nowMs);
    // Alerts first, so the snapshots of this tick already list them (late joiners see a raised
    // alert with the next snapshot of its queue, at the latest with the site's next heartbeat).
    // The alerts watch every queue at every tick; whole snapshots are built only for the queues
    // published (with 200 queues, building every snapshot every tick was two thirds of the CPU).
    const figs = alertInputs(inputs).map((f) => ({ ...f, thresholds: ctx.definition(f.site, f.queue).settings.alerts }));
    for (const a of evaluateAlerts(state.alerts, figs, d.alertRules, nowMs)) {
      d.bus.emit(kpiSubject(a.site), Buffer.from(JSON.stringify(a)));
      alertWrites.push(a);
      d.log.info({ alert_id: a.alert_id, state: a.state, queue: a.queue, metric: a.metric, threshold: a.threshold }, 'queue alert');
    }
    storeAlerts();
    // Sites with a change but no snapshot (yet) are taken too, so a change never stays pending.
    const due = new Map<string, SiteDue>();
    for (const site of [...new Set([...figs.map((f) => f.site), ...changes.queues.changed.keys()])].sort()) {
      const what = takeSiteDue(changes.queues, site, paceMs);
      if (what) due.set(site, what);
    }
    const bySite = new Map<string, QueueSnapshot[]>();
    const published = due.size === 0 ? [] : buildSnapshots(inputs, (site, queue) => {
      const what = due.get(site);
      return what !== undefined && (what.all || what.queues.has(queue));
    });
    for (const snap of withAlerts(published)) {
      let list = bySite.get(snap.site);
      if (!list) bySite.set(snap.site, (list = []));
      list.push(snap);
    }
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

  // One armed wake-up at a time: the earliest one needed. A change that needs an earlier one than
  // the armed one (a site's snapshots while the supervisor view waits out its longer pacing) arms
  // it, and the later one does nothing when it fires.
  let armedAt: number | null = null;
  let armedId = 0;
  function wake(): void {
    if (stopping) return;
    const paceMs = d.mono();
    const waits = [waitMs(changes.queues, paceMs), waitMs(changes.sites, paceMs)].filter((w): w is number => w !== null);
    if (waits.length === 0) return; // nothing changed
    const wait = Math.ceil(Math.min(...waits));
    if (armedAt !== null && armedAt <= paceMs + wait) return;
    armedAt = paceMs + wait;
    const id = ++armedId;
    d.soon(wait, () => {
      if (id !== armedId) return; // superseded by an earlier wake-up
      armedAt = null;
      safeTick();
      wake(); // sites changed but not due yet
    });
  }

  return {
    tick: safeTick,
    wake,
    latest: () => withAlerts(buildSnapshots(liveInputs(d.now()))),
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
