// The calls behind a figure (issue 20): GET /api/calls (one page, keyset cursor), GET
// /api/calls.csv (the whole list, streamed) and GET /api/calls/:site/:callid (a call's story).
// Everything is read by the processor's one KPI read module through the injected port; this
// file validates, decides per role what callers' numbers may be seen, and moves bytes.
import { Readable } from 'node:stream';
import { maskCaller, type CallStory, type CallsPage, type CallsQuery } from '@tablero/processor/contract';
import { CALL_LIST_DOWNLOADERS, CALL_LIST_READERS, LIVE_CALLER_NUMBER_READERS, roleAllowed } from '../core/roles.ts';
import { listRejection, parseCallsQuery } from '../core/calls-query.ts';
import type { App, AppContext } from '../context.ts';
import { BadQueryError, CallsFailedError, CallsUnavailableError, ForbiddenError, NotFoundError } from '../errors.ts';
import { supervisedQueues } from '../store/auth-store.ts';
import type { CallsPort } from '../types.ts';
import type { FastifyRequest } from 'fastify';

const SITE = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_CALLID = 128;

/** Whether the request's role sees callers' numbers in full (the live view's rule; GET /api/funnel/calls too). */
export function fullNumbers(req: FastifyRequest): boolean {
  return roleAllowed(LIVE_CALLER_NUMBER_READERS, req.session?.role);
}

function maskPage(page: CallsPage, full: boolean): CallsPage {
  return full ? page : { ...page, rows: page.rows.map((r) => ({ ...r, caller: maskCaller(r.caller) })) };
}

/** A CDR src/dst that is a phone number (not `s`, an extension of 3 digits or a context's word), hidden wherever it appears. */
const PHONE = /^\+?\d{4,}$/;

/** Masks the call's numbers wherever they appear: the rejected lines' raw text and the CDR legs' texts included. */
function maskStory(s: CallStory, full: boolean): CallStory {
  if (full) return s;
  const legNumbers = s.cdr_legs.flatMap((l) => [l.src, l.dst]).filter((n) => PHONE.test(n));
  const numbers = [...new Set([...s.events.map((e) => e.caller), ...s.stints.map((x) => x.caller), ...legNumbers].filter((c) => c.length > 0))]
    .sort((a, b) => b.length - a.length); // the longest first, so a number inside another is masked with it
  const hide = (raw: string): string => numbers.reduce((t, n) => t.replaceAll(n, maskCaller(n)), raw);
  return {
    ...s,
    events: s.events.map((e) => ({ ...e, caller: maskCaller(e.caller), data: e.data.map(hide), info: hide(e.info) })),
    stints: s.stints.map((x) => ({ ...x, caller: maskCaller(x.caller) })),
    rejected_lines: s.rejected_lines.map((l) => ({ ...l, raw: hide(l.raw) })),
    cdr_legs: s.cdr_legs.map((l) => ({
      ...l, src: maskCaller(l.src), dst: maskCaller(l.dst), did: hide(l.did),
      clid: hide(l.clid), channel: hide(l.channel), dstchannel: hide(l.dstchannel), lastdata: hide(l.lastdata), userfield: hide(l.userfield),
    })),
  };
}

/**
 * What a role may list: a supervisor with a queue list (users.queues) the calls of those queues;
 * a QA analyst the calls they may score (answered stints); admins, managers and the other
 * supervisors everything. null = no narrowing.
 */
interface Scope {
  queues: string[] | null;
  answeredOnly: boolean;
}

/** The query narrowed to the scope; a request for calls outside it is refused (403), never widened or silently cut. */
export function scopedQuery<Q extends CallsQuery>(q: Q, scope: Scope): Q {
  const out = { ...q };
  if (scope.queues !== null) {
    const allowed = new Set(scope.queues);
    if (q.queues?.some((x) => !allowed.has(x))) throw new ForbiddenError('the calls of queues you do not supervise');
    if (!q.queues?.length) out.queues = [...scope.queues];
  }
  if (scope.answeredOnly) {
    if (q.outcomes?.some((o) => o !== 'answered')) throw new ForbiddenError('calls that were not answered');
    out.outcomes = ['answered'];
  }
  return out;
}

/** Whether a call's story is inside the scope: one of its stints (or lines) in a supervised queue; for QA, one answered stint. */
function storyInScope(s: CallStory, scope: Scope): boolean {
  if (scope.queues !== null) {
    const allowed = new Set(scope.queues);
    if (!s.stints.some((x) => allowed.has(x.queue)) && !s.events.some((e) => allowed.has(e.queue))) return false;
  }
  return !scope.answeredOnly || s.stints.some((x) => x.outcome === 'answered');
}

