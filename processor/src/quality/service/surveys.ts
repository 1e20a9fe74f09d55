// Post-call surveys: answers pushed or consumed from the quality stream plus SURVEY events in
// queue_log, matched to their calls, as the viewer may see them.
import type { SurveyAnswer } from '@tablero/ingest/contract';
import type { QualityApi, SurveyStats } from '../contract.ts';
import { completeAnswers, parseSurveyEvent, surveyStats } from '../core/surveys.ts';
import * as store from '../store/qa-store.ts';
import { sees, type AgentFilter, type QualityContext } from './context.ts';

export interface SurveysPart extends Pick<QualityApi, 'surveys'> {
  /** The statistics and the answers behind them, both limited to `agents` (the monthly report needs both). */
  surveyData(range: { from_s: number; to_s: number }, agents: AgentFilter): Promise<{ stats: SurveyStats; answers: SurveyAnswer[] }>;
}

export function surveysPart(c: QualityContext): SurveysPart {
  const { ch, log } = c;

  async function surveyData(range: { from_s: number; to_s: number }, agents: AgentFilter): Promise<{ stats: SurveyStats; answers: SurveyAnswer[] }> {
    const [stored, events, calls] = await Promise.all([store.surveyAnswers(ch, range), store.surveyEvents(ch, range), store.answeredCalls(ch, range)]);
    const fromLog: SurveyAnswer[] = [];
    let rejected = 0;
    for (const ev of events) {
      const r = parseSurveyEvent(ev);
      if (r.ok) fromLog.push(...r.value);
      else rejected++;
    }
    if (rejected > 0) log.warn({ rejected, from_s: range.from_s, to_s: range.to_s }, 'survey events in queue_log not understood');
    const answered = calls.filter((x) => sees(agents, x.agent));
    const answers = completeAnswers([...stored, ...fromLog], calls).filter((a) => sees(agents, a.agent));
    return { stats: surveyStats(answers, answered, range), answers };
  }

  return {
    surveyData,
    surveys: async (range, viewer) => (await surveyData(range, await c.visibleAgents(viewer))).stats,
  };
}
