// Monitoring evaluations: scoring a call, editing (a new version scored with the same form
// version), an evaluation's history and an agent's results over a period.
import type { QaAnswers, QaEvaluation, QaForm, QualityApi } from '../contract.ts';
import { monthOf } from '../core/calls.ts';
import { checkAnswers } from '../core/form.ts';
import { monthlyTrend, scoreAnswers } from '../core/scoring.ts';
import * as store from '../store/qa-store.ts';
import { BAD_COMMENT, commentOf, conflict, forbidden, invalid, notFound, ok, sees, type QualityContext } from './context.ts';

/** The first version of an evaluation of `call`, scored with `form`. */
export function firstVersion(
  id: Pick<QaEvaluation, 'evaluation_id' | 'kind' | 'session_id'> & { call: Pick<QaEvaluation, 'site' | 'callid' | 'queue' | 'agent' | 'call_ts'> },
  form: QaForm,
  analyst: string,
  answers: QaAnswers,
  comment: string,
  atMs: number,
): QaEvaluation {
  const { site, callid, queue, agent, call_ts } = id.call;
  return {
    evaluation_id: id.evaluation_id,
    version: 1,
    kind: id.kind,
    session_id: id.session_id,
    form_id: form.form_id,
    form_version: form.version,
    site,
    callid,
    queue,
    agent,
    call_ts,
    analyst,
    answers,
    comment,
    created_at_ms: atMs,
    ...scoreAnswers(form, answers),
  };
}

export type EvaluationsPart = Pick<QualityApi, 'submitEvaluation' | 'editEvaluation' | 'evaluationHistory' | 'agentResults'>;

export function evaluationsPart(c: QualityContext): EvaluationsPart {
  const { ch } = c;
  return {
    async submitEvaluation(input, by) {
      const form = await store.getForm(ch, input.form_id, null);
      if (!form) return notFound(`form ${input.form_id}`);
      const call = await store.answeredCall(ch, input.callid, input.site ?? null);
      if (!call) return notFound(`answered call ${input.callid}`);
      const answers = checkAnswers(form, input.answers);
      if (!answers.ok) return invalid(answers.reason);
      const comment = commentOf(input.comment);
      if (comment === null) return invalid(BAD_COMMENT);
      const e = firstVersion({ evaluation_id: c.newId(), kind: 'monitoring', session_id: '', call: { ...call, call_ts: call.enter_ts } }, form, by.username, answers.value, comment, c.now());
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
      if (comment === null) return invalid(BAD_COMMENT);
      const e: QaEvaluation = { ...last, version: last.version + 1, analyst: by.username, answers: answers.value, comment, created_at_ms: c.now(), ...scoreAnswers(form, answers.value) };
      await store.insertEvaluation(ch, e);
      return ok(e);
    },

    async evaluationHistory(evaluationId, viewer) {
      const versions = await store.evaluationVersions(ch, evaluationId);
      const first = versions[0];
      if (!first || !sees(await c.visibleAgents(viewer), first.agent)) return notFound(`evaluation ${evaluationId}`);
      // Calibration scores are results of the analysts, shown only to who sees every agent's results.
      if (first.kind === 'calibration' && viewer.sees.agents !== 'all') return notFound(`evaluation ${evaluationId}`);
      return ok(versions);
    },

    async agentResults(agent, range, viewer) {
      if (!sees(await c.visibleAgents(viewer), agent)) return forbidden(`the results of ${agent}`);
      const evals = await store.latestEvaluations(ch, { ...range, kind: 'monitoring', agent });
      return ok({ agent, evaluations: evals, months: monthlyTrend(evals.map((e) => ({ ...e, month: monthOf(e.call_ts, c.tz) }))) });
    },
  };
}