export function callRoutes(app: App, ctx: AppContext): void {
  const scopeOf = async (req: FastifyRequest): Promise<Scope> => {
    const s = req.session;
    if (s?.role === 'qa_analyst') return { queues: null, answeredOnly: true };
    return { queues: s ? await supervisedQueues(ctx.deps.ch, s) : null, answeredOnly: false };
  };
  const port = (): CallsPort => {
    const p = ctx.deps.calls;
    if (!p) throw new CallsUnavailableError();
    return p;
  };
  const read = async <T>(req: FastifyRequest, what: string, run: (p: CallsPort) => Promise<T>): Promise<T> => {
    const p = port();
    try {
      return await run(p);
    } catch (err) {
      const rejected = listRejection(err);
      if (rejected !== null) throw new BadQueryError(rejected.param, rejected.reason);
      req.log.error({ err, what }, 'calls query failed');
      throw new CallsFailedError({ cause: err });
    }
  };

  app.get('/api/calls', { config: { access: CALL_LIST_READERS } }, async (req) => {
    const parsed = parseCallsQuery(req.query as Record<string, unknown>);
    if (!parsed.ok) throw new BadQueryError(parsed.param, parsed.reason);
    const q = scopedQuery(parsed.value, await scopeOf(req));
    return maskPage(await read(req, 'list', (p) => p.list(q)), fullNumbers(req));
  });

  app.get('/api/calls.csv', { config: { access: CALL_LIST_DOWNLOADERS } }, async (req, reply) => {
    const parsed = parseCallsQuery(req.query as Record<string, unknown>, { csv: true });
    if (!parsed.ok) throw new BadQueryError(parsed.param, parsed.reason);
    const { lang, ...asked } = parsed.value;
    const q = scopedQuery(asked, await scopeOf(req));
    // Spanish: `;` and decimal comma (what Excel in es-CO / es-BO reads); English: `,`.
    const sep = (lang ?? req.session?.lang ?? 'es') === 'es' ? ';' : ',';
    const csv = await read(req, 'csv', (p) => p.csv(q, { sep, maskCallers: !fullNumbers(req) }));
    const body = Readable.from(csv.chunks);
    // Headers are sent: a failure from here on can only cut the download, and is logged.
    body.on('error', (err) => req.log.error({ err }, 'calls CSV stream failed'));
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="calls-${q.from}-${q.to}.csv"`.replace(/:/g, ''))
      // The row count before the first byte, so a client shows progress.
      .header('x-tablero-total', String(csv.total))
      .send(body);
  });

  app.get('/api/calls.xlsx', { config: { access: CALL_LIST_DOWNLOADERS } }, async (req, reply) => {
    const parsed = parseCallsQuery(req.query as Record<string, unknown>, { csv: true });
    if (!parsed.ok) throw new BadQueryError(parsed.param, parsed.reason);
    const { lang: _lang, ...asked } = parsed.value;
    const q = scopedQuery(asked, await scopeOf(req));
    const book = await read(req, 'xlsx', (p) => p.xlsx(q, { maskCallers: !fullNumbers(req) }));
    book.stream.on('error', (err) => req.log.error({ err }, 'calls XLSX stream failed'));
    return reply
      .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .header('content-disposition', `attachment; filename="calls-${q.from}-${q.to}.xlsx"`.replace(/:/g, ''))
      .header('x-tablero-total', String(book.total))
      .send(book.stream);
  });

  app.get<{ Params: { site: string; callid: string } }>('/api/calls/:site/:callid', { config: { access: CALL_LIST_READERS } }, async (req) => {
    const { site, callid } = req.params;
    if (!SITE.test(site)) throw new BadQueryError('site', 'must be 1 to 64 letters, digits, _ or -');
    if (callid.length === 0 || callid.length > MAX_CALLID) throw new BadQueryError('callid', `must be 1 to ${MAX_CALLID} characters`);
    const story = await read(req, 'story', (p) => p.story(site, callid));
    if (story === null) throw new NotFoundError(`call ${callid} of site ${site}`);
    if (!storyInScope(story, await scopeOf(req))) throw new ForbiddenError('this call (outside your queues, or not a call you may score)');
    return maskStory(story, fullNumbers(req));
  });
}
