// Training / knowledge evaluations (docs/kpi-definitions.md §17): checking a test result, reading
// a CSV of them, and the month's figures per agent and team (mean score, pass rate, trend
// against the previous month, who is below the pass mark). Means are exact: scores are whole
// hundredths, summed as integers and rounded once (core/rounding.ts). Pure.
import { pct, ratio, toHundredths } from '../../core/rounding.ts';
import { readCsvTable } from '../../campaigns/core/csv-table.ts';
import { isDay } from '../../campaigns/core/settings.ts';
import type { TrainingAgentMonth, TrainingScore, TrainingTeamMonth } from '../contract.ts';

export type TrainingInput = Omit<TrainingScore, 'passed' | 'entered_by'>;
type Checked<T> = { ok: true; value: T } | { ok: false; reason: string };

const SCORE = /^(100([.,]0{1,2})?|\d{1,2}([.,]\d{1,2})?)$/;

/** A score or pass mark: 0 to 100 with at most 2 decimals, a decimal comma or point; null when not one. */
export function parseScore(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 && v <= 100 && Math.round(v * 100) === v * 100 ? v : null;
  if (typeof v !== 'string' || !SCORE.test(v.trim())) return null;
  return Number(v.trim().replace(',', '.'));
}

const NAME_MAX = 200;

/** The reason a test result is not valid, as the form and the CSV report it. */
export function checkTraining(o: { agent: unknown; test: unknown; date: unknown; score: unknown; pass_mark: unknown }): Checked<TrainingInput> {
  const agent = typeof o.agent === 'string' ? o.agent.trim() : '';
  if (agent === '' || agent.length > NAME_MAX) return { ok: false, reason: 'no_agent' };
  const test = typeof o.test === 'string' ? o.test.trim() : '';
  if (test === '' || test.length > NAME_MAX) return { ok: false, reason: 'no_test' };
  const date = typeof o.date === 'string' ? o.date.trim() : '';
  if (!isDay(date)) return { ok: false, reason: 'bad_date' };
  const score = parseScore(o.score);
  if (score === null) return { ok: false, reason: 'bad_score' };
  const passMark = parseScore(o.pass_mark);
  if (passMark === null) return { ok: false, reason: 'bad_pass_mark' };
  return { ok: true, value: { agent, test, date, score, pass_mark: passMark } };
}

export interface ParsedTraining {
  ok: true;
  lines: number;
  scores: TrainingInput[];
  rejected: Array<{ line: number; reason: string }>;
}

const col = (header: string[], names: readonly string[]): number => header.findIndex((h) => names.includes(h.toLowerCase()));

/** A CSV with the columns agent (agente), test (prueba), date (fecha), score (puntaje), pass_mark (nota_aprobacion). */
export function parseTrainingCsv(text: string): ParsedTraining | { ok: false; reason: string } {
  const table = readCsvTable(text);
  if (!table) return { ok: false, reason: 'the file has no header line' };
  const at = {
    agent: col(table.header, ['agent', 'agente']),
    test: col(table.header, ['test', 'prueba']),
    date: col(table.header, ['date', 'fecha']),
    score: col(table.header, ['score', 'puntaje']),
    pass_mark: col(table.header, ['pass_mark', 'nota_aprobacion']),
  };
  if (Object.values(at).some((i) => i === -1)) return { ok: false, reason: 'the header must name the columns agent, test, date, score and pass_mark' };
  const out: ParsedTraining = { ok: true, lines: 0, scores: [], rejected: [] };
  const seen = new Set<string>();
  for (const r of table.records) {
    out.lines++;
    if (r.cells === null || r.cells.length !== table.header.length) {
      out.rejected.push({ line: r.line, reason: r.cells === null ? 'bad_csv' : 'column_count' });
      continue;
    }
    const cells = r.cells;
    const checked = checkTraining({ agent: cells[at.agent], test: cells[at.test], date: cells[at.date], score: cells[at.score], pass_mark: cells[at.pass_mark] });
    if (!checked.ok) {
      out.rejected.push({ line: r.line, reason: checked.reason });
      continue;
    }
    const key = `${checked.value.agent}\0${checked.value.test}\0${checked.value.date}`;
    if (seen.has(key)) {
      out.rejected.push({ line: r.line, reason: 'duplicate_test' });
      continue;
    }
    seen.add(key);
    out.scores.push(checked.value);
  }
  return out;
}

/** Mean of scores, exactly, 2 decimals; null for none. */
function mean(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sum = values.reduce((s, v) => s + toHundredths(v), 0n);
  return ratio(sum, BigInt(values.length) * 100n);
}

function trend(now: number | null, before: number | null): number | null {
  return now === null || before === null ? null : Number(toHundredths(now) - toHundredths(before)) / 100;
}

type Score = Pick<TrainingScore, 'agent' | 'score' | 'pass_mark'>;
const passed = (s: Score): boolean => s.score >= s.pass_mark;

/**
 * The month's figures: one row per agent with a test this month (sorted), one per team of those
 * agents ('' = no team). `prev` are the previous month's results of the same agents.
 */
export function trainingRows(month: readonly Score[], prev: readonly Score[], teamOf: ReadonlyMap<string, string>): { agents: TrainingAgentMonth[]; teams: TrainingTeamMonth[] } {
  const of = (list: readonly Score[], agents: ReadonlySet<string>): Score[] => list.filter((s) => agents.has(s.agent));
  const agents: TrainingAgentMonth[] = [...new Set(month.map((s) => s.agent))].sort().map((agent) => {
    const mine = of(month, new Set([agent]));
    const avg = mean(mine.map((s) => s.score));
    const avgMark = mean(mine.map((s) => s.pass_mark));
    const before = mean(of(prev, new Set([agent])).map((s) => s.score));
    const ok = mine.filter(passed).length;
    return {
      agent, team: teamOf.get(agent) ?? '', tests: mine.length, passed: ok, avg_score: avg, avg_pass_mark: avgMark,
      pass_rate_pct: pct(ok, mine.length), prev_avg_score: before, trend: trend(avg, before),
      below_pass_mark: avg !== null && avgMark !== null && avg < avgMark,
    };
  });
  const teams: TrainingTeamMonth[] = [...new Set(agents.map((a) => a.team))].sort().map((team) => {
    const members = agents.filter((a) => a.team === team);
    const set = new Set(members.map((m) => m.agent));
    const mine = of(month, set);
    const avg = mean(mine.map((s) => s.score));
    const before = mean(of(prev, set).map((s) => s.score));
    const ok = mine.filter(passed).length;
    return {
      team, agents: members.length, tests: mine.length, passed: ok, avg_score: avg, pass_rate_pct: pct(ok, mine.length),
      prev_avg_score: before, trend: trend(avg, before), below: members.filter((m) => m.below_pass_mark).length,
    };
  });
  return { agents, teams };
}
