// @tablero/processor quality module: the service the dashboard's /api/qa routes call, the
// survey consumer, and the pure math for other engines (the monthly report renders
// monthlyReport() of the service).
export { createQualityService, DEFAULT_QA_SETTINGS, type QualityServiceDeps } from './service.ts';
export { startSurveyConsumer, type SurveyConsumer } from './survey-consumer.ts';
export { scoreAnswers, criticalAccuracy, averageScore, bandOf } from './core/scoring.ts';
export { calibrationStats, fleissKappa, analystHistory } from './core/calibration.ts';
export { drawSample } from './core/sampling.ts';
export { surveyStats, parseSurveyEvent } from './core/surveys.ts';
export { checkFormSpec, checkAnswers } from './core/form.ts';
export { QaStoreError } from './store/qa-store.ts';
