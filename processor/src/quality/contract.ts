// The quality contract (kpi-definitions §9, §10): evaluation forms, evaluations, samples,
// calibration sessions, survey figures and the monthly quality report, plus the live message
// that tells browsers a calibration session changed. Types and constants only; re-exported by
// ../contract.ts so the dashboard imports it with the rest of the processor's contract.
// JSON field names are snake_case and equal the ClickHouse columns where a column exists.

import type { ImportReport } from '../campaigns/contract.ts';

export const CRITICAL_CATEGORIES = ['end_user', 'business', 'compliance'] as const;
export type CriticalCategory = (typeof CRITICAL_CATEGORIES)[number];

export const ITEM_TYPES = ['yes_no', 'scale'] as const;
export type ItemType = (typeof ITEM_TYPES)[number];

/** What a failed critical item does to the score: make it 0, or only count against critical accuracy. */
export const CRITICAL_POLICIES = ['zero_score', 'keep_score'] as const;
export type CriticalPolicy = (typeof CRITICAL_POLICIES)[number];

export const EVALUATION_KINDS = ['monitoring', 'calibration'] as const;
export type EvaluationKind = (typeof EVALUATION_KINDS)[number];

/** Default calibration tolerance, in score points (kpi-definitions §9). */
export const DEFAULT_TOLERANCE = 5;

export interface QaItem {
  /** Stable within a form (answers refer to it); letters, digits, `_` and `-`. */
  id: string;
  label: string;
  /** yes_no: yes = 1 point, no = 0 (max is 1). scale: 0..max points. */
  type: ItemType;
  max: number;
  /** Whole number 1..100. */
  weight: number;
  allow_na: boolean;
  /** A critical item is failed when it is answered with 0 points. */
  critical: CriticalCategory | null;
  guidance: string;
}

export interface QaSection {
  id: string;
  title: string;
  items: QaItem[];
}

/** A level band holds the scores above the previous band's `max` up to its own `max` (inclusive). */
export interface QaBand {
  label: string;
  max: number;
}

export interface QaFormSpec {
  name: string;
  sections: QaSection[];
  /** Ascending by max; the last max is 100. */
  bands: QaBand[];
  critical_policy: CriticalPolicy;
}

/** One published version of a form. Versions never change once published. */
export interface QaForm extends QaFormSpec {
  form_id: string;
  version: number;
  created_by: string;
  created_at_ms: number;
}

/** An answer: points (yes_no: 1 or 0; scale: 0..max) or 'na' where the item allows it. */
export type QaAnswerValue = number | 'na';
/** item id -> answer; every item of the form is answered. */
export type QaAnswers = Record<string, QaAnswerValue>;

export interface QaScore {
  /** 0..100 rounded to 2 decimals after the critical policy; null when every item was N/A. */
  score: number | null;
  /** The score before the critical policy. */
  raw_score: number | null;
  band: string | null;
  /** Categories with at least one failed critical item. */
  failed_critical: CriticalCategory[];
  /** True when the critical policy made the score 0. */
  zeroed: boolean;
  applicable_items: number;
}

/** The facts of one answered call (an answered stint), as an analyst sees them. */
export interface QaCallFacts {
  site: string;
  callid: string;
  queue: string;
  agent: string;
  /** Epoch seconds. */
  enter_ts: number;
  end_ts: number;
  wait_s: number | null;
  talk_s: number | null;
  /** Masked (`*******567`) unless the viewer sees caller numbers in full. */
  caller: string;
  transferred: boolean;
  /** From the configured recording URL template, or null when none is set. */
  recording_url: string | null;
}

export interface QaEvaluation extends QaScore {
  evaluation_id: string;
  /** 1 for the first submission; an edit stores version + 1 and the older versions stay. */
  version: number;
  kind: EvaluationKind;
  /** The calibration session ('' for monitoring). */
  session_id: string;
  form_id: string;
  form_version: number;
  site: string;
  callid: string;
  queue: string;
  agent: string;
  /** Epoch seconds the call entered the queue. */
  call_ts: number;
  analyst: string;
  answers: QaAnswers;
  comment: string;
  created_at_ms: number;
}

// ---- Sampling ----

/** Parts of the day (site local time): [0, 12), [12, 18), [18, 24). */
export const DAYPARTS = ['morning', 'afternoon', 'evening'] as const;
export type Daypart = (typeof DAYPARTS)[number];
/** The outcome strata of answered calls. */
export const CALL_OUTCOMES = ['completed', 'transferred'] as const;
export type CallOutcome = (typeof CALL_OUTCOMES)[number];

