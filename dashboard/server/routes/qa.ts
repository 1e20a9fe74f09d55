// Quality monitoring API (/api/qa/*, issue #8): forms, call search, samples, evaluations,
// agents' results, calibration sessions, surveys, the monthly quality report, teams and settings,
// plus POST /ingest/surveys for survey answers pushed by a source. The work is done by the
// processor's quality service, injected as `deps.quality`; this file checks the shape of the
// request, names the viewer and maps results to HTTP. (The data-quality page is routes/quality.ts.)
import createError from '@fastify/error';
import type { FastifyRequest } from 'fastify';
import type { QaMonthlyReport, QaResult, QaViewer, QualityApi } from '@tablero/processor/contract';
import { monthProblem } from '../core/month.ts';
import { QA_COORDINATORS, QA_READERS, QA_REPORT_DOWNLOADERS, QA_SCORERS, QA_SETTINGS_EDITORS, QA_TEAM_EDITORS, TRAINING_EDITORS, qaVisibility } from '../core/roles.ts';
import type { App, AppContext } from '../context.ts';
import { BadQueryError, BadRequestError, IngestUnavailableError, NotFoundError, SourceTokenError, UnauthenticatedError } from '../errors.ts';
import { decodeUtf8Body } from './ingest-encoding.ts';
import { importCounts, noteAudit } from '../audit-trail.ts';
import { textBodyScope } from './ingest-encoding.ts';

export const QaUnavailableError = createError('TABLERO_ERR_QA_UNAVAILABLE', 'quality monitoring is not available in this process', 503);
export const QaInvalidError = createError('TABLERO_ERR_QA_INVALID', '%s', 400, undefined, false);
export const QaForbiddenError = createError('TABLERO_ERR_FORBIDDEN', '%s', 403, undefined, false);
export const QaConflictError = createError('TABLERO_ERR_QA_CONFLICT', '%s', 409, undefined, false);

export const QA_REPORT_FORMATS = ['xlsx', 'pdf'] as const;
export type QaReportFormat = (typeof QA_REPORT_FORMATS)[number];

/** The processor's report writers for the monthly quality report (injected as `deps.qualityReports`). */
export interface QualityReportsPort {
  render(report: QaMonthlyReport, o: { format: QaReportFormat; lang: 'es' | 'en'; nowMs: number }): Promise<{ filename: string; content_type: string; body: Buffer }>;
}
export const QaReportFailedError = createError('TABLERO_ERR_EXPORT', 'the export failed', 500);

/** What the survey push needs from ingest (injected as `deps.pushSurveys`). */
export interface SurveyPushRequest {
  site: string;
  sourceName: string;
  body: string;
}
export type SurveyPush = (req: SurveyPushRequest) => Promise<{ accepted: number; rejected: number }>;

export const SURVEY_BODY_LIMIT_BYTES = 4 * 1024 * 1024;

function viewer(req: FastifyRequest): QaViewer {
  const s = req.session;
  if (!s) throw new UnauthenticatedError();
  return { username: s.username, sees: qaVisibility(s.role) };
}

/** `form_id/vN` of a published form version (the audit's target). */
function formTarget(f: { form_id: string; version: number }): string {
  return `${f.form_id}/v${f.version}`;
}

/** A service result as its value, or the HTTP error of its failure (also the campaigns routes'). */
export function unwrapQa<T>(r: QaResult<T>): T {
  if (r.ok) return r.value;
  switch (r.error) {
    case 'invalid':
      throw new QaInvalidError(r.reason);
    case 'not_found':
      throw new NotFoundError(r.reason);
    case 'forbidden':
      throw new QaForbiddenError(r.reason);
    case 'conflict':
      throw new QaConflictError(r.reason);
  }
}

type Obj = Record<string, unknown>;
function body(req: FastifyRequest): Obj {
  const b = req.body;
  if (typeof b !== 'object' || b === null || Array.isArray(b)) throw new BadRequestError('the body must be a JSON object');
  return b as Obj;
}
function query(req: FastifyRequest): Obj {
  return req.query as Obj;
}
function param(req: FastifyRequest, name: string): string {
  return String((req.params as Obj)[name] ?? '');
}

