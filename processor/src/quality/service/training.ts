// Training / knowledge evaluations in the QA area: results entered one by one or imported by
// CSV, and the month's figures per agent and team (a supervisor sees the agents of the teams
// they supervise, like every quality result).
import type { QualityApi, TrainingMonth } from '../contract.ts';
import { MONTH } from '../core/calls.ts';
import { checkTraining, parseTrainingCsv, trainingRows } from '../core/training.ts';
import * as store from '../store/qa-store.ts';
import { storeTrainingScores, trainingScores } from '../store/training-store.ts';
import { invalid, ok, sees, type AgentFilter, type QualityContext } from './context.ts';

export type TrainingPart = Pick<QualityApi, 'trainingMonth' | 'saveTrainingScore' | 'importTraining'>;

/** First day of `YYYY-MM` shifted by `delta` months, as YYYY-MM-DD. */
function monthStart(month: string, delta: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const d = new Date(Date.UTC(y, m - 1 + delta, 1));
  return d.toISOString().slice(0, 10);
}

function dayAfter(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}

/** The month's training figures for the agents `seen` (null: every agent). */
export async function trainingOf(c: QualityContext, month: string, seen: AgentFilter): Promise<TrainingMonth> {
  const [scores, prev, teams] = await Promise.all([
    trainingScores(c.ch, { from: monthStart(month, 0), to: monthStart(month, 1) }),
    trainingScores(c.ch, { from: monthStart(month, -1), to: monthStart(month, 0) }),
    store.teamMembers(c.ch),
  ]);
  const mine = scores.filter((s) => sees(seen, s.agent));
  const rows = trainingRows(mine, prev.filter((s) => sees(seen, s.agent)), new Map(teams.map((m) => [m.agent, m.team])));
  return { month, ...rows, scores: mine };
}

export function trainingPart(c: QualityContext): TrainingPart {
  return {
    async trainingMonth(month, viewer) {
      if (!MONTH.test(month)) return invalid('month must be YYYY-MM');
      return ok(await trainingOf(c, month, await c.visibleAgents(viewer)));
    },

    async saveTrainingScore(input, by) {
      if (typeof input !== 'object' || input === null || Array.isArray(input)) return invalid('the test result must be an object');
      const o = input as Record<string, unknown>;
      const checked = checkTraining({ agent: o['agent'], test: o['test'], date: o['date'], score: o['score'], pass_mark: o['pass_mark'] });
      if (!checked.ok) return invalid(checked.reason);
      const s = { ...checked.value, entered_by: by.username };
      await storeTrainingScores(c.ch, [s], c.now());
      c.log.info({ by: by.username, agent: s.agent, test: s.test }, 'training score saved');
      return ok({ ...s, passed: s.score >= s.pass_mark });
    },

    async importTraining(csv, by) {
      const parsed = parseTrainingCsv(csv);
      if (!parsed.ok) return invalid(parsed.reason);
      const rows = parsed.scores.map((s) => ({ ...s, entered_by: by.username }));
      const key = (s: { agent: string; test: string; date: string }): string => `${s.agent}\0${s.test}\0${s.date}`;
      const dates = rows.map((r) => r.date).sort();
      const before = dates.length === 0 ? [] : await trainingScores(c.ch, { from: dates[0] as string, to: dayAfter(dates[dates.length - 1] as string) });
      const known = new Set(before.map(key));
      await storeTrainingScores(c.ch, rows, c.now());
      c.log.info({ by: by.username, accepted: rows.length, rejected: parsed.rejected.length }, 'training scores imported');
      return ok({ lines: parsed.lines, accepted: rows.length, new: rows.filter((r) => !known.has(key(r))).length, rejected: parsed.rejected.length, reasons: parsed.rejected });
    },
  };
}
