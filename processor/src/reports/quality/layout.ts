// The monthly quality report (QaMonthlyReport from the quality service) laid out as tables of
// typed cells, once, for the XLSX and PDF writers, with the indicator report's Table / Column
// types so both reports share their cell formats. Column order is the stable order of the files
// (add columns at the end only). Pure.
import { CRITICAL_CATEGORIES, type CriticalAccuracy, type QaMonthlyReport, type SurveyStatsRow } from '../../quality/contract.ts';
import { pct } from '../../core/rounding.ts';
import { formatLocal, type CellValue, type Column, type Table } from '../core/layout.ts';
import type { ReportLang } from '../core/model.ts';
import { qualityTexts, type QualityReportTexts } from './texts.ts';

export interface QualityLayout {
  lang: ReportLang;
  t: QualityReportTexts;
  title: string;
  period: string;
  teams: Table;
  agents: Table;
  calibration: Table;
  analysts: Table;
  surveys_queue: Table;
  surveys_agent: Table;
  training_agents: Table;
  training_teams: Table;
  /** Label / value lines of the header and definitions (generation line last). */
  info: Array<[string, string]>;
  generated: [string, string];
}

function criticalColumns(t: QualityReportTexts): Column[] {
  return CRITICAL_CATEGORIES.map((c) => ({ key: `critical_${c}`, header: t.col.critical(c), kind: 'pct' as const }));
}
const criticalCells = (a: CriticalAccuracy): CellValue[] => CRITICAL_CATEGORIES.map((c) => a[c]);

/** Survey dimensions in the order the service reports them (calidad, oportunidad, amabilidad by default). */
function dimensionsOf(report: QaMonthlyReport): string[] {
  const seen = new Set<string>(Object.keys(report.surveys.total.dimensions));
  for (const r of [...report.surveys.by_queue, ...report.surveys.by_agent]) for (const d of Object.keys(r.dimensions)) seen.add(d);
  return [...seen];
}

function surveyTable(name: string, keyHeader: string, rows: SurveyStatsRow[], total: SurveyStatsRow | null, dims: string[], t: QualityReportTexts): Table {
  const cells = (r: SurveyStatsRow, key: string): CellValue[] => [
    key, r.answered_calls, r.surveyed_calls, r.response_rate_pct, r.answers, r.csat_pct, ...dims.map((d) => r.dimensions[d]?.mean ?? null),
  ];
  return {
    name,
    columns: [
      { key: 'key', header: keyHeader, kind: 'text' },
      { key: 'answered_calls', header: t.col.answered_calls, kind: 'int' },
      { key: 'surveyed_calls', header: t.col.surveyed_calls, kind: 'int' },
      { key: 'response_rate_pct', header: t.col.response_rate_pct, kind: 'pct' },
      { key: 'answers', header: t.col.answers, kind: 'int' },
      { key: 'csat_pct', header: t.col.csat_pct, kind: 'pct' },
      ...dims.map((d) => ({ key: `mean_${d}`, header: t.col.dimension_mean(d), kind: 'dec' as const })),
    ],
    rows: [...(total ? [cells(total, t.total)] : []), ...rows.map((r) => cells(r, r.key === '' ? '-' : r.key))],
  };
}