export interface SampledCall {
  site: string;
  callid: string;
  queue: string;
  agent: string;
  enter_ts: number;
  outcome: CallOutcome;
  daypart: Daypart;
  /** `queue|outcome|daypart`. */
  stratum: string;
}

export interface SampleAgentProgress {
  agent: string;
  /** Answered calls of the agent in the month. */
  population: number;
  target: number;
  drawn: number;
  /** Monitoring evaluations of the agent's calls in the month (latest versions). */
  done: number;
}

export interface QaSample {
  /** `YYYY-MM` in the site time zone. */
  month: string;
  /** 1 for the first draw of the month; a redraw stores version + 1. */
  version: number;
  /** The seed the draw used: the same calls and seed draw the same sample. */
  seed: number;
  target_per_agent: number;
  created_by: string;
  created_at_ms: number;
  calls: SampledCall[];
  agents: SampleAgentProgress[];
}

// ---- Calibration ----

export type ReferenceRule = { kind: 'analyst'; analyst: string } | { kind: 'consensus' };

export interface CalibrationSession {
  session_id: string;
  title: string;
  site: string;
  callid: string;
  queue: string;
  agent: string;
  call_ts: number;
  form_id: string;
  form_version: number;
  /** Invited analysts (the reference analyst is one of them). */
  analysts: string[];
  reference: ReferenceRule;
  /** Epoch ms; after it every participant sees the statistics. */
  deadline_ms: number;
  tolerance: number;
  created_by: string;
  created_at_ms: number;
}

export interface AnalystDeviation {
  analyst: string;
  score: number | null;
  /** The score before a failed critical item zeroed it (equal to `score` otherwise): two zeroed analysts may still be far apart. */
  raw_score: number | null;
  zeroed: boolean;
  /** score - reference score, or score - mean of the others (consensus); null without a comparison. */
  deviation: number | null;
  within_tolerance: boolean | null;
  /** % of items answered as the reference (consensus: mean share of the others agreeing, per item). */
  item_agreement_pct: number | null;
  is_reference: boolean;
}

export interface ItemAgreement {
  item_id: string;
  label: string;
  /** The reference analyst's answer (null in consensus sessions or before the reference submitted). */
  reference: QaAnswerValue | null;
  /** analyst -> answer. */
  answers: Record<string, QaAnswerValue>;
  /** % of analysts (besides the reference) who answered as the reference; consensus: % of analyst pairs that agree. */
  agreement_pct: number | null;
  unanimous: boolean;
}

export interface CalibrationStats {
  submitted: number;
  reference_score: number | null;
  analysts: AnalystDeviation[];
  items: ItemAgreement[];
  /** max - min of the submitted scores. */
  spread: number | null;
  /** Population standard deviation of the submitted scores. */
  std_dev: number | null;
  /** Fleiss' kappa over the form's items (answers as categories), 3 decimals; null when undefined. */
  fleiss_kappa: number | null;
}

export interface CalibrationView {
  session: CalibrationSession;
  /** Who has submitted (never their scores before the reveal). */
  submitted_by: string[];
  deadline_passed: boolean;
  /** Whether this viewer may see the statistics (submitted, or the deadline passed). */
  revealed: boolean;
  my_evaluation: QaEvaluation | null;
  stats: CalibrationStats | null;
}

export const LENIENCY = ['lenient', 'aligned', 'severe'] as const;
export type Leniency = (typeof LENIENCY)[number];

export interface AnalystHistory {
  analyst: string;
  sessions: number;
  mean_deviation: number | null;
  within_tolerance_pct: number | null;
  leniency: Leniency | null;
}

/** Live (not persisted) on `kpi.qa.<site>`: a session changed; clients fetch what they may see. */
export interface CalibrationLiveMessage {
  type: 'calibration';
  site: string;
  session_id: string;
  submitted: number;
  invited: number;
  at_ms: number;
}
export const QA_LIVE_SUBJECT_PREFIX = 'kpi.qa';
export function qaLiveSubject(site: string): string {
  return `${QA_LIVE_SUBJECT_PREFIX}.${site}`;
}

// ---- Results, surveys, report ----

export type CriticalAccuracy = Record<CriticalCategory, number | null>;

export interface AgentMonthResult {
  month: string;
  evaluations: number;
  avg_score: number | null;
  /** % of evaluations with no failed critical item of the category. */
  critical_accuracy: CriticalAccuracy;
}

