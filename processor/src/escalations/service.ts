// The escalation service: consumes ticket batches (and rejected CRM rows) from the CRM stream,
// stores them idempotently, keeps every ticket's events in memory, and on a clock tick publishes
// each site's live snapshot on kpi.escalations.<site> and an alert when a ticket becomes overdue.
//
// Invariants:
// - A batch is acknowledged (the handler resolves) only after its insert succeeded.
// - State = the set of distinct events per ticket; a ticket is folded again from its sorted
//   events whenever one arrives, so redelivery and out-of-order arrival change nothing.
// - "Now" comes from the injected clock (`now`), so tests move time instead of sleeping.
// - An overdue alert is raised once per (site, ticket, due date), remembered in
//   escalation_alerts across restarts. Tickets that were already overdue for longer than
//   `alertLookbackS` when first seen (history imports) are recorded without an alert.
import { CRM_DEAD_LETTER_SUBJECT_PREFIX, CRM_STREAM, CRM_STREAM_SPEC, ESCALATIONS_CONSUMER, TICKETS_SUBJECT_PREFIX, type DeadLetterBatch, type TicketBatch, type TicketEvent } from '@tablero/ingest/contract';
import type { ClickHouse } from '@tablero/sql';
import type { Logger } from 'pino';
import type { SiteCalendarSpec } from '../core/calendar.ts';
import { escalationsSubject, type EscalationOverdueAlert, type EscalationsSnapshot } from '../contract.ts';
import { loadCalendars } from '../store/settings-store.ts';
import { readMessage } from '../bus/bus.ts';
import type { EscalationsBus } from './bus.ts';
import { createEscalationModel, ageState, siteSnapshot, type EscalationModel } from './core/model.ts';
import { foldTicket, type TicketState } from './core/tickets.ts';
import { buildSnapshot } from './core/views.ts';
import { alertKey, insertCrmDeadLetters, insertRaisedAlerts, insertTicketEvents, loadEscalationSettings, loadRaisedAlerts, loadTicketEvents } from './store/ticket-store.ts';

export interface EscalationsOptions {
  /** Default site time zone. */
  tz: string;
  /** Site calendars given at start; stored calendar versions override them. */
  calendars?: Record<string, SiteCalendarSpec>;
  /** Clock tick (aging, alerts, publishing). Default 5000 ms: ages change only at business-day closes. */
  tickMs?: number;
  /** A snapshot is published when it changed, and at least this often. Default 30 s. */
  republishMs?: number;
  /** How often stored settings and calendars are read again. Default 60 s. */
  reloadMs?: number;
  /** See the header. Default one day. */
  alertLookbackS?: number;
}

export interface EscalationsDeps {
  bus: EscalationsBus;
  ch: ClickHouse;
  log: Logger;
  /** Epoch milliseconds; injectable for tests and for a fixed or offset clock. */
  now?: () => number;
}

export interface EscalationsService {
  stop(): Promise<void>;
  /** Settles when its consumption ends: resolves after stop(), rejects with the reason if it died. */
  done: Promise<void>;
  /** The snapshot of a site at the service's clock (computed now, also for a site without tickets). */
  snapshot(site: string): EscalationsSnapshot;
  /** Runs one tick at once (tests): publishes changed snapshots and raises due alerts. */
  tick(): Promise<void>;
}

