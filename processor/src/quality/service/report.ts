// The monthly quality report's data (per agent, per team, the month's calibrations, surveys);
// the processor's report writers render it as XLSX / PDF.
import type { SurveyAnswer } from '@tablero/ingest/contract';
import type { QaAgentMonth, QaTeamMember, QaTeamMonth, QualityApi } from '../contract.ts';
import { monthRange } from '../core/calls.ts';
import { pct } from '../../core/rounding.ts';
import { averageScore, criticalAccuracy, type ScoredEvaluation } from '../core/scoring.ts';
import * as store from '../store/qa-store.ts';
import type { CalibrationPart } from './calibration.ts';
import { invalid, ok, sees, type AgentFilter, type QualityContext } from './context.ts';
import type { SurveysPart } from './surveys.ts';
import { trainingOf } from './training.ts';

export type ReportPart = Pick<QualityApi, 'monthlyReport'>;

type Answer = Pick<SurveyAnswer, 'survey_id' | 'agent' | 'score'>;

export interface MonthFacts {
  /** The month's latest monitoring evaluations. */
  evals: ReadonlyArray<ScoredEvaluation & { agent: string }>;
  /** The month's survey answers (already limited to the agents seen). */
  answers: readonly Answer[];
  teams: readonly QaTeamMember[];
  /** Per-agent targets of the month's sample (none without a sample). */
  targets: ReadonlyArray<{ agent: string; target: number }>;
  /** Target of agents the sample does not name. */
  defaultTarget: number;
}

/** CSAT: % of answers scoring 4 or 5. */
const satisfied = (answers: readonly Answer[]): number | null => pct(answers.filter((a) => a.score >= 4).length, answers.length);
const surveysOf = (answers: readonly Answer[]): number => new Set(answers.map((a) => a.survey_id)).size;

/** One row per agent seen (evaluated, sampled or in a team), sorted, and one per team of those agents. Pure. */
export function monthRows(f: MonthFacts, agentsSeen: AgentFilter): { agents: QaAgentMonth[]; teams: QaTeamMonth[] } {
  const teamOf = new Map(f.teams.map((m) => [m.agent, m.team]));
  const targetOf = new Map(f.targets.map((a) => [a.agent, a.target]));
  const names = new Set<string>([...f.evals.map((e) => e.agent), ...targetOf.keys(), ...f.teams.map((m) => m.agent)]);
  const agents: QaAgentMonth[] = [...names]
    .filter((a) => sees(agentsSeen, a))
    .sort()
    .map((agent) => {
      const mine = f.evals.filter((e) => e.agent === agent);
      const surveyed = f.answers.filter((a) => a.agent === agent);
      return {
        agent,
        team: teamOf.get(agent) ?? '',
        target: targetOf.get(agent) ?? f.defaultTarget,
        done: mine.length,
        avg_score: averageScore(mine),
        critical_accuracy: criticalAccuracy(mine),
        csat_pct: satisfied(surveyed),
        surveys: surveysOf(surveyed),
      };
    });
  const teams: QaTeamMonth[] = [...new Set(agents.map((a) => a.team))].sort().map((team) => {
    const members = agents.filter((a) => a.team === team);
    const set = new Set(members.map((m) => m.agent));
    const teamEvals = f.evals.filter((e) => set.has(e.agent));
    const teamAnswers = f.answers.filter((a) => set.has(a.agent));
    return {
      team,
      agents: members.length,
      target: members.reduce((s, m) => s + m.target, 0),
      done: members.reduce((s, m) => s + m.done, 0),
      avg_score: averageScore(teamEvals),
      critical_accuracy: criticalAccuracy(teamEvals),
      csat_pct: satisfied(teamAnswers),
      surveys: surveysOf(teamAnswers),
    };
  });
  return { agents, teams };
}

export function reportPart(c: QualityContext, parts: { calibration: Pick<CalibrationPart, 'history'>; surveys: Pick<SurveysPart, 'surveyData'> }): ReportPart {
  const { ch, tz } = c;
  return {
    async monthlyReport(month, viewer) {
      const range = monthRange(month, tz);
      if (!range) return invalid('month must be YYYY-MM');
      const agentsSeen = await c.visibleAgents(viewer);
      const [evals, sample, teams, cfg, sessions] = await Promise.all([
        store.latestEvaluations(ch, { ...range, kind: 'monitoring' }),
        store.latestSample(ch, month),
        store.teamMembers(ch),
        c.settings(),
        store.listSessions(ch, { from_ms: range.from_s * 1000, to_ms: range.to_s * 1000 }),
      ]);
      const { stats: surveys, answers } = await parts.surveys.surveyData(range, agentsSeen);
      const rows = monthRows({ evals, answers, teams, targets: sample?.agents ?? [], defaultTarget: cfg.target_per_agent }, agentsSeen);
      // Calibration results are the analysts' results: only for who sees every agent's.
      const cal = viewer === null || viewer.sees.agents === 'all' ? await parts.calibration.history(sessions) : { summaries: [], analysts: [] };
      const training = await trainingOf(c, month, agentsSeen);
      return ok({ month, tz, agents: rows.agents, teams: rows.teams, calibration: { sessions: cal.summaries, analysts: cal.analysts }, surveys, training: { agents: training.agents, teams: training.teams } });
    },
  };
}
