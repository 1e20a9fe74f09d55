// Outbound campaigns API (/api/campaigns*, issue 17): campaigns, contact-list and results
// imports, settings, figures and the consolidated results file, plus POST
// /ingest/campaign-results?campaign=ID for a client's system pushing results with a source
// token. The work is the processor's campaigns service (`deps.campaigns`); this file checks
// the request's shape and maps results to HTTP.
import createError from '@fastify/error';
import type { FastifyRequest } from 'fastify';
import { CAMPAIGN_FILE_FORMATS, type CampaignFileFormat, type CampaignsApi } from '@tablero/processor/contract';
import { CAMPAIGN_COORDINATORS, CAMPAIGN_SETTINGS_EDITORS } from '../core/roles.ts';
import type { App, AppContext } from '../context.ts';
import { BadQueryError, BadRequestError, SourceTokenError, UnauthenticatedError } from '../errors.ts';
import { importCounts, noteAudit } from '../audit-trail.ts';
import { textBodyScope } from './ingest-encoding.ts';
import { unwrapQa } from './qa.ts';

export const CampaignsUnavailableError = createError('TABLERO_ERR_CAMPAIGNS_UNAVAILABLE', 'campaigns are not available in this process', 503);

/** Contact lists and results files: up to 32 MiB of CSV (about 300,000 contacts). */
export const CAMPAIGN_BODY_LIMIT_BYTES = 32 * 1024 * 1024;

type Obj = Record<string, unknown>;

function username(req: FastifyRequest): string {
  if (!req.session) throw new UnauthenticatedError();
  return req.session.username;
}

function body(req: FastifyRequest): Obj {
  const b = req.body;
  if (typeof b !== 'object' || b === null || Array.isArray(b)) throw new BadRequestError('the body must be a JSON object');
  return b as Obj;
}

function csvOf(req: FastifyRequest): string {
  const csv = body(req)['csv'];
  if (typeof csv !== 'string' || csv.trim() === '') throw new BadRequestError('csv must be the file\'s text');
  return csv;
}

const id = (req: FastifyRequest): string => String((req.params as Obj)['id'] ?? '');

function qOne(req: FastifyRequest, key: string): string | undefined {
  const v = (req.query as Obj)[key];
  if (v === undefined || v === '') return undefined;
  if (typeof v !== 'string') throw new BadQueryError(key, 'give it once');
  return v;
}

export function campaignRoutes(app: App, ctx: AppContext): void {
  const api = (): CampaignsApi => {
    const c = ctx.deps.campaigns;
    if (!c) throw new CampaignsUnavailableError();
    return c;
  };
  const access = { config: { access: CAMPAIGN_COORDINATORS } };

  app.get('/api/campaigns/settings', access, async () => api().settings());
  app.put('/api/campaigns/settings', { config: { access: CAMPAIGN_SETTINGS_EDITORS, audit: { action: 'campaign_settings_saved' } } }, async (req) => {
    noteAudit(req, { target: 'campaigns', before: await api().settings() });
    return unwrapQa(await api().saveSettings(body(req), username(req)));
  });
  app.get('/api/campaigns', access, async () => api().list());
  app.post('/api/campaigns', { config: { access: CAMPAIGN_COORDINATORS, audit: { action: 'campaign_created' } } }, async (req) => {
    const c = unwrapQa(await api().create(body(req), username(req)));
    noteAudit(req, { target: c.campaign_id, after: c });
    return c;
  });
  app.get('/api/campaigns/:id', access, async (req) => unwrapQa(await api().detail(id(req))));
  app.put('/api/campaigns/:id', { config: { access: CAMPAIGN_COORDINATORS, audit: { action: 'campaign_changed' } } }, async (req) => {
    const before = await api().detail(id(req));
    if (before.ok) noteAudit(req, { before: before.value.campaign });
    const c = unwrapQa(await api().update(id(req), body(req), username(req)));
    noteAudit(req, { target: c.campaign_id, after: c });
    return c;
  });
  // Imports are recorded by their counts, not their text (a list may hold 300,000 contacts).
  app.post('/api/campaigns/:id/contacts', { config: { access: CAMPAIGN_COORDINATORS, audit: { action: 'campaign_contacts_imported' } }, bodyLimit: CAMPAIGN_BODY_LIMIT_BYTES }, async (req) => {
    const r = unwrapQa(await api().importContacts(id(req), csvOf(req)));
    noteAudit(req, { target: id(req), after: importCounts(r) });
    return r;
  });
  app.post('/api/campaigns/:id/results', { config: { access: CAMPAIGN_COORDINATORS, audit: { action: 'campaign_results_imported' } }, bodyLimit: CAMPAIGN_BODY_LIMIT_BYTES }, async (req) => {
    const r = unwrapQa(await api().importResults(id(req), csvOf(req), `user:${username(req)}`));
    noteAudit(req, { target: id(req), after: importCounts(r) });
    return r;
  });

  // The consolidated results file (`?format=csv|xlsx&lang=es|en&sep=;|,`).
  app.get('/api/campaigns/:id/file', access, async (req, reply) => {
    const format = qOne(req, 'format') ?? 'xlsx';
    if (!(CAMPAIGN_FILE_FORMATS as readonly string[]).includes(format)) throw new BadQueryError('format', `must be one of ${CAMPAIGN_FILE_FORMATS.join(', ')}`);
    const lang = qOne(req, 'lang') ?? req.session?.lang ?? 'es';
    if (lang !== 'es' && lang !== 'en') throw new BadQueryError('lang', 'must be es or en');
    const sep = qOne(req, 'sep') ?? ';';
    if (sep !== ';' && sep !== ',') throw new BadQueryError('sep', 'must be ; or ,');
    const f = unwrapQa(await api().file(id(req), { format: format as CampaignFileFormat, lang, sep }));
    req.log.info({ campaign: id(req), format, bytes: f.body.length, by: req.session?.username }, 'campaign results exported');
    return reply
      .header('content-type', f.content_type)
      // File names are ASCII by construction (prefix, slug, id); quoted for the header grammar.
      .header('content-disposition', `attachment; filename="${f.filename}"`)
      .header('cache-control', 'no-store')
      .send(f.body);
  });

  // Results pushed by a client's system: CSV text, the campaign named in the query.
  textBodyScope(app, CAMPAIGN_BODY_LIMIT_BYTES, (scope) => {
    scope.post('/ingest/campaign-results', { config: { access: 'source' }, bodyLimit: CAMPAIGN_BODY_LIMIT_BYTES }, async (req) => {
      const source = req.source;
      if (!source) throw new SourceTokenError();
      const campaign = qOne(req, 'campaign');
      if (campaign === undefined) throw new BadQueryError('campaign', 'name the campaign id');
      const text = typeof req.body === 'string' ? req.body : '';
      return unwrapQa(await api().importResults(campaign, text, `source:${source.name}`));
    });
  });
}