export async function startEscalations(deps: EscalationsDeps, opts: EscalationsOptions): Promise<EscalationsService> {
  const { bus, ch, log } = deps;
  const now = deps.now ?? Date.now;
  const tickMs = opts.tickMs ?? 5000;
  const republishMs = opts.republishMs ?? 30_000;
  const reloadMs = opts.reloadMs ?? 60_000;
  const lookbackS = opts.alertLookbackS ?? 86_400;

  const loadModel = async (): Promise<EscalationModel> =>
    createEscalationModel({
      tz: opts.tz,
      calendars: { ...(opts.calendars ?? {}), ...(await loadCalendars(ch, now())) },
      settings: await loadEscalationSettings(ch, now()),
    });
  let model = await loadModel();
  let loadedAt = now();

  // site -> ticket -> (event_id -> event); states folded lazily when marked dirty.
  const events = new Map<string, Map<string, Map<string, TicketEvent>>>();
  const states = new Map<string, Map<string, TicketState>>();
  const add = (e: TicketEvent): void => {
    let site = events.get(e.site);
    if (!site) events.set(e.site, (site = new Map()));
    let t = site.get(e.ticket_id);
    if (!t) site.set(e.ticket_id, (t = new Map()));
    if (t.has(e.event_id)) return;
    t.set(e.event_id, e);
    let st = states.get(e.site);
    if (!st) states.set(e.site, (st = new Map()));
    st.set(e.ticket_id, foldTicket([...t.values()]));
  };
  const t0 = Date.now();
  const stored = await loadTicketEvents(ch);
  for (const e of stored) add(e);
  const raised = await loadRaisedAlerts(ch);
  log.info({ ticket_events: stored.length, alerts: raised.size, ms: Date.now() - t0 }, 'escalation state loaded');

  const counters = { batches: 0, events: 0, dead: 0, alerts: 0, bad_messages: 0 };

  async function handler(msg: { subject: string; data: Uint8Array; msgId: string }): Promise<void> {
    const read = readMessage(msg.data);
    if (!read.ok) {
      counters.bad_messages += 1;
      log.error({ subject: msg.subject, msg_id: msg.msgId, reason: read.reason }, 'unreadable message skipped');
      return;
    }
    const body = read.value;
    if (msg.subject.startsWith(`${TICKETS_SUBJECT_PREFIX}.`)) {
      const batch = body as TicketBatch;
      // Events already held (a re-import, the same events re-sent in another batch) are not
      // written again: the table stays exact even before ReplacingMergeTree merges. Memory is
      // updated only after the insert, so a retried batch filters and writes the same rows.
      const fresh = batch.events.filter((e) => !events.get(e.site)?.get(e.ticket_id)?.has(e.event_id));
      await insertTicketEvents(ch, fresh, `tickets:${batch.batch_id}`);
      for (const e of fresh) add(e);
      counters.batches += 1;
      counters.events += batch.events.length;
    } else if (msg.subject.startsWith(`${CRM_DEAD_LETTER_SUBJECT_PREFIX}.`)) {
      const batch = body as DeadLetterBatch;
      await insertCrmDeadLetters(ch, batch.dead, `crm-dead:${batch.batch_id}`);
      counters.dead += batch.dead.length;
    } else {
      counters.bad_messages += 1;
      log.warn({ subject: msg.subject, msg_id: msg.msgId }, 'message on an unknown subject skipped');
    }
  }

  const lastBody = new Map<string, string>();
  const lastSentMs = new Map<string, number>();
  let ticking: Promise<void> | null = null;

  function snapshot(site: string): EscalationsSnapshot {
    return siteSnapshot(model, site, [...(states.get(site)?.values() ?? [])], now());
  }

  async function runTick(): Promise<void> {
    const nowMs = now();
    if (nowMs - loadedAt >= reloadMs) {
      model = await loadModel();
      loadedAt = nowMs;
    }
    const nowS = Math.floor(nowMs / 1000);
    const fresh: Array<{ alert: EscalationOverdueAlert; silent: boolean }> = [];
    for (const [site, tickets] of states) {
      const aged = [...tickets.values()].filter((st) => st.closed_at === null).map((st) => ageState(model, st, nowS));
      const snap = buildSnapshot(site, model.tz(site), model.settings(site).due_soon_days, nowMs, aged);
      for (const a of aged) {
        if (!a.overdue || raised.has(alertKey(site, a.ticket_id, a.due_at))) continue;
        fresh.push({
          alert: { type: 'escalation_overdue', site, ticket_id: a.ticket_id, ticket_type: a.ticket_type, area: a.area, due_at: a.due_at, at_ms: nowMs },
          silent: nowS - a.due_at > lookbackS,
        });
      }
      // Compare without the timestamp: an unchanged picture is only re-sent every republishMs.
      const body = JSON.stringify({ ...snap, at_ms: 0 });
      const changed = lastBody.get(site) !== body;
      if (changed || nowMs - (lastSentMs.get(site) ?? Number.NEGATIVE_INFINITY) >= republishMs) {
        lastBody.set(site, body);
        lastSentMs.set(site, nowMs);
        bus.emit(escalationsSubject(site), Buffer.from(JSON.stringify(snap)));
      }
    }
    if (fresh.length > 0) {
      // Stored first: an alert that cannot be remembered is retried next tick, never lost.
      await insertRaisedAlerts(ch, fresh.map(({ alert: a }) => ({ site: a.site, ticket_id: a.ticket_id, due_at: a.due_at, area: a.area, ticket_type: a.ticket_type, alerted_at_ms: a.at_ms })));
      for (const { alert, silent } of fresh) {
        raised.add(alertKey(alert.site, alert.ticket_id, alert.due_at));
        if (silent) continue;
        counters.alerts += 1;
        bus.emit(escalationsSubject(alert.site), Buffer.from(JSON.stringify(alert)));
        log.info({ site: alert.site, ticket_id: alert.ticket_id, area: alert.area, due_at: alert.due_at }, 'ticket overdue');
      }
    }
  }

  const tick = (): Promise<void> => {
    // One tick at a time: a slow ClickHouse must not stack ticks up.
    ticking ??= runTick().finally(() => (ticking = null));
    return ticking;
  };

  await bus.ensureStream(CRM_STREAM_SPEC);
  const consumption = await bus.consume(
    { stream: CRM_STREAM, durable: ESCALATIONS_CONSUMER, maxAckPending: 1 },
    handler,
    (err, msg) => log.warn({ err, subject: msg.subject, msg_id: msg.msgId }, 'ticket batch not stored, will retry'),
  );
  const timer = setInterval(() => {
    tick().catch((err: unknown) => log.error({ err }, 'escalation tick failed'));
  }, tickMs);
  timer.unref();
  consumption.done.catch((err: unknown) => log.error({ err }, 'escalation consumption died'));
  log.info({ stream: CRM_STREAM, durable: ESCALATIONS_CONSUMER }, 'escalation service started');

  return {
    done: consumption.done,
    async stop() {
      clearInterval(timer);
      await consumption.stop();
      await ticking;
      log.info({ ...counters }, 'escalation service stopped');
    },
    snapshot,
    tick,
  };
}