export interface AgentResults {
  agent: string;
  evaluations: QaEvaluation[];
  /** Oldest month first: the trend. */
  months: AgentMonthResult[];
}

export interface SurveyDimensionStats {
  answers: number;
  mean: number | null;
  csat_pct: number | null;
}

export interface SurveyStatsRow {
  /** The queue or agent ('' for the total). */
  key: string;
  answered_calls: number;
  surveyed_calls: number;
  /** surveyed / answered. */
  response_rate_pct: number | null;
  answers: number;
  /** Answers of 4 or 5 / answers, over every dimension. */
  csat_pct: number | null;
  dimensions: Record<string, SurveyDimensionStats>;
}

export interface SurveyStats {
  from_s: number;
  to_s: number;
  total: SurveyStatsRow;
  by_queue: SurveyStatsRow[];
  by_agent: SurveyStatsRow[];
}

export interface QaAgentMonth {
  agent: string;
  team: string;
  target: number;
  done: number;
  avg_score: number | null;
  critical_accuracy: CriticalAccuracy;
  csat_pct: number | null;
  surveys: number;
}

export interface QaTeamMonth {
  team: string;
  agents: number;
  target: number;
  done: number;
  avg_score: number | null;
  critical_accuracy: CriticalAccuracy;
  csat_pct: number | null;
  surveys: number;
}

export interface CalibrationSummary {
  session_id: string;
  title: string;
  callid: string;
  deadline_ms: number;
  submitted: number;
  invited: number;
  spread: number | null;
  std_dev: number | null;
  fleiss_kappa: number | null;
  within_tolerance_pct: number | null;
}

/** The monthly quality report's data; the reports engineer renders it as XLSX / PDF sheets. */
export interface QaMonthlyReport {
  month: string;
  tz: string;
  agents: QaAgentMonth[];
  teams: QaTeamMonth[];
  calibration: { sessions: CalibrationSummary[]; analysts: AnalystHistory[] };
  surveys: SurveyStats;
  /** Training / knowledge tests of the month (kpi-definitions §17). */
  training: { agents: TrainingAgentMonth[]; teams: TrainingTeamMonth[] };
}

// ---- Training / knowledge evaluations (issue 17; kpi-definitions §17) ----

/** One knowledge test result of an agent: (agent, test, date) names it; entering it again replaces it. */
export interface TrainingScore {
  agent: string;
  test: string;
  /** YYYY-MM-DD (the day the test was taken). */
  date: string;
  /** 0-100, at most 2 decimals. */
  score: number;
  /** The score needed to pass this test, 0-100. */
  pass_mark: number;
  passed: boolean;
  entered_by: string;
}

export interface TrainingAgentMonth {
  agent: string;
  team: string;
  tests: number;
  passed: number;
  /** Mean score of the month's tests (2 decimals). */
  avg_score: number | null;
  /** Mean pass mark of the same tests. */
  avg_pass_mark: number | null;
  pass_rate_pct: number | null;
  /** The previous month's mean score (null: no test then). */
  prev_avg_score: number | null;
  /** avg_score - prev_avg_score (null when either is missing). */
  trend: number | null;
  /** The month's mean score is under the mean pass mark of the tests taken. */
  below_pass_mark: boolean;
}

export interface TrainingTeamMonth {
  team: string;
  /** Agents of the team with a test in the month. */
  agents: number;
  tests: number;
  passed: number;
  /** Mean over every test of the team's agents (each test weighs the same). */
  avg_score: number | null;
  pass_rate_pct: number | null;
  prev_avg_score: number | null;
  trend: number | null;
  /** Agents of the team below their pass mark. */
  below: number;
}

export interface TrainingMonth {
  month: string;
  agents: TrainingAgentMonth[];
  teams: TrainingTeamMonth[];
  /** The month's test results, by date then agent. */
  scores: TrainingScore[];
}

export interface QaTeamMember {
  team: string;
  agent: string;
  /** Username of the supervisor who sees the agent's results. */
  supervisor: string;
}

export interface QaSettings {
  /** `{callid}` and `{site}` are replaced (URL-encoded); '' = no recording links. */
  recording_url_template: string;
  /** Default evaluations per agent per month. */
  target_per_agent: number;
}

// ---- The service the dashboard's routes call (injected by the composition root) ----

/**
 * What a viewer may see. The dashboard derives it from the user's role (authorization is the
 * dashboard's); the quality service knows no roles, only these answers.
 */
