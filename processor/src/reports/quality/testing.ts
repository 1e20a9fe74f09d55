// Test support: a small hand-made monthly quality report (March 2026, La Paz). Not a test file.
import type { QaMonthlyReport, SurveyStatsRow } from '../../quality/contract.ts';

const dims = (calidad: number | null, oportunidad: number | null, amabilidad: number | null): SurveyStatsRow['dimensions'] => ({
  calidad: { answers: calidad === null ? 0 : 2, mean: calidad, csat_pct: null },
  oportunidad: { answers: oportunidad === null ? 0 : 2, mean: oportunidad, csat_pct: null },
  amabilidad: { answers: amabilidad === null ? 0 : 2, mean: amabilidad, csat_pct: null },
});

export const MARCH: QaMonthlyReport = {
  month: '2026-03',
  tz: 'America/La_Paz',
  agents: [
    { agent: 'Ana', team: 'Reclamos', target: 4, done: 3, avg_score: 87.5, critical_accuracy: { end_user: 100, business: 66.67, compliance: 100 }, csat_pct: 83.33, surveys: 2 },
    { agent: 'Luis', team: '', target: 4, done: 0, avg_score: null, critical_accuracy: { end_user: null, business: null, compliance: null }, csat_pct: null, surveys: 0 },
  ],
  teams: [
    { team: '', agents: 1, target: 4, done: 0, avg_score: null, critical_accuracy: { end_user: null, business: null, compliance: null }, csat_pct: null, surveys: 0 },
    { team: 'Reclamos', agents: 1, target: 4, done: 3, avg_score: 87.5, critical_accuracy: { end_user: 100, business: 66.67, compliance: 100 }, csat_pct: 83.33, surveys: 2 },
  ],
  calibration: {
    sessions: [
      { session_id: 's1', title: 'Calibración quincenal', callid: '1772400000.77', deadline_ms: Date.UTC(2026, 2, 14, 22, 0, 0), submitted: 3, invited: 3, spread: 12.5, std_dev: 5.1, fleiss_kappa: 0.214, within_tolerance_pct: 50 },
    ],
    analysts: [
      { analyst: 'quique', sessions: 1, mean_deviation: 7.25, within_tolerance_pct: 0, leniency: 'lenient' },
      { analyst: 'rita', sessions: 1, mean_deviation: -1.5, within_tolerance_pct: 100, leniency: 'aligned' },
    ],
  },
  surveys: {
    from_s: 1772337600,
    to_s: 1775016000,
    total: { key: '', answered_calls: 40, surveyed_calls: 2, response_rate_pct: 5, answers: 6, csat_pct: 83.33, dimensions: dims(4.5, 4, 5) },
    by_queue: [{ key: '101', answered_calls: 40, surveyed_calls: 2, response_rate_pct: 5, answers: 6, csat_pct: 83.33, dimensions: dims(4.5, 4, 5) }],
    by_agent: [
      { key: 'Ana', answered_calls: 25, surveyed_calls: 2, response_rate_pct: 8, answers: 6, csat_pct: 83.33, dimensions: dims(4.5, 4, 5) },
      { key: 'Luis', answered_calls: 15, surveyed_calls: 0, response_rate_pct: 0, answers: 0, csat_pct: null, dimensions: dims(null, null, null) },
    ],
  },
  training: {
    agents: [
      { agent: 'Ana', team: 'Reclamos', tests: 2, passed: 1, avg_score: 72.5, avg_pass_mark: 70, pass_rate_pct: 50, prev_avg_score: 70, trend: 2.5, below_pass_mark: false },
      { agent: 'Luis', team: '', tests: 1, passed: 0, avg_score: 60, avg_pass_mark: 70, pass_rate_pct: 0, prev_avg_score: null, trend: null, below_pass_mark: true },
    ],
    teams: [
      { team: '', agents: 1, tests: 1, passed: 0, avg_score: 60, pass_rate_pct: 0, prev_avg_score: null, trend: null, below: 1 },
      { team: 'Reclamos', agents: 1, tests: 2, passed: 1, avg_score: 72.5, pass_rate_pct: 50, prev_avg_score: 70, trend: 2.5, below: 0 },
    ],
  },
};
