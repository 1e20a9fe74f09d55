import { describe, expect, it } from 'vitest';
import type { CriticalCategory } from '../contract.ts';
import { monthRows, type MonthFacts } from './report.ts';

const ev = (agent: string, score: number | null, failed: CriticalCategory[] = []): MonthFacts['evals'][number] => ({ agent, score, failed_critical: failed });
const ans = (survey_id: string, agent: string, score: number): MonthFacts['answers'][number] => ({ survey_id, agent, score });

const FACTS: MonthFacts = {
  evals: [ev('Ana', 80), ev('Ana', 90, ['compliance']), ev('Beto', null), ev('Ciro', 50)],
  // Two dimensions of survey s1 count as one survey; CSAT counts answers scoring 4 or 5.
  answers: [ans('s1', 'Ana', 5), ans('s1', 'Ana', 3), ans('s2', 'Beto', 4)],
  teams: [
    { agent: 'Ana', team: 'A', supervisor: 'sofia' },
    { agent: 'Beto', team: 'A', supervisor: 'sofia' },
    { agent: 'Dora', team: 'B', supervisor: 'otro' },
  ],
  targets: [{ agent: 'Ana', target: 3 }],
  defaultTarget: 2,
};

const ALL_MET = { end_user: 100, business: 100, compliance: 100 };
const NONE = { end_user: null, business: null, compliance: null };

describe('monthRows (the monthly quality report, per agent and per team)', () => {
  it('lists every agent evaluated, sampled or in a team, and sums teams from those rows', () => {
    const rows = monthRows(FACTS, null);
    expect(rows.agents).toEqual([
      { agent: 'Ana', team: 'A', target: 3, done: 2, avg_score: 85, critical_accuracy: { ...ALL_MET, compliance: 50 }, csat_pct: 50, surveys: 1 },
      { agent: 'Beto', team: 'A', target: 2, done: 1, avg_score: null, critical_accuracy: ALL_MET, csat_pct: 100, surveys: 1 },
      { agent: 'Ciro', team: '', target: 2, done: 1, avg_score: 50, critical_accuracy: ALL_MET, csat_pct: null, surveys: 0 },
      { agent: 'Dora', team: 'B', target: 2, done: 0, avg_score: null, critical_accuracy: NONE, csat_pct: null, surveys: 0 },
    ]);
    expect(rows.teams).toEqual([
      { team: '', agents: 1, target: 2, done: 1, avg_score: 50, critical_accuracy: ALL_MET, csat_pct: null, surveys: 0 },
      { team: 'A', agents: 2, target: 5, done: 3, avg_score: 85, critical_accuracy: { ...ALL_MET, compliance: 66.67 }, csat_pct: 66.67, surveys: 2 },
      { team: 'B', agents: 1, target: 2, done: 0, avg_score: null, critical_accuracy: NONE, csat_pct: null, surveys: 0 },
    ]);
  });

  it('keeps only the agents the viewer sees, in rows and in team sums', () => {
    const rows = monthRows(FACTS, new Set(['Ana']));
    expect(rows.agents.map((a) => a.agent)).toEqual(['Ana']);
    expect(rows.teams).toEqual([{ team: 'A', agents: 1, target: 3, done: 2, avg_score: 85, critical_accuracy: { ...ALL_MET, compliance: 50 }, csat_pct: 50, surveys: 1 }]);
  });
});
