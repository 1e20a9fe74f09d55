// @tablero/ingest/surveys: post-call survey answers in (CSV push and import), batches on the
// quality stream out.
export { parseSurveyCsv, surveyFingerprint, SurveyRequestError, type ParsedSurveys, type SurveyRejection } from './core.ts';
export { createSurveyPushHandler, importSurveyFiles, SURVEY_BATCH_ANSWERS, type SurveyPushRequest, type SurveySummary } from './publish.ts';
