// Read side for the dashboard, the CLI and the monthly report: stored ticket events folded and
// aged with the settings and calendars in force. Reads ClickHouse only, so it works in a
// dashboard process apart from the processor.
import type { TicketEvent } from '@tablero/ingest/contract';
import type { ClickHouse } from '@tablero/sql';
import type { SiteCalendarSpec } from '../core/calendar.ts';
import type { EscalationMonthly, EscalationTicket, EscalationsSnapshot } from '../contract.ts';
import { loadCalendars } from '../store/settings-store.ts';
import { ageState, createEscalationModel, foldAll, siteMonthly, siteSnapshot, type EscalationModel } from './core/model.ts';
import { foldTicket } from './core/tickets.ts';
import type { EscalationSettings } from './core/settings.ts';
import { loadEscalationSettings, loadTicketEvents, loadTicketEventsByCall, loadTicketEventsOf } from './store/ticket-store.ts';

export interface EscalationQueryOptions {
  /** Default site time zone. */
  tz: string;
  /** Calendars given at start; stored calendar versions override them. */
  calendars?: Record<string, SiteCalendarSpec>;
}

export async function escalationModelAt(ch: ClickHouse, opts: EscalationQueryOptions, atMs: number): Promise<EscalationModel> {
  return createEscalationModel({
    tz: opts.tz,
    calendars: { ...(opts.calendars ?? {}), ...(await loadCalendars(ch, atMs)) },
    settings: await loadEscalationSettings(ch, atMs),
  });
}

export async function queryEscalationSnapshot(ch: ClickHouse, opts: EscalationQueryOptions, site: string, nowMs: number): Promise<EscalationsSnapshot> {
  const [model, events] = await Promise.all([escalationModelAt(ch, opts, nowMs), loadTicketEvents(ch, site)]);
  return siteSnapshot(model, site, foldAll(events), nowMs);
}

export interface TicketDetail {
  ticket: EscalationTicket;
  /** The timeline: distinct events in order. */
  events: TicketEvent[];
}

export async function queryEscalationTicket(ch: ClickHouse, opts: EscalationQueryOptions, site: string, ticketId: string, nowMs: number): Promise<TicketDetail | null> {
  const [model, events] = await Promise.all([escalationModelAt(ch, opts, nowMs), loadTicketEventsOf(ch, site, ticketId)]);
  if (events.length === 0) return null;
  const st = foldTicket(events);
  return { ticket: ageState(model, st, Math.floor(nowMs / 1000)), events: st.events };
}

/** The tickets that came from a call (the call -> ticket direction of the link). */
export async function queryEscalationsByCall(ch: ClickHouse, opts: EscalationQueryOptions, callSite: string, callId: string, nowMs: number): Promise<EscalationTicket[]> {
  const [model, events] = await Promise.all([escalationModelAt(ch, opts, nowMs), loadTicketEventsByCall(ch, callSite, callId)]);
  const nowS = Math.floor(nowMs / 1000);
  return foldAll(events).map((st) => ageState(model, st, nowS));
}

/**
 * Monthly escalation indicators of a site (kpi-definitions §8): on-time rate per area and type,
 * average business days to answer, ATL. For the monthly report's escalations sheet. Terms and
 * calendars are those in force at `atMs` (default now).
 */
export async function queryEscalationMonthly(ch: ClickHouse, opts: EscalationQueryOptions, site: string, month: string, atMs: number = Date.now()): Promise<EscalationMonthly> {
  const [model, events] = await Promise.all([escalationModelAt(ch, opts, atMs), loadTicketEvents(ch, site)]);
  return siteMonthly(model, site, month, events);
}

export async function queryEscalationSettings(ch: ClickHouse, opts: EscalationQueryOptions, site: string, atMs: number): Promise<EscalationSettings & { tz: string }> {
  const model = await escalationModelAt(ch, opts, atMs);
  return { ...model.settings(site), tz: model.tz(site) };
}
