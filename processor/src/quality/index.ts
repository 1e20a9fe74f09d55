// @tablero/processor/quality: the service the dashboard's /api/qa routes call and the survey
// consumer, for the composition root. The scoring and calibration math stays inside.
export { createQualityService, DEFAULT_QA_SETTINGS, type QualityServiceDeps } from './service.ts';
export { startSurveyConsumer, type SurveyConsumer } from './survey-consumer.ts';
