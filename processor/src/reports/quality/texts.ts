// Spanish and English texts of the monthly quality report, in the users' own words
// (docs/glossary.md: monitoreo de calidad, error crítico, calibración, desviación frente al
// calibrador, encuesta de satisfacción). One table per language for the XLSX and PDF writers.
import type { CriticalCategory, Leniency } from '../../quality/contract.ts';
import type { ReportLang } from '../core/model.ts';

export interface QualityReportTexts {
  title: string;
  filePrefix: string;
  sheet: { summary: string; agents: string; teams: string; calibration: string; analysts: string; surveys_queue: string; surveys_agent: string; training_agents: string; training_teams: string; definitions: string };
  col: {
    agent: string;
    team: string;
    agents: string;
    target: string;
    done: string;
    done_pct: string;
    avg_score: string;
    critical: (c: CriticalCategory) => string;
    csat_pct: string;
    surveys: string;
    session: string;
    callid: string;
    deadline: string;
    submitted: string;
    invited: string;
    spread: string;
    std_dev: string;
    kappa: string;
    within_pct: string;
    analyst: string;
    sessions: string;
    mean_deviation: string;
    leniency: string;
    queue: string;
    answered_calls: string;
    surveyed_calls: string;
    response_rate_pct: string;
    answers: string;
    dimension_mean: (d: string) => string;
    tests: string;
    passed: string;
    avg_test_score: string;
    avg_pass_mark: string;
    pass_rate_pct: string;
    prev_avg: string;
    trend: string;
    below: string;
    below_agents: string;
  };
  yes: string;
  no: string;
  total: string;
  noTeam: string;
  leniency: Record<Leniency, string>;
  def: {
    report: string;
    period: string;
    tz: string;
    generated: string;
    sessionsInPeriod: (n: number) => string;
    definitions: Array<[string, string]>;
    page: (n: number, of: number) => string;
    none: string;
  };
}

const CRITICAL_ES: Record<CriticalCategory, string> = { end_user: 'usuario final', business: 'negocio', compliance: 'cumplimiento' };
const CRITICAL_EN: Record<CriticalCategory, string> = { end_user: 'end user', business: 'business', compliance: 'compliance' };

const ES: QualityReportTexts = {
  title: 'Informe mensual de calidad',
  filePrefix: 'informe-calidad',
  sheet: {
    summary: 'Resumen',
    agents: 'Por agente',
    teams: 'Por equipo',
    calibration: 'Calibraciones',
    analysts: 'Analistas',
    surveys_queue: 'Encuestas por cola',
    surveys_agent: 'Encuestas por agente',
    training_agents: 'Capacitación por agente',
    training_teams: 'Capacitación por equipo',
    definitions: 'Definiciones',
  },
  col: {
    agent: 'Agente',
    team: 'Equipo',
    agents: 'Agentes',
    target: 'Meta de evaluaciones',
    done: 'Evaluaciones realizadas',
    done_pct: 'Avance (%)',
    avg_score: 'Puntaje promedio',
    critical: (c) => `Precisión crítica ${CRITICAL_ES[c]} (%)`,
    csat_pct: 'CSAT (%)',
    surveys: 'Encuestas',
    session: 'Sesión de calibración',
    callid: 'Llamada',
    deadline: 'Cierre',
    submitted: 'Enviaron',
    invited: 'Invitados',
    spread: 'Dispersión (máx - mín)',
    std_dev: 'Desviación estándar',
    kappa: 'Kappa de Fleiss',
    within_pct: 'Dentro de tolerancia (%)',
    analyst: 'Analista',
    sessions: 'Sesiones',
    mean_deviation: 'Desviación media frente al calibrador',
    leniency: 'Tendencia',
    queue: 'Cola',
    answered_calls: 'Llamadas atendidas',
    surveyed_calls: 'Llamadas encuestadas',
    response_rate_pct: 'Tasa de respuesta (%)',
    answers: 'Respuestas',
    dimension_mean: (d) => `Promedio ${d} (1-5)`,
    tests: 'Evaluaciones de conocimiento',
    passed: 'Aprobadas',
    avg_test_score: 'Nota promedio (0-100)',
    avg_pass_mark: 'Nota mínima promedio',
    pass_rate_pct: 'Aprobación (%)',
    prev_avg: 'Nota promedio mes anterior',
    trend: 'Tendencia (puntos)',
    below: 'Bajo la nota mínima',
    below_agents: 'Agentes bajo la nota mínima',
  },
  yes: 'Sí',
  no: 'No',
  total: 'Total',
  noTeam: '(sin equipo)',
  leniency: { lenient: 'benévolo', aligned: 'alineado', severe: 'severo' },
  def: {
    report: 'Informe',
    period: 'Periodo',
    tz: 'Zona horaria',
    generated: 'Generado',
    sessionsInPeriod: (n) => `${n} sesiones de calibración con cierre en el periodo`,
    definitions: [
      ['Puntaje', '100 x suma(peso x puntos / máximo) / suma(peso), sobre los ítems aplicables (no N/A); un error crítico puede dejar el puntaje en 0 según el formato'],
      ['Precisión crítica', 'evaluaciones sin ítem crítico fallado de la categoría / evaluaciones'],
      ['Evaluaciones realizadas', 'monitoreos del mes (última versión de cada evaluación) frente a la meta de la muestra representativa'],
      ['Calibración', 'desviación = puntaje del analista - puntaje del calibrador (o la media de los demás); tolerancia por sesión'],
      ['CSAT', 'respuestas 4 o 5 / respuestas, en todas las dimensiones de la encuesta de satisfacción'],
      ['Tasa de respuesta', 'llamadas encuestadas / llamadas atendidas'],
      ['Capacitación', 'nota promedio = media de las notas (0-100) de las evaluaciones de conocimiento del mes; aprobación = notas >= nota mínima de su prueba / evaluaciones; tendencia = nota promedio - la del mes anterior; bajo la nota mínima = nota promedio < nota mínima promedio de sus pruebas'],
      ['Redondeo', 'cifras calculadas como fracciones exactas y redondeadas a 2 decimales (kappa: 3)'],
    ],
    page: (n, of) => `Página ${n} de ${of}`,
    none: 'Sin datos en el periodo',
  },
};

