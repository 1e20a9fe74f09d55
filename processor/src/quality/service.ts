// The quality service behind the dashboard's /api/qa routes: forms, sampling, scoring,
// calibration sessions, results, surveys and the monthly report. It validates input, applies
// who-sees-what (supervisors: their team's agents; caller numbers only for roles that need
// them) and announces calibration changes on the live bus (`kpi.qa.<site>`), carrying no scores:
// each browser then asks for what its user may see, so blind scoring holds.
import { randomInt, randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { SurveyAnswer } from '@tablero/ingest/contract';
import type { ClickHouse } from '@tablero/sql';
import {
  DEFAULT_TOLERANCE,
  qaLiveSubject,
  type AnalystHistory,
  type CalibrationLiveMessage,
  type CalibrationSession,
  type CalibrationSummary,
  type CalibrationView,
  type QaAgentMonth,
  type QaCallFacts,
  type QaEvaluation,
  type QaForm,
  type QaMonthlyReport,
  type QaResult,
  type QaSample,
  type QaSettings,
  type QaTeamMember,
  type QaTeamMonth,
  type QaViewer,
  type QualityApi,
  type SessionListItem,
  type SurveyStats,
} from './contract.ts';
import { analystHistory, calibrationStats, revealAllowed } from './core/calibration.ts';
import { checkRecordingTemplate, maskCaller, monthOf, monthRange, recordingUrl } from './core/calls.ts';
import { pct } from './core/exact.ts';
import { checkAnswers, checkFormSpec } from './core/form.ts';
import { drawSample } from './core/sampling.ts';
import { averageScore, criticalAccuracy, monthlyTrend, scoreAnswers } from './core/scoring.ts';
import { completeAnswers, parseSurveyEvent, surveyStats } from './core/surveys.ts';
import * as store from './store/qa-store.ts';

export interface QualityServiceDeps {
  ch: ClickHouse;
  log: Logger;
  /** Site time zone for months and parts of the day. */
  tz: string;
  /** Live (not persisted) publish, e.g. the bus's `emit`; absent -> no live updates. */
  emit?: (subject: string, data: Uint8Array) => void;
  now?: () => number;
  /** Seeds for new samples (tests pass a fixed one). */
  randomSeed?: () => number;
  newId?: () => string;
}

export const DEFAULT_QA_SETTINGS: QaSettings = { recording_url_template: '', target_per_agent: 4 };
const ALL_RESULTS = new Set(['admin', 'manager', 'qa_analyst']);
const SEES_CALLERS = new Set(['admin', 'qa_analyst']);
const COORDINATORS = new Set(['admin', 'manager']);
const USERNAME = /^[A-Za-z0-9._@-]{1,64}$/;
const MAX_ANALYSTS = 30;
const MAX_SEARCH = 500;

const ok = <T>(value: T): QaResult<T> => ({ ok: true, value });
const invalid = (reason: string): { ok: false; error: 'invalid'; reason: string } => ({ ok: false, error: 'invalid', reason });
const notFound = (reason: string): { ok: false; error: 'not_found'; reason: string } => ({ ok: false, error: 'not_found', reason });
const forbidden = (reason: string): { ok: false; error: 'forbidden'; reason: string } => ({ ok: false, error: 'forbidden', reason });
const conflict = (reason: string): { ok: false; error: 'conflict'; reason: string } => ({ ok: false, error: 'conflict', reason });

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown, min: number, max: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;

function commentOf(v: unknown): string | null {
  if (v === undefined) return '';
  return typeof v === 'string' && v.length <= 4000 ? v.trim() : null;
}

export function createQualityService(deps: QualityServiceDeps): QualityApi {
  const { ch, log, tz } = deps;
  const now = deps.now ?? Date.now;
  const newId = deps.newId ?? randomUUID;
  const randomSeed = deps.randomSeed ?? (() => randomInt(0, 2 ** 32 - 1));

  async function settings(): Promise<QaSettings> {
    const raw = await store.readSettings(ch);
    const target = Number(raw['target_per_agent']);
    return {
      recording_url_template: raw['recording_url_template'] ?? DEFAULT_QA_SETTINGS.recording_url_template,
      target_per_agent: Number.isInteger(target) && target > 0 ? target : DEFAULT_QA_SETTINGS.target_per_agent,
    };
  }

  /** Agents the viewer may see, or null for every agent. */
  async function visibleAgents(viewer: QaViewer | null): Promise<Set<string> | null> {
    if (viewer === null || ALL_RESULTS.has(viewer.role)) return null;
    if (viewer.role !== 'supervisor') return new Set();
    return new Set((await store.teamMembers(ch)).filter((m) => m.supervisor === viewer.username).map((m) => m.agent));
  }
  const sees = (agents: Set<string> | null, agent: string): boolean => agents === null || agents.has(agent);

  function facts(c: store.CallRow, viewer: QaViewer, template: string): QaCallFacts {
    return {
      site: c.site,
      callid: c.callid,
      queue: c.queue,
      agent: c.agent,
      enter_ts: c.enter_ts,
      end_ts: c.end_ts,
      wait_s: c.wait_s,
      talk_s: c.talk_s,
      caller: SEES_CALLERS.has(viewer.role) ? c.caller : maskCaller(c.caller),
      transferred: c.transferred,
      recording_url: recordingUrl(template, c),
    };
  }

  async function sampleWithProgress(s: QaSample, agents: Set<string> | null): Promise<QaSample> {
    const range = monthRange(s.month, tz);
    const done = new Map<string, number>();
    if (range) {
      for (const e of await store.latestEvaluations(ch, { ...range, kind: 'monitoring' })) done.set(e.agent, (done.get(e.agent) ?? 0) + 1);
    }
    return {
      ...s,
      calls: s.calls.filter((c) => sees(agents, c.agent)),
      agents: s.agents.filter((a) => sees(agents, a.agent)).map((a) => ({ ...a, done: done.get(a.agent) ?? 0 })),
    };
  }

  function announce(session: CalibrationSession, submitted: number): void {
    if (!deps.emit) return;
    const msg: CalibrationLiveMessage = { type: 'calibration', site: session.site, session_id: session.session_id, submitted, invited: session.analysts.length, at_ms: now() };
    try {
      deps.emit(qaLiveSubject(session.site), Buffer.from(JSON.stringify(msg)));
    } catch (err) {
      // The submission is stored; screens catch up on their next load.
      log.warn({ err, session_id: session.session_id }, 'calibration update not announced');
    }
  }

  async function sessionView(session: CalibrationSession, viewer: QaViewer): Promise<CalibrationView> {
    const subs = await store.latestEvaluations(ch, { kind: 'calibration', session_id: session.session_id });
    const mine = subs.find((e) => e.analyst === viewer.username) ?? null;
    const invited = session.analysts.includes(viewer.username);
    const coordinator = !invited && (session.created_by === viewer.username || COORDINATORS.has(viewer.role));
    const deadlinePassed = now() >= session.deadline_ms;
    const revealed = revealAllowed({ submitted: mine !== null, deadlinePassed, coordinator });
    let stats: CalibrationView['stats'] = null;
    if (revealed) {
      const form = await store.getForm(ch, session.form_id, session.form_version);
      if (form) stats = calibrationStats(session, form, subs);
    }
    return { session, submitted_by: subs.map((e) => e.analyst).sort(), deadline_passed: deadlinePassed, revealed, my_evaluation: mine, stats };
  }

  async function history(sessions: readonly CalibrationSession[]): Promise<{ summaries: CalibrationSummary[]; analysts: AnalystHistory[] }> {
    const rows: Array<{ analyst: string; deviation: number | null; within_tolerance: boolean | null }> = [];
    const summaries: CalibrationSummary[] = [];
    const forms = new Map<string, QaForm | null>();
    for (const s of sessions) {
      const key = `${s.form_id}\0${s.form_version}`;
      if (!forms.has(key)) forms.set(key, await store.getForm(ch, s.form_id, s.form_version));
      const form = forms.get(key);
      if (!form) continue;
      const subs = await store.latestEvaluations(ch, { kind: 'calibration', session_id: s.session_id });
      const st = calibrationStats(s, form, subs);
      const judged = st.analysts.filter((a) => a.within_tolerance !== null);
      rows.push(...st.analysts);
      summaries.push({
        session_id: s.session_id,
        title: s.title,
        callid: s.callid,
        deadline_ms: s.deadline_ms,
        submitted: st.submitted,
        invited: s.analysts.length,
        spread: st.spread,
        std_dev: st.std_dev,
        fleiss_kappa: st.fleiss_kappa,
        within_tolerance_pct: pct(judged.filter((a) => a.within_tolerance).length, judged.length),
      });
    }
    return { summaries, analysts: analystHistory(rows) };
  }

  async function surveyData(range: { from_s: number; to_s: number }, agents: Set<string> | null): Promise<{ stats: SurveyStats; answers: SurveyAnswer[] }> {
    const [stored, events, calls] = await Promise.all([store.surveyAnswers(ch, range), store.surveyEvents(ch, range), store.answeredCalls(ch, range)]);
    const fromLog: SurveyAnswer[] = [];
    let rejected = 0;
    for (const ev of events) {
      const r = parseSurveyEvent(ev);
      if (r.ok) fromLog.push(...r.value);
      else rejected++;
    }
    if (rejected > 0) log.warn({ rejected, from_s: range.from_s, to_s: range.to_s }, 'survey events in queue_log not understood');
    const answered = calls.filter((c) => sees(agents, c.agent));
    const answers = completeAnswers([...stored, ...fromLog], calls).filter((a) => sees(agents, a.agent));
    return { stats: surveyStats(answers, answered, range), answers };
  }

  const api: QualityApi = {
    monthRange: (month) => monthRange(month, tz),
    settings,

    async saveSettings(input, by) {
      if (!isObj(input)) return invalid('settings must be an object');
      const current = await settings();
      const next = { ...current };
      const values: Record<string, string> = {};
      if (input['recording_url_template'] !== undefined) {
        const t = input['recording_url_template'];
        if (typeof t !== 'string') return invalid('recording_url_template must be text');
        const c = checkRecordingTemplate(t.trim());
        if (!c.ok) return invalid(c.reason);
        next.recording_url_template = t.trim();
        values['recording_url_template'] = next.recording_url_template;
      }
      if (input['target_per_agent'] !== undefined) {
        if (!isInt(input['target_per_agent'], 1, 1000)) return invalid('target_per_agent must be a whole number from 1 to 1000');
        next.target_per_agent = input['target_per_agent'];
        values['target_per_agent'] = String(next.target_per_agent);
      }
      await store.writeSettings(ch, values, by.username, now());
      return ok(next);
    },

    teams: () => store.teamMembers(ch),

    async saveTeams(input, by) {
      if (!Array.isArray(input)) return invalid('teams must be a list of { agent, team, supervisor }');
      const members: QaTeamMember[] = [];
      const seen = new Set<string>();
      for (const [i, m] of input.entries()) {
        if (!isObj(m) || typeof m['agent'] !== 'string' || typeof m['team'] !== 'string' || typeof m['supervisor'] !== 'string') {
          return invalid(`teams[${i}] must be { agent, team, supervisor } with text values`);
        }
        const agent = m['agent'].trim();
        if (agent === '' || agent.length > 200) return invalid(`teams[${i}].agent must not be empty`);
        if (seen.has(agent)) return invalid(`agent ${agent} is listed twice`);
        seen.add(agent);
        const supervisor = m['supervisor'].trim();
        if (supervisor !== '' && !USERNAME.test(supervisor)) return invalid(`teams[${i}].supervisor is not a username`);
        members.push({ agent, team: m['team'].trim().slice(0, 200), supervisor });
      }
      const removed = (await store.teamMembers(ch)).map((m) => m.agent).filter((a) => !seen.has(a));
      await store.saveTeamMembers(ch, members, removed, now());
      log.info({ by: by.username, members: members.length, removed: removed.length }, 'quality teams saved');
      return ok(await store.teamMembers(ch));
    },

    listForms: () => store.latestForms(ch),
    formVersions: (formId) => store.formVersions(ch, formId),

    async publishForm(input, by) {
      const checked = checkFormSpec(input.spec);
      if (!checked.ok) return invalid(checked.reason);
      let formId = newId();
      let version = 1;
      if (input.form_id !== undefined) {
        const versions = await store.formVersions(ch, input.form_id);
        const last = versions[versions.length - 1];
        if (!last) return notFound(`form ${input.form_id}`);
        formId = input.form_id;
        version = last.version + 1;
      }
      const form: QaForm = { ...checked.value, form_id: formId, version, created_by: by.username, created_at_ms: now() };
      await store.insertForm(ch, form);
      log.info({ form_id: formId, version, by: by.username }, 'quality form published');
      return ok(form);
    },

    async searchCalls(q, viewer) {
      const agents = await visibleAgents(viewer);
      const limit = Math.min(q.limit ?? 100, MAX_SEARCH);
      const { recording_url_template: template } = await settings();
      const calls = await store.answeredCalls(ch, { ...q, limit: agents === null ? limit : MAX_SEARCH });
      return calls.filter((c) => sees(agents, c.agent)).slice(0, limit).map((c) => facts(c, viewer, template));
    },

    async call(callid, site, viewer) {
      const c = await store.answeredCall(ch, callid, site);
      if (!c || !sees(await visibleAgents(viewer), c.agent)) return null;
      return facts(c, viewer, (await settings()).recording_url_template);
    },

    async drawSample(input, by) {
      const range = monthRange(input.month, tz);
      if (!range) return invalid('month must be YYYY-MM');
      if (input.seed !== undefined && !isInt(input.seed, 0, 2 ** 32 - 1)) return invalid('seed must be a whole number from 0 to 4294967295');
      if (input.target_per_agent !== undefined && !isInt(input.target_per_agent, 1, 1000)) return invalid('target_per_agent must be a whole number from 1 to 1000');
      const targets: Record<string, number> = {};
      for (const [agent, t] of Object.entries(input.targets ?? {})) {
        if (!isInt(t, 0, 1000)) return invalid(`the target of ${agent} must be a whole number from 0 to 1000`);
        targets[agent] = t;
      }
      const target = input.target_per_agent ?? (await settings()).target_per_agent;
      const seed = input.seed ?? randomSeed();
      const calls = await store.answeredCalls(ch, range);
      const drawn = drawSample(calls.map(store.toCandidate), { seed, tz, targetPerAgent: target, targets });
      const previous = await store.latestSample(ch, input.month);
      const sample: QaSample = {
        month: input.month,
        version: (previous?.version ?? 0) + 1,
        seed,
        target_per_agent: target,
        created_by: by.username,
        created_at_ms: now(),
        calls: drawn.calls,
        agents: drawn.agents.map((a) => ({ ...a, done: 0 })),
      };
      await store.insertSample(ch, sample, targets);
      log.info({ month: sample.month, version: sample.version, seed, calls: sample.calls.length, by: by.username }, 'quality sample drawn');
      return ok(await sampleWithProgress(sample, null));
    },

    async sample(month, viewer) {
      if (!monthRange(month, tz)) return invalid('month must be YYYY-MM');
      const s = await store.latestSample(ch, month);
      return ok(s === null ? null : await sampleWithProgress(s, await visibleAgents(viewer)));
    },

    async submitEvaluation(input, by) {
      const form = await store.getForm(ch, input.form_id, null);
      if (!form) return notFound(`form ${input.form_id}`);
      const call = await store.answeredCall(ch, input.callid, input.site ?? null);
      if (!call) return notFound(`answered call ${input.callid}`);
      const answers = checkAnswers(form, input.answers);
      if (!answers.ok) return invalid(answers.reason);
      const comment = commentOf(input.comment);
      if (comment === null) return invalid('comment must be text of at most 4000 characters');
      const e: QaEvaluation = {
        evaluation_id: newId(),
        version: 1,
        kind: 'monitoring',
        session_id: '',
        form_id: form.form_id,
        form_version: form.version,
        site: call.site,
        callid: call.callid,
        queue: call.queue,
        agent: call.agent,
        call_ts: call.enter_ts,
        analyst: by.username,
        answers: answers.value,
        comment,
        created_at_ms: now(),
        ...scoreAnswers(form, answers.value),
      };
      await store.insertEvaluation(ch, e);
      return ok(e);
    },

    async editEvaluation(evaluationId, input, by) {
      const versions = await store.evaluationVersions(ch, evaluationId);
      const last = versions[versions.length - 1];
      if (!last) return notFound(`evaluation ${evaluationId}`);
      if (last.kind === 'calibration') return conflict('calibration scores are final once submitted');
      // Scored again with the form version the evaluation was made on, never a newer one.
      const form = await store.getForm(ch, last.form_id, last.form_version);
      if (!form) return notFound(`form ${last.form_id} v${last.form_version}`);
      const answers = checkAnswers(form, input.answers);
      if (!answers.ok) return invalid(answers.reason);
      const comment = commentOf(input.comment);
      if (comment === null) return invalid('comment must be text of at most 4000 characters');
      const e: QaEvaluation = { ...last, version: last.version + 1, analyst: by.username, answers: answers.value, comment, created_at_ms: now(), ...scoreAnswers(form, answers.value) };
      await store.insertEvaluation(ch, e);
      return ok(e);
    },

    async evaluationHistory(evaluationId, viewer) {
      const versions = await store.evaluationVersions(ch, evaluationId);
      const first = versions[0];
      if (!first || !sees(await visibleAgents(viewer), first.agent)) return notFound(`evaluation ${evaluationId}`);
      if (first.kind === 'calibration' && !ALL_RESULTS.has(viewer.role)) return notFound(`evaluation ${evaluationId}`);
      return ok(versions);
    },

    async agentResults(agent, range, viewer) {
      if (!sees(await visibleAgents(viewer), agent)) return forbidden(`the results of ${agent}`);
      const evals = await store.latestEvaluations(ch, { ...range, kind: 'monitoring', agent });
      return ok({ agent, evaluations: evals, months: monthlyTrend(evals.map((e) => ({ ...e, month: monthOf(e.call_ts, tz) }))) });
    },

    async createSession(input, by) {
      const form = await store.getForm(ch, input.form_id, null);
      if (!form) return notFound(`form ${input.form_id}`);
      const call = await store.answeredCall(ch, input.callid, input.site ?? null);
      if (!call) return notFound(`answered call ${input.callid}`);
      if (!Array.isArray(input.analysts) || input.analysts.length === 0) return invalid('analysts must be a non-empty list of usernames');
      const analysts = [...new Set(input.analysts.map((a) => (typeof a === 'string' ? a.trim() : '')))];
      if (analysts.some((a) => !USERNAME.test(a))) return invalid('analysts must be usernames');
      if (analysts.length > MAX_ANALYSTS) return invalid(`at most ${MAX_ANALYSTS} analysts`);
      const ref = input.reference_analyst;
      if (ref !== null && !analysts.includes(ref)) return invalid('the reference analyst must be one of the invited analysts');
      if (ref === null && analysts.length < 2) return invalid('a session without a reference needs at least two analysts');
      if (ref !== null && analysts.length < 2) return invalid('a session needs at least one analyst besides the reference');
      if (!isInt(input.deadline_ms, now() + 1, now() + 366 * 86_400_000)) return invalid('deadline_ms must be in the future (within a year)');
      const tolerance = input.tolerance ?? DEFAULT_TOLERANCE;
      if (typeof tolerance !== 'number' || !Number.isFinite(tolerance) || tolerance < 0 || tolerance > 100 || Math.round(tolerance * 100) !== tolerance * 100) {
        return invalid('tolerance must be a number of points from 0 to 100 with at most 2 decimals');
      }
      const title = typeof input.title === 'string' && input.title.trim() !== '' ? input.title.trim().slice(0, 200) : `${call.queue} ${call.callid}`;
      const session: CalibrationSession = {
        session_id: newId(),
        title,
        site: call.site,
        callid: call.callid,
        queue: call.queue,
        agent: call.agent,
        call_ts: call.enter_ts,
        form_id: form.form_id,
        form_version: form.version,
        analysts,
        reference: ref === null ? { kind: 'consensus' } : { kind: 'analyst', analyst: ref },
        deadline_ms: input.deadline_ms,
        tolerance,
        created_by: by.username,
        created_at_ms: now(),
      };
      await store.insertSession(ch, session);
      log.info({ session_id: session.session_id, analysts: analysts.length, by: by.username }, 'calibration session created');
      return ok(session);
    },

    async listSessions(viewer) {
      const sessions = await store.listSessions(ch);
      const subs = await store.latestEvaluations(ch, { kind: 'calibration' });
      const count = new Map<string, number>();
      for (const e of subs) count.set(e.session_id, (count.get(e.session_id) ?? 0) + 1);
      const t = now();
      const out: SessionListItem[] = [];
      for (const s of sessions) {
        const mayView = COORDINATORS.has(viewer.role) || s.created_by === viewer.username || s.analysts.includes(viewer.username);
        if (mayView) out.push({ session: s, submitted: count.get(s.session_id) ?? 0, deadline_passed: t >= s.deadline_ms });
      }
      return out;
    },

    async session(sessionId, viewer) {
      const s = await store.getSession(ch, sessionId);
      if (!s) return notFound(`calibration session ${sessionId}`);
      if (!(COORDINATORS.has(viewer.role) || s.created_by === viewer.username || s.analysts.includes(viewer.username))) {
        return forbidden('you are not part of this calibration session');
      }
      return ok(await sessionView(s, viewer));
    },

    async submitCalibration(sessionId, input, viewer) {
      const s = await store.getSession(ch, sessionId);
      if (!s) return notFound(`calibration session ${sessionId}`);
      if (!s.analysts.includes(viewer.username)) return forbidden('you are not invited to score in this session');
      if (now() >= s.deadline_ms) return conflict('the session is closed: its deadline passed');
      const existing = await store.latestEvaluations(ch, { kind: 'calibration', session_id: s.session_id });
      if (existing.some((e) => e.analyst === viewer.username)) return conflict('you already submitted your scores for this session');
      const form = await store.getForm(ch, s.form_id, s.form_version);
      if (!form) return notFound(`form ${s.form_id} v${s.form_version}`);
      const answers = checkAnswers(form, input.answers);
      if (!answers.ok) return invalid(answers.reason);
      const comment = commentOf(input.comment);
      if (comment === null) return invalid('comment must be text of at most 4000 characters');
      const e: QaEvaluation = {
        // One submission per analyst and session: a repeated request lands on the same row.
        evaluation_id: `cal:${s.session_id}:${viewer.username}`,
        version: 1,
        kind: 'calibration',
        session_id: s.session_id,
        form_id: form.form_id,
        form_version: form.version,
        site: s.site,
        callid: s.callid,
        queue: s.queue,
        agent: s.agent,
        call_ts: s.call_ts,
        analyst: viewer.username,
        answers: answers.value,
        comment,
        created_at_ms: now(),
        ...scoreAnswers(form, answers.value),
      };
      await store.insertEvaluation(ch, e);
      const view = await sessionView(s, viewer);
      announce(s, view.submitted_by.length);
      return ok(view);
    },

    async analystHistory() {
      return (await history(await store.listSessions(ch))).analysts;
    },

    async surveys(range, viewer) {
      return (await surveyData(range, await visibleAgents(viewer))).stats;
    },

    async monthlyReport(month, viewer) {
      const range = monthRange(month, tz);
      if (!range) return invalid('month must be YYYY-MM');
      const agentsSeen = await visibleAgents(viewer);
      const [evals, sample, teams, cfg, sessions] = await Promise.all([
        store.latestEvaluations(ch, { ...range, kind: 'monitoring' }),
        store.latestSample(ch, month),
        store.teamMembers(ch),
        settings(),
        store.listSessions(ch, { from_ms: range.from_s * 1000, to_ms: range.to_s * 1000 }),
      ]);
      const { stats: surveys, answers } = await surveyData(range, agentsSeen);
      const teamOf = new Map(teams.map((m) => [m.agent, m.team]));
      const targetOf = new Map((sample?.agents ?? []).map((a) => [a.agent, a.target]));
      const names = new Set<string>([...evals.map((e) => e.agent), ...targetOf.keys(), ...teams.map((m) => m.agent)]);
      const agentRows: QaAgentMonth[] = [...names]
        .filter((a) => sees(agentsSeen, a))
        .sort()
        .map((agent) => {
          const mine = evals.filter((e) => e.agent === agent);
          const surveyed = answers.filter((a) => a.agent === agent);
          return {
            agent,
            team: teamOf.get(agent) ?? '',
            target: targetOf.get(agent) ?? cfg.target_per_agent,
            done: mine.length,
            avg_score: averageScore(mine),
            critical_accuracy: criticalAccuracy(mine),
            csat_pct: pct(surveyed.filter((a) => a.score >= 4).length, surveyed.length),
            surveys: new Set(surveyed.map((a) => a.survey_id)).size,
          };
        });
      const teamRows: QaTeamMonth[] = [...new Set(agentRows.map((a) => a.team))].sort().map((team) => {
        const members = agentRows.filter((a) => a.team === team);
        const set = new Set(members.map((m) => m.agent));
        const teamEvals = evals.filter((e) => set.has(e.agent));
        const teamAnswers = answers.filter((a) => set.has(a.agent));
        return {
          team,
          agents: members.length,
          target: members.reduce((s, m) => s + m.target, 0),
          done: members.reduce((s, m) => s + m.done, 0),
          avg_score: averageScore(teamEvals),
          critical_accuracy: criticalAccuracy(teamEvals),
          csat_pct: pct(teamAnswers.filter((a) => a.score >= 4).length, teamAnswers.length),
          surveys: new Set(teamAnswers.map((a) => a.survey_id)).size,
        };
      });
      const cal = viewer === null || ALL_RESULTS.has(viewer.role) ? await history(sessions) : { summaries: [], analysts: [] };
      return ok({ month, tz, agents: agentRows, teams: teamRows, calibration: { sessions: cal.summaries, analysts: cal.analysts }, surveys });
    },
  };
  return api;
}
