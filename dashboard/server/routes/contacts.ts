// Contacts of other channels (issue 17) over HTTP: GET /api/contacts/kpis (the same rows as
// `tablero contacts --json`, kpi-definitions §15), the per-channel settings (GET/PUT
// /api/contacts/settings) and the channel systems' push (POST /ingest/contacts, source token).
// The figures are the processor's one read, injected as `deps.contacts`; this file checks roles
// and parameters and moves bytes.
import createError from '@fastify/error';
import { CONTACT_CHANNELS } from '@tablero/ingest/contract';
import { CONTACT_GROUPINGS, type ContactGrouping, type ContactKpiQuery, type ContactKpiRow, type ContactSettingsView } from '@tablero/processor/contract';
import type { App, AppContext } from '../context.ts';
import { noteAudit } from '../audit-trail.ts';
import { parseKpiQuery, rangeRejection } from '../core/kpi-query.ts';
import { ADMIN_ONLY, ALL_ROLES, SETTINGS_READERS } from '../core/roles.ts';
import { BadQueryError, IngestUnavailableError, SourceTokenError } from '../errors.ts';
import { decodeUtf8Body } from './ingest-encoding.ts';
import { useBoundedJsonParser } from './json-body.ts';

export const CONTACTS_BODY_LIMIT_BYTES = 8 * 1024 * 1024;

export const ContactsUnavailableError = createError('TABLERO_ERR_CONTACTS_UNAVAILABLE', 'contacts of other channels are not available in this process', 503);
export const ContactsFailedError = createError('TABLERO_ERR_CONTACTS', 'the contacts query failed', 500);
export const BadContactSettingsError = createError('TABLERO_ERR_BAD_CONTACT_SETTINGS', 'bad contact settings: %s', 400, undefined, false);
export const ContactsBodyError = createError('TABLERO_ERR_CONTACTS_BODY', '%s', 400, undefined, false);

export interface ContactPushResult {
  accepted: number;
  rejected: number;
  rejections: Array<{ line: number; reason: string }>;
}

/** What the composition root provides: the processor's contact read and settings, ingest's push. */
export interface ContactsPort {
  defaultSite: string;
  kpis(q: ContactKpiQuery): Promise<ContactKpiRow[]>;
  settings(site: string): Promise<ContactSettingsView>;
  saveSettings(v: { site: string; patch: unknown; validFromMs: number; createdBy: string; nowMs: number }): Promise<{ ok: true; version: number } | { ok: false; reason: string }>;
  /** Rejects with an error whose `code` starts with TABLERO_ERR_CONTACTS_ for a body refused whole. */
  push(req: { site: string; sourceName: string; body: unknown }): Promise<ContactPushResult>;
}

const KPI_PARAMS: ReadonlySet<string> = new Set(['from', 'to', 'by', 'tz', 'site']);

function siteParam(q: Record<string, unknown>, port: ContactsPort): string {
  const s = q['site'];
  if (s === undefined) return port.defaultSite;
  if (typeof s !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(s)) throw new BadQueryError('site', 'letters, digits, _ or -');
  return s;
}