function optString(o: Obj, key: string): string | undefined {
  const v = o[key];
  if (v === undefined || v === '') return undefined;
  if (typeof v !== 'string' || v.length > 200) throw new QaInvalidError(`${key} must be text`);
  return v;
}

function optInt(o: Obj, key: string, min: number, max: number): number | undefined {
  const v = o[key];
  if (v === undefined || v === '') return undefined;
  const n = typeof v === 'string' && /^-?\d{1,16}$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) throw new QaInvalidError(`${key} must be a whole number from ${min} to ${max}`);
  return n;
}

// Query parameters: every bad one answers 400 TABLERO_ERR_BAD_QUERY naming it (kpi-definitions §11).
function qString(q: Obj, key: string): string | undefined {
  const v = q[key];
  if (v === undefined || v === '') return undefined;
  if (typeof v !== 'string') throw new BadQueryError(key, 'give it once');
  if (v.length > 200) throw new BadQueryError(key, 'at most 200 characters');
  return v;
}

function qInt(q: Obj, key: string, min: number, max: number): number | undefined {
  const v = qString(q, key);
  if (v === undefined) return undefined;
  const n = /^-?\d{1,16}$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) throw new BadQueryError(key, `must be a whole number from ${min} to ${max}`);
  return n;
}

function qMonth(q: Obj): string {
  const month = qString(q, 'month') ?? '';
  const bad = month === '' ? null : monthProblem(month);
  if (bad !== null) throw new BadQueryError('month', bad);
  return month;
}

const MAX_DATETIME_S = 4_294_967_295;

/** A month the API takes (core/month.ts), else a 400. An empty month is left to the service. */
function plausibleMonth(month: string): string {
  const bad = month === '' ? null : monthProblem(month);
  if (bad !== null) throw new QaInvalidError(`month ${bad}`);
  return month;
}

/** `month=YYYY-MM`, or `from` and `to` in epoch seconds. */
function range(qa: QualityApi, q: Obj): { from_s: number; to_s: number } {
  const month = qMonth(q);
  if (month !== '') {
    const r = qa.monthRange(month);
    if (!r) throw new BadQueryError('month', 'must be YYYY-MM');
    return r;
  }
  // Epoch seconds that ClickHouse's DateTime holds (1970 to 2105).
  const from = qInt(q, 'from', 0, MAX_DATETIME_S);
  const to = qInt(q, 'to', 0, MAX_DATETIME_S);
  if (from === undefined) throw new BadQueryError('from', 'give month=YYYY-MM, or from and to in epoch seconds');
  if (to === undefined) throw new BadQueryError('to', 'give month=YYYY-MM, or from and to in epoch seconds');
  if (to <= from) throw new BadQueryError('to', 'must be after from');
  return { from_s: from, to_s: to };
}

/** The current month in the server's clock (UTC is close enough to pick a default month). */
function monthNow(ctx: AppContext): string {
  return new Date(ctx.now()).toISOString().slice(0, 7);
}

