// KPI definition settings and site calendars (the processor's versioned settings, reached through
// injected functions): GET /api/settings (admin, manager: read; queue and calendar versions), POST /api/settings/queues and
// POST /api/settings/calendars (admin: each save is a new version, valid from a given time).
import { ADMIN_ONLY, SETTINGS_READERS } from '../core/roles.ts';
import type { App, AppContext } from '../context.ts';
import { noteAudit } from '../audit-trail.ts';
import { BadRequestError, SettingsUnavailableError, UnauthenticatedError, withDetails, type ErrorDetails } from '../errors.ts';
import type { SaveResult, SettingsDeps } from '../types.ts';

const NAME = { type: 'string', maxLength: 128 } as const;
const VALID_FROM = { type: 'integer', minimum: 0 } as const;

/**
 * The refusal of a save as a reason code (and the field or value it names) the page words in the
 * user's language; the message stays the store's English text for logs and scripts.
 */
export function refusalDetails(message: string): ErrorDetails {
  const field = /(bad_field|unknown_field):(\S+)/.exec(message);
  if (field) return { reason: field[1] as string, field: field[2] as string };
  const time = /^bad time weekly\[(\d)\]\[\d+\]\.(?:from|to): (.*)$/.exec(message);
  if (time) return { reason: 'bad_time', day: Number(time[1]), value: time[2] as string };
  const empty = /^empty range weekly\[(\d)\]\[\d+\]: (.*)$/.exec(message);
  if (empty) return { reason: 'empty_range', day: Number(empty[1]), value: empty[2] as string };
  const holiday = /^bad holiday date: (.*)$/.exec(message);
  if (holiday) return { reason: 'bad_holiday', value: holiday[1] as string };
  if (/time zone/i.test(message)) return { reason: 'bad_tz' };
  return { reason: 'invalid' };
}

export function settingsRoutes(app: App, ctx: AppContext): void {
  const deps = (): SettingsDeps => {
    const s = ctx.deps.settings;
    if (!s) throw new SettingsUnavailableError();
    return s;
  };
  const saved = (r: SaveResult): { version: number } => {
    if (!r.ok) throw withDetails(new BadRequestError(r.reason), refusalDetails(r.reason));
    return { version: r.version };
  };

  app.get('/api/settings', { config: { access: SETTINGS_READERS } }, async () => {
    const s = deps();
    const now = ctx.now();
    const [versions, calendars, calendarVersions] = await Promise.all([s.list(), s.calendars(now), s.calendarVersions()]);
    return { defaults: s.defaults, versions, calendars, calendar_versions: calendarVersions, tz: ctx.opts.siteTz ?? 'UTC' };
  });

  app.post<{ Body: { site: string; queue: string; patch: Record<string, unknown>; valid_from_ms?: number } }>(
    '/api/settings/queues',
    {
      config: { access: ADMIN_ONLY, audit: { action: 'settings_saved' } },
      schema: {
        body: {
          type: 'object',
          required: ['site', 'queue', 'patch'],
          additionalProperties: false,
          properties: { site: { ...NAME, minLength: 1 }, queue: NAME, patch: { type: 'object' }, valid_from_ms: VALID_FROM },
        },
      },
    },
    async (req, reply) => {
      const by = req.session?.username;
      if (by === undefined) throw new UnauthenticatedError();
      const now = ctx.now();
      const { site, queue, patch } = req.body;
      // The newest stored version of the same queue (or site defaults) is what this one follows.
      const prev = (await deps().list()).filter((v) => v.site === site && v.queue === queue).sort((x, y) => y.version - x.version)[0];
      noteAudit(req, { target: queue === '' ? site : `${site}/${queue}`, before: prev ? { version: prev.version, valid_from_ms: prev.valid_from_ms, patch: prev.patch } : null });
      const r = saved(await deps().save({ site, queue, patch, validFromMs: req.body.valid_from_ms ?? now, createdBy: by, nowMs: now }));
      req.log.info({ site, queue, version: r.version, by }, 'settings version saved');
      noteAudit(req, { facts: { version: r.version } });
      return reply.code(201).send(r);
    },
  );

  app.post<{ Body: { site: string; spec: Record<string, unknown>; valid_from_ms?: number } }>(
    '/api/settings/calendars',
    {
      config: { access: ADMIN_ONLY, audit: { action: 'calendar_saved' } },
      schema: {
        body: {
          type: 'object',
          required: ['site', 'spec'],
          additionalProperties: false,
          properties: { site: { ...NAME, minLength: 1 }, spec: { type: 'object' }, valid_from_ms: VALID_FROM },
        },
      },
    },
    async (req, reply) => {
      const by = req.session?.username;
      if (by === undefined) throw new UnauthenticatedError();
      const now = ctx.now();
      const { site, spec } = req.body;
      const prev = (await deps().calendarVersions()).filter((v) => v.site === site).sort((x, y) => y.version - x.version)[0];
      noteAudit(req, { target: site, before: prev ? { version: prev.version, valid_from_ms: prev.valid_from_ms, spec: prev.spec } : null });
      const r = saved(await deps().saveCalendar({ site, spec, validFromMs: req.body.valid_from_ms ?? now, createdBy: by, nowMs: now }));
      req.log.info({ site, version: r.version, by }, 'calendar version saved');
      noteAudit(req, { facts: { version: r.version } });
      return reply.code(201).send(r);
    },
  );
}