export interface QaVisibility {
  /** Callers' numbers on monitored calls: in full, or masked to their last 3 digits. */
  callerNumbers: 'full' | 'masked';
  /** Whose results: every agent's (calibration results included), or only those of the agents in teams the viewer supervises. */
  agents: 'all' | 'supervised';
  /** Every calibration session (its statistics once the viewer is not a pending invitee), or only those the viewer created or was invited to. */
  calibrations: 'all' | 'own';
}

/** Who asks: the username (authorship, invitations, supervised teams) and what they may see. */
export interface QaViewer {
  username: string;
  sees: QaVisibility;
}

export type QaFailure = 'invalid' | 'not_found' | 'forbidden' | 'conflict';
export type QaResult<T> = { ok: true; value: T } | { ok: false; error: QaFailure; reason: string };

export interface CallSearch {
  from_s: number;
  to_s: number;
  agent?: string;
  queue?: string;
  limit?: number;
}

export interface EvaluationInput {
  site?: string;
  callid: string;
  form_id: string;
  answers: unknown;
  comment?: string;
}

export interface SessionInput {
  title?: string;
  site?: string;
  callid: string;
  form_id: string;
  analysts: unknown;
  /** A username, or null for consensus. */
  reference_analyst: string | null;
  deadline_ms: number;
  tolerance?: number;
}

export interface SessionListItem {
  session: CalibrationSession;
  submitted: number;
  deadline_passed: boolean;
}

export interface QualityApi {
  /** [start, end) epoch seconds of a `YYYY-MM` month in the site time zone; null when not a month. */
  monthRange(month: string): { from_s: number; to_s: number } | null;
  settings(): Promise<QaSettings>;
  saveSettings(input: unknown, by: QaViewer): Promise<QaResult<QaSettings>>;
  teams(): Promise<QaTeamMember[]>;
  saveTeams(input: unknown, by: QaViewer): Promise<QaResult<QaTeamMember[]>>;
  listForms(): Promise<QaForm[]>;
  formVersions(formId: string): Promise<QaForm[]>;
  publishForm(input: { form_id?: string; spec: unknown }, by: QaViewer): Promise<QaResult<QaForm>>;
  /** The score of answers given so far on a form version (unanswered items left out); nothing stored. */
  previewScore(formId: string, version: number, answers: unknown): Promise<QaResult<QaScore>>;
  searchCalls(q: CallSearch, viewer: QaViewer): Promise<QaCallFacts[]>;
  call(callid: string, site: string | null, viewer: QaViewer): Promise<QaCallFacts | null>;
  drawSample(input: { month: string; seed?: number; target_per_agent?: number; targets?: Record<string, number> }, by: QaViewer): Promise<QaResult<QaSample>>;
  sample(month: string, viewer: QaViewer): Promise<QaResult<QaSample | null>>;
  submitEvaluation(input: EvaluationInput, by: QaViewer): Promise<QaResult<QaEvaluation>>;
  editEvaluation(evaluationId: string, input: { answers: unknown; comment?: string }, by: QaViewer): Promise<QaResult<QaEvaluation>>;
  evaluationHistory(evaluationId: string, viewer: QaViewer): Promise<QaResult<QaEvaluation[]>>;
  agentResults(agent: string, range: { from_s: number; to_s: number }, viewer: QaViewer): Promise<QaResult<AgentResults>>;
  createSession(input: SessionInput, by: QaViewer): Promise<QaResult<CalibrationSession>>;
  listSessions(viewer: QaViewer): Promise<SessionListItem[]>;
  session(sessionId: string, viewer: QaViewer): Promise<QaResult<CalibrationView>>;
  submitCalibration(sessionId: string, input: { answers: unknown; comment?: string }, viewer: QaViewer): Promise<QaResult<CalibrationView>>;
  analystHistory(): Promise<AnalystHistory[]>;
  surveys(range: { from_s: number; to_s: number }, viewer: QaViewer): Promise<SurveyStats>;
  monthlyReport(month: string, viewer: QaViewer | null): Promise<QaResult<QaMonthlyReport>>;
  /** Training tests of a month, per agent and team, with the previous month's for the trend. */
  trainingMonth(month: string, viewer: QaViewer | null): Promise<QaResult<TrainingMonth>>;
  /** One test result entered in the QA area (replaces the same agent, test and date). */
  saveTrainingScore(input: unknown, by: QaViewer): Promise<QaResult<TrainingScore>>;
  /** A CSV of test results (agent, test, date, score, pass_mark); bad rows rejected with their reason. */
  importTraining(csv: string, by: QaViewer): Promise<QaResult<ImportReport>>;
}