export function qaRoutes(app: App, ctx: AppContext): void {
  const qa = (): QualityApi => {
    const q = ctx.deps.quality;
    if (!q) throw new QaUnavailableError();
    return q;
  };

  app.get('/api/qa/settings', { config: { access: QA_COORDINATORS } }, async () => qa().settings());
  app.put('/api/qa/settings', { config: { access: QA_SETTINGS_EDITORS, audit: { action: 'qa_settings_saved' } } }, async (req) => {
    noteAudit(req, { target: 'qa', before: await qa().settings() });
    return unwrapQa(await qa().saveSettings(body(req), viewer(req)));
  });

  app.get('/api/qa/teams', { config: { access: QA_TEAM_EDITORS } }, async () => qa().teams());
  app.put('/api/qa/teams', { config: { access: QA_TEAM_EDITORS, audit: { action: 'qa_teams_saved' } } }, async (req) => {
    noteAudit(req, { target: 'teams', before: await qa().teams() });
    return unwrapQa(await qa().saveTeams(body(req)['members'], viewer(req)));
  });

  app.get('/api/qa/forms', { config: { access: QA_READERS } }, async () => qa().listForms());
  app.get('/api/qa/forms/:formId/versions', { config: { access: QA_READERS } }, async (req) => {
    const versions = await qa().formVersions(param(req, 'formId'));
    if (versions.length === 0) throw new NotFoundError(`form ${param(req, 'formId')}`);
    return versions;
  });
  // The running score while scoring: answers so far on one form version; nothing is stored.
  app.post('/api/qa/forms/:formId/versions/:version/score', { config: { access: QA_READERS, audit: { exempt: 'a running score preview: nothing is stored' } } }, async (req) => {
    const version = Number(param(req, 'version'));
    if (!/^\d{1,9}$/.test(param(req, 'version')) || version < 1) throw new BadQueryError('version', 'must be a whole number from 1');
    return unwrapQa(await qa().previewScore(param(req, 'formId'), version, body(req)['answers']));
  });
  app.post('/api/qa/forms', { config: { access: QA_COORDINATORS, audit: { action: 'qa_form_published' } } }, async (req) => {
    const r = unwrapQa(await qa().publishForm({ spec: body(req)['spec'] }, viewer(req)));
    noteAudit(req, { target: formTarget(r) });
    return r;
  });
  app.post('/api/qa/forms/:formId/versions', { config: { access: QA_COORDINATORS, audit: { action: 'qa_form_version_published' } } }, async (req) => {
    const r = unwrapQa(await qa().publishForm({ form_id: param(req, 'formId'), spec: body(req)['spec'] }, viewer(req)));
    noteAudit(req, { target: formTarget(r) });
    return r;
  });

  app.get('/api/qa/calls', { config: { access: QA_READERS } }, async (req) => {
    const q = query(req);
    const r = range(qa(), q);
    const agent = qString(q, 'agent');
    const queue = qString(q, 'queue');
    const limit = qInt(q, 'limit', 1, 500);
    return qa().searchCalls({ ...r, ...(agent === undefined ? {} : { agent }), ...(queue === undefined ? {} : { queue }), ...(limit === undefined ? {} : { limit }) }, viewer(req));
  });
  app.get('/api/qa/calls/:callid', { config: { access: QA_READERS } }, async (req) => {
    const call = await qa().call(param(req, 'callid'), qString(query(req), 'site') ?? null, viewer(req));
    if (!call) throw new NotFoundError(`answered call ${param(req, 'callid')}`);
    return call;
  });

  app.post('/api/qa/samples', { config: { access: QA_COORDINATORS, audit: { action: 'qa_sample_drawn' } } }, async (req) => {
    const b = body(req);
    const month = plausibleMonth(optString(b, 'month') ?? '');
    noteAudit(req, { target: month });
    const seed = optInt(b, 'seed', 0, 2 ** 32 - 1);
    const target = optInt(b, 'target_per_agent', 1, 1000);
    const targets = b['targets'];
    if (targets !== undefined && (typeof targets !== 'object' || targets === null || Array.isArray(targets))) throw new QaInvalidError('targets must be an object of agent -> target');
    return unwrapQa(
      await qa().drawSample(
        { month, ...(seed === undefined ? {} : { seed }), ...(target === undefined ? {} : { target_per_agent: target }), ...(targets === undefined ? {} : { targets: targets as Record<string, number> }) },
        viewer(req),
      ),
    );
  });
  // A month with no sample drawn yet is a normal state the sampling screen opens on: 200 with
  // `null`, not a 404 that every browser logs as a failed request.
  app.get('/api/qa/samples/:month', { config: { access: QA_READERS } }, async (req, reply) => {
    const s = unwrapQa(await qa().sample(plausibleMonth(param(req, 'month')), viewer(req)));
    return s ?? reply.type('application/json').send('null');
  });

  app.post('/api/qa/evaluations', { config: { access: QA_SCORERS, audit: { action: 'qa_evaluation_submitted' } } }, async (req) => {
    const b = body(req);
    const site = optString(b, 'site');
    const comment = b['comment'];
    const e = unwrapQa(
      await qa().submitEvaluation(
        { callid: optString(b, 'callid') ?? '', form_id: optString(b, 'form_id') ?? '', answers: b['answers'], ...(site === undefined ? {} : { site }), ...(typeof comment === 'string' ? { comment } : {}) },
        viewer(req),
      ),
    );
    noteAudit(req, { target: e.evaluation_id, facts: { version: e.version } });
    return e;
  });
  app.put('/api/qa/evaluations/:id', { config: { access: QA_SCORERS, audit: { action: 'qa_evaluation_edited' } } }, async (req) => {
    const b = body(req);
    noteAudit(req, { before: await qa().evaluationHistory(param(req, 'id'), viewer(req)).then((h) => (h.ok ? h.value : null)) });
    const comment = b['comment'];
    const e = unwrapQa(await qa().editEvaluation(param(req, 'id'), { answers: b['answers'], ...(typeof comment === 'string' ? { comment } : {}) }, viewer(req)));
    noteAudit(req, { after: e, facts: { version: e.version } });
    return e;
  });
  app.get('/api/qa/evaluations/:id', { config: { access: QA_READERS } }, async (req) => unwrapQa(await qa().evaluationHistory(param(req, 'id'), viewer(req))));

  app.get('/api/qa/agents/:agent/results', { config: { access: QA_READERS } }, async (req) =>
    unwrapQa(await qa().agentResults(param(req, 'agent'), range(qa(), query(req)), viewer(req))),
  );

  app.get('/api/qa/calibrations', { config: { access: QA_COORDINATORS } }, async (req) => qa().listSessions(viewer(req)));
  app.post('/api/qa/calibrations', { config: { access: QA_COORDINATORS, audit: { action: 'qa_calibration_created' } } }, async (req) => {
    const b = body(req);
    const ref = b['reference_analyst'];
    if (ref !== null && ref !== undefined && typeof ref !== 'string') throw new QaInvalidError('reference_analyst must be a username or null');
    const title = optString(b, 'title');
    const site = optString(b, 'site');
    const tolerance = b['tolerance'];
    if (tolerance !== undefined && typeof tolerance !== 'number') throw new QaInvalidError('tolerance must be a number');
    const deadline = b['deadline_ms'];
    if (typeof deadline !== 'number') throw new QaInvalidError('deadline_ms must be epoch milliseconds');
    const cs = unwrapQa(
      await qa().createSession(
        {
          callid: optString(b, 'callid') ?? '',
          form_id: optString(b, 'form_id') ?? '',
          analysts: b['analysts'],
          reference_analyst: typeof ref === 'string' && ref !== '' ? ref : null,
          deadline_ms: deadline,
          ...(title === undefined ? {} : { title }),
          ...(site === undefined ? {} : { site }),
          ...(tolerance === undefined ? {} : { tolerance }),
        },
        viewer(req),
      ),
    );
    noteAudit(req, { target: cs.session_id });
    return cs;
  });
  app.get('/api/qa/calibrations/:id', { config: { access: QA_COORDINATORS } }, async (req) => unwrapQa(await qa().session(param(req, 'id'), viewer(req))));
  app.post('/api/qa/calibrations/:id/evaluations', { config: { access: QA_COORDINATORS, audit: { action: 'qa_calibration_scored' } } }, async (req) => {
    const b = body(req);
    const comment = b['comment'];
    return unwrapQa(await qa().submitCalibration(param(req, 'id'), { answers: b['answers'], ...(typeof comment === 'string' ? { comment } : {}) }, viewer(req)));
  });
  app.get('/api/qa/calibration-history', { config: { access: QA_COORDINATORS } }, async () => qa().analystHistory());

  app.get('/api/qa/surveys', { config: { access: QA_READERS } }, async (req) => qa().surveys(range(qa(), query(req)), viewer(req)));
  app.get('/api/qa/report', { config: { access: QA_READERS } }, async (req) => unwrapQa(await qa().monthlyReport(qMonth(query(req)), viewer(req))));

  // Training / knowledge tests (kpi-definitions §17): the month's figures, one result, a CSV of them.
  app.get('/api/qa/training', { config: { access: QA_READERS } }, async (req) => unwrapQa(await qa().trainingMonth(qMonth(query(req)) || monthNow(ctx), viewer(req))));
  app.post('/api/qa/training', { config: { access: TRAINING_EDITORS, audit: { action: 'training_score_saved' } } }, async (req) => {
    const t = unwrapQa(await qa().saveTrainingScore(body(req), viewer(req)));
    noteAudit(req, { target: `${t.agent}/${t.test}/${t.date}`, after: t });
    return t;
  });
  app.post('/api/qa/training/import', { config: { access: TRAINING_EDITORS, audit: { action: 'training_scores_imported' } }, bodyLimit: SURVEY_BODY_LIMIT_BYTES }, async (req) => {
    const csv = body(req)['csv'];
    if (typeof csv !== 'string' || csv.trim() === '') throw new BadRequestError("csv must be the file's text");
    const r = unwrapQa(await qa().importTraining(csv, viewer(req)));
    noteAudit(req, { target: 'training', after: importCounts(r) });
    return r;
  });

  // The same report as a file (`?month=YYYY-MM&format=xlsx|pdf&lang=es|en`).
  app.get('/api/qa/report/file', { config: { access: QA_REPORT_DOWNLOADERS } }, async (req, reply) => {
    const q = query(req);
    const format = qString(q, 'format') ?? 'xlsx';
    if (!(QA_REPORT_FORMATS as readonly string[]).includes(format)) throw new BadQueryError('format', `must be one of ${QA_REPORT_FORMATS.join(', ')}`);
    const lang = qString(q, 'lang') ?? req.session?.lang ?? 'es';
    if (lang !== 'es' && lang !== 'en') throw new BadQueryError('lang', 'must be es or en');
    const month = qMonth(q);
    const files = ctx.deps.qualityReports;
    if (!files) throw new QaUnavailableError();
    const report = unwrapQa(await qa().monthlyReport(month, viewer(req)));
    let out: Awaited<ReturnType<QualityReportsPort['render']>>;
    try {
      out = await files.render(report, { format: format as QaReportFormat, lang, nowMs: ctx.now() });
    } catch (err) {
      req.log.error({ err, month: report.month, format }, 'quality report failed');
      throw new QaReportFailedError({ cause: err });
    }
    req.log.info({ month: report.month, format, bytes: out.body.length, by: req.session?.username }, 'quality report exported');
    return reply
      .header('content-type', out.content_type)
      // File names are ASCII by construction (prefix, month, format); quoted for the header grammar.
      .header('content-disposition', `attachment; filename="${out.filename}"`)
      .header('cache-control', 'no-store')
      .send(out.body);
  });

  // Survey answers as CSV text (ingest/src/surveys), answered after the bus acknowledged them.
  textBodyScope(app, SURVEY_BODY_LIMIT_BYTES, (scope) => {
    scope.post('/ingest/surveys', { config: { access: 'source' }, bodyLimit: SURVEY_BODY_LIMIT_BYTES }, async (req) => {
      const source = req.source;
      if (!source) throw new SourceTokenError();
      const push = ctx.deps.pushSurveys;
      if (!push) throw new IngestUnavailableError('survey ingest is not running in this process');
      const text = typeof req.body === 'string' ? req.body : '';
      let result: { accepted: number; rejected: number };
      try {
        result = await push({ site: source.site, sourceName: source.name, body: text });
      } catch (err) {
        if (err instanceof Error && err.name === 'SurveyRequestError') throw new BadRequestError(err.message);
        req.log.warn({ err, site: source.site, source: source.name }, 'survey push not stored');
        throw new IngestUnavailableError('the surveys were not stored; send them again', { cause: err });
      }
      return result;
    });
  });
}
