// Escalations (PQRSD tickets, issue #7) over HTTP: the live picture of open tickets, a ticket's
// timeline, the tickets of a call, monthly indicators, settings, and the CRM push of ticket
// events. The aging is the processor's, injected by the composition root as `deps.escalations`
// (the dashboard never imports processor internals); this file checks roles and parameters.
import createError from '@fastify/error';
import type { TicketEvent } from '@tablero/ingest/contract';
import type { EscalationMonthly, EscalationTicket, EscalationsSnapshot } from '@tablero/processor/contract';
import type { App, AppContext } from '../context.ts';
import { useBoundedJsonParser } from './json-body.ts';

export { JsonBoundsError } from './json-body.ts';
import { noteAudit } from '../audit-trail.ts';
import { MAX_MONTH_YEAR, MIN_MONTH_YEAR, monthProblem } from '../core/month.ts';
import { ADMIN_ONLY, ESCALATION_READERS, ESCALATION_SETTINGS_READERS } from '../core/roles.ts';
import { BadQueryError, IngestUnavailableError, NotFoundError, SourceTokenError } from '../errors.ts';

export const TICKETS_BODY_LIMIT_BYTES = 4 * 1024 * 1024;

export const EscalationsUnavailableError = createError('TABLERO_ERR_ESCALATIONS_UNAVAILABLE', 'escalations are not available in this process', 503);
export const EscalationsFailedError = createError('TABLERO_ERR_ESCALATIONS', 'the escalation query failed', 500);
export const BadSettingsError = createError('TABLERO_ERR_BAD_SETTINGS', 'bad escalation settings: %s', 400, undefined, false);
export const TicketsBodyError = createError('TABLERO_ERR_TICKETS_BODY', '%s', 400, undefined, false);

export interface TicketDetailView {
  ticket: EscalationTicket;
  events: TicketEvent[];
}

/** What the composition root provides (the processor's escalation API and ingest's ticket push). */
export interface EscalationsPort {
  defaultSite: string;
  sites(): Promise<string[]>;
  snapshot(site: string): Promise<EscalationsSnapshot>;
  ticket(site: string, ticketId: string): Promise<TicketDetailView | null>;
  byCall(callSite: string, callId: string): Promise<EscalationTicket[]>;
  monthly(site: string, month: string): Promise<EscalationMonthly>;
  settings(site: string): Promise<unknown>;
  saveSettings(site: string, patch: unknown, by: string): Promise<{ ok: true; version: number } | { ok: false; reason: string }>;
  /** National holidays of a country (CO, BO) and year; null for an unknown country. */
  holidays(country: string, year: number): Array<{ date: string; name: string }> | null;
  /**
   * Ticket events pushed by a CRM; resolves after the bus acknowledged them. Rejects with an
   * error whose `code` starts with `TABLERO_ERR_TICKETS_` when the body itself is unusable.
   */
  push?(req: { site: string; sourceName: string; body: unknown }): Promise<{ accepted: number; rejected: number; rejections: Array<{ line: number; reason: string }> }>;
}

const SITE = /^[A-Za-z0-9_-]{1,64}$/;

