// Calibration sessions: invited analysts score one call blind; statistics are revealed to an
// analyst once they submitted (or the deadline passed) and to coordinators who are not
// scoring. Changes are announced on the live bus (`kpi.qa.<site>`) without any score: each
// browser then asks for what its user may see, so blind scoring holds.
import {
  DEFAULT_TOLERANCE,
  qaLiveSubject,
  type AnalystHistory,
  type CalibrationLiveMessage,
  type CalibrationSession,
  type CalibrationSummary,
  type CalibrationView,
  type QaForm,
  type QaViewer,
  type QualityApi,
  type SessionListItem,
} from '../contract.ts';
import { analystHistory, calibrationStats, revealAllowed } from '../core/calibration.ts';
import { pct } from '../../core/rounding.ts';
import { checkAnswers } from '../core/form.ts';
import * as store from '../store/qa-store.ts';
import { BAD_COMMENT, commentOf, conflict, forbidden, invalid, isInt, notFound, ok, USERNAME, type QualityContext } from './context.ts';
import { firstVersion } from './evaluations.ts';

const MAX_ANALYSTS = 30;

export interface CalibrationPart extends Pick<QualityApi, 'createSession' | 'listSessions' | 'session' | 'submitCalibration' | 'analystHistory'> {
  /** Per-session summaries and per-analyst agreement over `sessions` (the monthly report's calibration section). */
  history(sessions: readonly CalibrationSession[]): Promise<{ summaries: CalibrationSummary[]; analysts: AnalystHistory[] }>;
}

/** Whether the viewer may open a session: every one, or those they created or were invited to. */
export function maySeeSession(s: CalibrationSession, viewer: QaViewer): boolean {
  return viewer.sees.calibrations === 'all' || s.created_by === viewer.username || s.analysts.includes(viewer.username);
}

export function calibrationPart(c: QualityContext): CalibrationPart {
  const { ch, log } = c;

  function announce(session: CalibrationSession, submitted: number): void {
    if (!c.emit) return;
    const msg: CalibrationLiveMessage = { type: 'calibration', site: session.site, session_id: session.session_id, submitted, invited: session.analysts.length, at_ms: c.now() };
    try {
      c.emit(qaLiveSubject(session.site), Buffer.from(JSON.stringify(msg)));
    } catch (err) {
      // The submission is stored; screens catch up on their next load.
      log.warn({ err, session_id: session.session_id }, 'calibration update not announced');
    }
  }

  async function sessionView(session: CalibrationSession, viewer: QaViewer): Promise<CalibrationView> {
    const subs = await store.latestEvaluations(ch, { kind: 'calibration', session_id: session.session_id });
    const mine = subs.find((e) => e.analyst === viewer.username) ?? null;
    const invited = session.analysts.includes(viewer.username);
    const coordinator = !invited && (session.created_by === viewer.username || viewer.sees.calibrations === 'all');
    const deadlinePassed = c.now() >= session.deadline_ms;
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

  return {
    history,

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
      const now = c.now();
      if (!isInt(input.deadline_ms, now + 1, now + 366 * 86_400_000)) return invalid('deadline_ms must be in the future (within a year)');
      const tolerance = input.tolerance ?? DEFAULT_TOLERANCE;
      if (typeof tolerance !== 'number' || !Number.isFinite(tolerance) || tolerance < 0 || tolerance > 100 || Math.round(tolerance * 100) !== tolerance * 100) {
        return invalid('tolerance must be a number of points from 0 to 100 with at most 2 decimals');
      }
      const title = typeof input.title === 'string' && input.title.trim() !== '' ? input.title.trim().slice(0, 200) : `${call.queue} ${call.callid}`;
      const session: CalibrationSession = {
        session_id: c.newId(),
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
        created_at_ms: c.now(),
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
      const t = c.now();
      const out: SessionListItem[] = [];
      for (const s of sessions) {
        if (maySeeSession(s, viewer)) out.push({ session: s, submitted: count.get(s.session_id) ?? 0, deadline_passed: t >= s.deadline_ms });
      }
      return out;
    },

    async session(sessionId, viewer) {
      const s = await store.getSession(ch, sessionId);
      if (!s) return notFound(`calibration session ${sessionId}`);
      if (!maySeeSession(s, viewer)) return forbidden('you are not part of this calibration session');
      return ok(await sessionView(s, viewer));
    },

    async submitCalibration(sessionId, input, viewer) {
      const s = await store.getSession(ch, sessionId);
      if (!s) return notFound(`calibration session ${sessionId}`);
      if (!s.analysts.includes(viewer.username)) return forbidden('you are not invited to score in this session');
      if (c.now() >= s.deadline_ms) return conflict('the session is closed: its deadline passed');
      const existing = await store.latestEvaluations(ch, { kind: 'calibration', session_id: s.session_id });
      if (existing.some((e) => e.analyst === viewer.username)) return conflict('you already submitted your scores for this session');
      const form = await store.getForm(ch, s.form_id, s.form_version);
      if (!form) return notFound(`form ${s.form_id} v${s.form_version}`);
      const answers = checkAnswers(form, input.answers);
      if (!answers.ok) return invalid(answers.reason);
      const comment = commentOf(input.comment);
      if (comment === null) return invalid(BAD_COMMENT);
      // One submission per analyst and session: a repeated request lands on the same row.
      const e = firstVersion({ evaluation_id: `cal:${s.session_id}:${viewer.username}`, kind: 'calibration', session_id: s.session_id, call: s }, form, viewer.username, answers.value, comment, c.now());
      await store.insertEvaluation(ch, e);
      const view = await sessionView(s, viewer);
      announce(s, view.submitted_by.length);
      return ok(view);
    },

    async analystHistory() {
      return (await history(await store.listSessions(ch))).analysts;
    },
  };
}