export function contactRoutes(app: App, ctx: AppContext): void {
  const port = (): ContactsPort => {
    const p = ctx.deps.contacts;
    if (!p) throw new ContactsUnavailableError();
    return p;
  };

  // Counts per channel and period, no customer data: every logged-in role, like /api/kpis, and a
  // kiosk TV's wallboard (its channel tiles).
  app.get('/api/contacts/kpis', { config: { access: 'board' } }, async (req) => {
    const p = port();
    const { channel, by, ...rest } = req.query as Record<string, unknown>;
    const parsed = parseKpiQuery(rest, KPI_PARAMS);
    if (!parsed.ok) throw new BadQueryError(parsed.param, parsed.reason);
    const { from, to, tz, site } = parsed.value;
    const q: ContactKpiQuery = { from, to, ...(tz ? { tz } : {}), ...(site ? { site } : {}) };
    if (by !== undefined) {
      if (typeof by !== 'string' || !(CONTACT_GROUPINGS as readonly string[]).includes(by)) throw new BadQueryError('by', `one of ${CONTACT_GROUPINGS.join(', ')}`);
      q.by = by as ContactGrouping;
    }
    if (channel !== undefined) {
      const list = typeof channel === 'string' ? [channel] : channel;
      if (!Array.isArray(list) || list.some((c) => typeof c !== 'string' || !(CONTACT_CHANNELS as readonly string[]).includes(c))) {
        throw new BadQueryError('channel', `one or more of ${CONTACT_CHANNELS.join(', ')}`);
      }
      q.channels = [...new Set(list as string[])];
    }
    try {
      return await p.kpis(q);
    } catch (err) {
      const rejected = rangeRejection(err);
      if (rejected !== null) throw new BadQueryError('from/to', rejected);
      req.log.error({ err, from, to }, 'contacts query failed');
      throw new ContactsFailedError({ cause: err });
    }
  });

  app.get('/api/contacts/settings', { config: { access: SETTINGS_READERS } }, async (req) => {
    const p = port();
    const q = req.query as Record<string, unknown>;
    for (const k of Object.keys(q)) if (k !== 'site') throw new BadQueryError(k, 'unknown parameter');
    return p.settings(siteParam(q, p));
  });

  // Body: { "settings": { "<channel>": { "threshold_s", "basis", "strict" } }, "valid_from_ms"? }.
  app.put('/api/contacts/settings', { config: { access: ADMIN_ONLY, audit: { action: 'contact_settings_saved' } } }, async (req) => {
    const p = port();
    const q = req.query as Record<string, unknown>;
    for (const k of Object.keys(q)) if (k !== 'site') throw new BadQueryError(k, 'unknown parameter');
    const site = siteParam(q, p);
    const body = req.body as Record<string, unknown> | null;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new BadContactSettingsError('body must be {"settings": {...}}');
    for (const k of Object.keys(body)) if (k !== 'settings' && k !== 'valid_from_ms') throw new BadContactSettingsError(`unknown_field:${k}`);
    const vf = body['valid_from_ms'];
    if (vf !== undefined && (typeof vf !== 'number' || !Number.isInteger(vf) || vf < 0)) throw new BadContactSettingsError('bad_field:valid_from_ms');
    const by = req.session?.username ?? 'unknown';
    const now = ctx.now();
    noteAudit(req, { target: site, before: (await p.settings(site)).current });
    const r = await p.saveSettings({ site, patch: body['settings'], validFromMs: typeof vf === 'number' ? vf : now, createdBy: by, nowMs: now });
    if (!r.ok) throw new BadContactSettingsError(r.reason);
    req.log.info({ site, version: r.version, by }, 'contact settings saved');
    noteAudit(req, { facts: { version: r.version } });
    return { version: r.version, settings: await p.settings(site) };
  });

  // A channel system pushes contacts with its source token, as JSON ({"contacts": [...]} or an
  // array) or CSV text (text/csv, the import's columns); answered after the bus acknowledged them.
  void app.register(async (scope) => {
    useBoundedJsonParser(scope, CONTACTS_BODY_LIMIT_BYTES);
    // CSV as text/csv only (strict UTF-8 below); plain text is not a contacts body.
    scope.removeContentTypeParser('text/plain');
    scope.addContentTypeParser('text/csv', { parseAs: 'buffer', bodyLimit: CONTACTS_BODY_LIMIT_BYTES }, (_req, body, done) => {
      try {
        done(null, decodeUtf8Body(body));
      } catch (err) {
        done(err as Error, undefined);
      }
    });
    scope.post('/ingest/contacts', { config: { access: 'source' }, bodyLimit: CONTACTS_BODY_LIMIT_BYTES }, async (req) => {
      const source = req.source;
      if (!source) throw new SourceTokenError();
      const p = ctx.deps.contacts;
      if (!p) throw new IngestUnavailableError('contact ingest is not running in this process');
      try {
        return await p.push({ site: source.site, sourceName: source.name, body: req.body });
      } catch (err) {
        const code = typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : '';
        if (code.startsWith('TABLERO_ERR_CONTACTS_')) throw new ContactsBodyError((err as Error).message);
        req.log.warn({ err, site: source.site, source: source.name }, 'contact push not stored');
        throw new IngestUnavailableError('the contacts were not stored; send them again', { cause: err });
      }
    });
  });
}