function param(q: Record<string, unknown>, name: string, allowed: readonly string[]): string | undefined {
  for (const k of Object.keys(q)) if (!allowed.includes(k)) throw new BadQueryError(k, 'unknown parameter');
  const v = q[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new BadQueryError(name, 'give it once');
  return v;
}

function siteOf(q: Record<string, unknown>, port: EscalationsPort, allowed: readonly string[]): string {
  const site = param(q, 'site', allowed) ?? port.defaultSite;
  if (!SITE.test(site)) throw new BadQueryError('site', 'letters, digits, _ or -');
  return site;
}

export function escalationRoutes(app: App, ctx: AppContext): void {
  const port = (): EscalationsPort => {
    const p = ctx.deps.escalations;
    if (!p) throw new EscalationsUnavailableError();
    return p;
  };
  // Query failures are logged here with their context and answered with a stable code.
  const guarded = async <T>(req: { log: App['log'] }, what: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      if (typeof err === 'object' && err !== null && 'statusCode' in err) throw err;
      req.log.error({ err, what }, 'escalation query failed');
      throw new EscalationsFailedError({ cause: err });
    }
  };

  app.get('/api/escalations', { config: { access: ESCALATION_READERS } }, async (req) => {
    const p = port();
    const site = siteOf(req.query as Record<string, unknown>, p, ['site']);
    return guarded(req, 'snapshot', () => p.snapshot(site));
  });

  app.get('/api/escalations/sites', { config: { access: ESCALATION_READERS } }, async (req) => {
    const p = port();
    return guarded(req, 'sites', async () => ({ default_site: p.defaultSite, sites: await p.sites() }));
  });

  app.get<{ Params: { id: string } }>('/api/escalations/tickets/:id', { config: { access: ESCALATION_READERS } }, async (req) => {
    const p = port();
    const site = siteOf(req.query as Record<string, unknown>, p, ['site']);
    const id = req.params.id;
    if (id.length === 0 || id.length > 100) throw new BadQueryError('id', '1-100 characters');
    const found = await guarded(req, 'ticket', () => p.ticket(site, id));
    if (!found) throw new NotFoundError(`ticket ${id}`);
    return found;
  });

  app.get('/api/escalations/by-call', { config: { access: ESCALATION_READERS } }, async (req) => {
    const p = port();
    const q = req.query as Record<string, unknown>;
    const site = siteOf(q, p, ['site', 'callid']);
    const callid = param(q, 'callid', ['site', 'callid']);
    if (callid === undefined || callid.length === 0 || callid.length > 200) throw new BadQueryError('callid', 'required, 1-200 characters');
    return guarded(req, 'by-call', () => p.byCall(site, callid));
  });

  app.get('/api/escalations/monthly', { config: { access: ESCALATION_READERS } }, async (req) => {
    const p = port();
    const q = req.query as Record<string, unknown>;
    const site = siteOf(q, p, ['site', 'month']);
    const month = param(q, 'month', ['site', 'month']);
    const bad = month === undefined ? 'must be YYYY-MM' : monthProblem(month);
    if (month === undefined || bad !== null) throw new BadQueryError('month', bad ?? '');
    return guarded(req, 'monthly', () => p.monthly(site, month));
  });

  app.get('/api/escalations/settings', { config: { access: ESCALATION_SETTINGS_READERS } }, async (req) => {
    const p = port();
    const site = siteOf(req.query as Record<string, unknown>, p, ['site']);
    return guarded(req, 'settings', () => p.settings(site));
  });

  app.put('/api/escalations/settings', { config: { access: ADMIN_ONLY, audit: { action: 'escalation_settings_saved' } } }, async (req) => {
    const p = port();
    const site = siteOf(req.query as Record<string, unknown>, p, ['site']);
    noteAudit(req, { target: site, before: await guarded(req, 'settings', () => p.settings(site)) });
    const by = req.session?.username ?? 'unknown';
    const r = await guarded(req, 'save-settings', () => p.saveSettings(site, req.body, by));
    if (!r.ok) throw new BadSettingsError(r.reason);
    req.log.info({ site, version: r.version, by }, 'escalation settings saved');
    noteAudit(req, { facts: { version: r.version } });
    return { version: r.version, settings: await guarded(req, 'settings', () => p.settings(site)) };
  });

  // Bundled national holidays, for admins filling a site calendar's holiday list.
  app.get('/api/escalations/holidays', { config: { access: ESCALATION_SETTINGS_READERS } }, async (req) => {
    const p = port();
    const q = req.query as Record<string, unknown>;
    const country = param(q, 'country', ['country', 'year']);
    const yearText = param(q, 'year', ['country', 'year']);
    if (yearText === undefined || !/^\d{4}$/.test(yearText)) throw new BadQueryError('year', 'YYYY');
    const year = Number(yearText);
    if (year < MIN_MONTH_YEAR || year > MAX_MONTH_YEAR) throw new BadQueryError('year', `a year from ${MIN_MONTH_YEAR} to ${MAX_MONTH_YEAR}`);
    const list = p.holidays(country ?? '', year);
    if (list === null) throw new BadQueryError('country', 'CO or BO');
    return list;
  });

  // A CRM pushes JSON ticket events with its source token; answered after the bus acknowledged them.
  // Encapsulated: the body's shape is bounded before it is parsed (a body nested 100,000 deep
  // can never succeed, so it is a 400, not a 503 "send them again").
  void app.register(async (scope) => {
    useBoundedJsonParser(scope, TICKETS_BODY_LIMIT_BYTES);
    scope.post('/ingest/tickets', { config: { access: 'source' }, bodyLimit: TICKETS_BODY_LIMIT_BYTES }, async (req) => {
      const source = req.source;
      if (!source) throw new SourceTokenError();
      const push = ctx.deps.escalations?.push;
      if (!push) throw new IngestUnavailableError('ticket ingest is not running in this process');
      try {
        return await push({ site: source.site, sourceName: source.name, body: req.body });
      } catch (err) {
        const code = typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : '';
        if (code.startsWith('TABLERO_ERR_TICKETS_')) throw new TicketsBodyError((err as Error).message);
        req.log.warn({ err, site: source.site, source: source.name }, 'ticket push not stored');
        throw new IngestUnavailableError('the ticket events were not stored; send them again', { cause: err });
      }
    });
  });
}