const EN: QualityReportTexts = {
  title: 'Monthly quality report',
  filePrefix: 'quality-report',
  sheet: {
    summary: 'Summary',
    agents: 'By agent',
    teams: 'By team',
    calibration: 'Calibrations',
    analysts: 'Analysts',
    surveys_queue: 'Surveys by queue',
    surveys_agent: 'Surveys by agent',
    training_agents: 'Training by agent',
    training_teams: 'Training by team',
    definitions: 'Definitions',
  },
  col: {
    agent: 'Agent',
    team: 'Team',
    agents: 'Agents',
    target: 'Evaluation target',
    done: 'Evaluations done',
    done_pct: 'Progress (%)',
    avg_score: 'Average score',
    critical: (c) => `Critical accuracy ${CRITICAL_EN[c]} (%)`,
    csat_pct: 'CSAT (%)',
    surveys: 'Surveys',
    session: 'Calibration session',
    callid: 'Call',
    deadline: 'Deadline',
    submitted: 'Submitted',
    invited: 'Invited',
    spread: 'Spread (max - min)',
    std_dev: 'Standard deviation',
    kappa: "Fleiss' kappa",
    within_pct: 'Within tolerance (%)',
    analyst: 'Analyst',
    sessions: 'Sessions',
    mean_deviation: 'Mean deviation from the reference',
    leniency: 'Tendency',
    queue: 'Queue',
    answered_calls: 'Answered calls',
    surveyed_calls: 'Surveyed calls',
    response_rate_pct: 'Response rate (%)',
    answers: 'Answers',
    dimension_mean: (d) => `Mean ${d} (1-5)`,
    tests: 'Knowledge tests',
    passed: 'Passed',
    avg_test_score: 'Average score (0-100)',
    avg_pass_mark: 'Average pass mark',
    pass_rate_pct: 'Pass rate (%)',
    prev_avg: 'Previous month average',
    trend: 'Trend (points)',
    below: 'Below the pass mark',
    below_agents: 'Agents below the pass mark',
  },
  yes: 'Yes',
  no: 'No',
  total: 'Total',
  noTeam: '(no team)',
  leniency: { lenient: 'lenient', aligned: 'aligned', severe: 'severe' },
  def: {
    report: 'Report',
    period: 'Period',
    tz: 'Time zone',
    generated: 'Generated',
    sessionsInPeriod: (n) => `${n} calibration sessions with a deadline in the period`,
    definitions: [
      ['Score', '100 x sum(weight x points / max) / sum(weight), over applicable (non-N/A) items; a failed critical item may make the score 0, as the form says'],
      ['Critical accuracy', 'evaluations with no failed critical item of the category / evaluations'],
      ['Evaluations done', "the month's monitorings (latest version of each evaluation) against the representative sample's target"],
      ['Calibration', "deviation = analyst's score - reference score (or the mean of the others); tolerance per session"],
      ['CSAT', 'answers of 4 or 5 / answers, over every dimension of the satisfaction survey'],
      ['Response rate', 'surveyed calls / answered calls'],
      ['Training', "average score = mean of the month's knowledge test scores (0-100); pass rate = scores >= their test's pass mark / tests; trend = average score - the previous month's; below the pass mark = average score < mean pass mark of the tests taken"],
      ['Rounding', 'figures computed as exact fractions and rounded to 2 decimals (kappa: 3)'],
    ],
    page: (n, of) => `Page ${n} of ${of}`,
    none: 'No data in the period',
  },
};

export function qualityTexts(lang: ReportLang): QualityReportTexts {
  return lang === 'es' ? ES : EN;
}