export function layoutQualityReport(report: QaMonthlyReport, o: { lang: ReportLang; generatedAtMs: number }): QualityLayout {
  const t = qualityTexts(o.lang);
  const c = t.col;
  const team = (name: string): string => (name === '' ? t.noTeam : name);
  // Teams and agents share the progress-against-target columns, in the same order.
  const progressColumns: Table['columns'] = [
    { key: 'target', header: c.target, kind: 'int' },
    { key: 'done', header: c.done, kind: 'int' },
    { key: 'done_pct', header: c.done_pct, kind: 'pct' },
    { key: 'avg_score', header: c.avg_score, kind: 'dec' },
    ...criticalColumns(t),
    { key: 'csat_pct', header: c.csat_pct, kind: 'pct' },
    { key: 'surveys', header: c.surveys, kind: 'int' },
  ];
  const progressCells = (r: (typeof report.teams)[number] | (typeof report.agents)[number]) => [
    r.target, r.done, pct(r.done, r.target), r.avg_score, ...criticalCells(r.critical_accuracy), r.csat_pct, r.surveys,
  ];
  const teams: Table = {
    name: t.sheet.teams,
    columns: [{ key: 'team', header: c.team, kind: 'text' }, { key: 'agents', header: c.agents, kind: 'int' }, ...progressColumns],
    rows: report.teams.map((r) => [team(r.team), r.agents, ...progressCells(r)]),
  };
  const agents: Table = {
    name: t.sheet.agents,
    columns: [{ key: 'agent', header: c.agent, kind: 'text' }, { key: 'team', header: c.team, kind: 'text' }, ...progressColumns],
    rows: report.agents.map((r) => [r.agent, team(r.team), ...progressCells(r)]),
  };
  const calibration: Table = {
    name: t.sheet.calibration,
    columns: [
      { key: 'title', header: c.session, kind: 'text' },
      { key: 'callid', header: c.callid, kind: 'text' },
      { key: 'deadline', header: c.deadline, kind: 'text' },
      { key: 'submitted', header: c.submitted, kind: 'int' },
      { key: 'invited', header: c.invited, kind: 'int' },
      { key: 'spread', header: c.spread, kind: 'dec' },
      { key: 'std_dev', header: c.std_dev, kind: 'dec' },
      { key: 'fleiss_kappa', header: c.kappa, kind: 'dec3' },
      { key: 'within_tolerance_pct', header: c.within_pct, kind: 'pct' },
    ],
    rows: report.calibration.sessions.map((s) => [
      // Local minutes are enough for a deadline (and fit a PDF column).
      s.title, s.callid, formatLocal(s.deadline_ms, report.tz).slice(0, 16), s.submitted, s.invited, s.spread, s.std_dev, s.fleiss_kappa, s.within_tolerance_pct,
    ]),
  };
  const analysts: Table = {
    name: t.sheet.analysts,
    columns: [
      { key: 'analyst', header: c.analyst, kind: 'text' },
      { key: 'sessions', header: c.sessions, kind: 'int' },
      { key: 'mean_deviation', header: c.mean_deviation, kind: 'dec' },
      { key: 'within_tolerance_pct', header: c.within_pct, kind: 'pct' },
      { key: 'leniency', header: c.leniency, kind: 'text' },
    ],
    rows: report.calibration.analysts.map((a) => [a.analyst, a.sessions, a.mean_deviation, a.within_tolerance_pct, a.leniency === null ? '' : t.leniency[a.leniency]]),
  };
  const trainingColumns: Table['columns'] = [
    { key: 'tests', header: c.tests, kind: 'int' },
    { key: 'passed', header: c.passed, kind: 'int' },
    { key: 'avg_score', header: c.avg_test_score, kind: 'dec' },
    { key: 'pass_rate_pct', header: c.pass_rate_pct, kind: 'pct' },
    { key: 'prev_avg_score', header: c.prev_avg, kind: 'dec' },
    { key: 'trend', header: c.trend, kind: 'dec' },
  ];
  const training_agents: Table = {
    name: t.sheet.training_agents,
    columns: [
      { key: 'agent', header: c.agent, kind: 'text' }, { key: 'team', header: c.team, kind: 'text' }, ...trainingColumns,
      { key: 'avg_pass_mark', header: c.avg_pass_mark, kind: 'dec' }, { key: 'below', header: c.below, kind: 'text' },
    ],
    rows: report.training.agents.map((a) => [a.agent, team(a.team), a.tests, a.passed, a.avg_score, a.pass_rate_pct, a.prev_avg_score, a.trend, a.avg_pass_mark, a.below_pass_mark ? t.yes : t.no]),
  };
  const training_teams: Table = {
    name: t.sheet.training_teams,
    columns: [{ key: 'team', header: c.team, kind: 'text' }, { key: 'agents', header: c.agents, kind: 'int' }, ...trainingColumns, { key: 'below', header: c.below_agents, kind: 'int' }],
    rows: report.training.teams.map((r) => [team(r.team), r.agents, r.tests, r.passed, r.avg_score, r.pass_rate_pct, r.prev_avg_score, r.trend, r.below]),
  };
  const dims = dimensionsOf(report);
  const period = report.month;
  const generated: [string, string] = [t.def.generated, `${formatLocal(o.generatedAtMs, report.tz)} (${report.tz})`];
  return {
    lang: o.lang,
    t,
    title: t.title,
    period,
    teams,
    agents,
    calibration,
    analysts,
    surveys_queue: surveyTable(t.sheet.surveys_queue, c.queue, report.surveys.by_queue, report.surveys.total, dims, t),
    surveys_agent: surveyTable(t.sheet.surveys_agent, c.agent, report.surveys.by_agent, null, dims, t),
    training_agents,
    training_teams,
    info: [
      [t.def.report, t.title],
      [t.def.period, period],
      [t.def.tz, report.tz],
      [t.sheet.calibration, t.def.sessionsInPeriod(report.calibration.sessions.length)],
      ...t.def.definitions,
    ],
    generated,
  };
}
