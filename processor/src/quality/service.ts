// The quality service behind the dashboard's /api/qa routes: forms, sampling, scoring,
// calibration sessions, results, surveys and the monthly report. It validates input and
// applies the viewer's visibility (decided by the dashboard from the role: whose results,
// caller numbers in full or masked, which calibration sessions). Each part lives in
// ./service/ and takes one shared context, so it can be built and tested alone.
import type { QualityApi } from './contract.ts';
import { monthRange } from './core/calls.ts';
import { calibrationPart } from './service/calibration.ts';
import { callsPart } from './service/calls.ts';
import { qualityContext, type QualityServiceDeps } from './service/context.ts';
import { evaluationsPart } from './service/evaluations.ts';
import { formsPart } from './service/forms.ts';
import { reportPart } from './service/report.ts';
import { samplingPart } from './service/sampling.ts';
import { settingsPart } from './service/settings.ts';
import { surveysPart } from './service/surveys.ts';
import { trainingPart } from './service/training.ts';

export { DEFAULT_QA_SETTINGS, type QualityServiceDeps } from './service/context.ts';

export function createQualityService(deps: QualityServiceDeps): QualityApi {
  const c = qualityContext(deps);
  const { history, ...calibration } = calibrationPart(c);
  const { surveyData, ...surveys } = surveysPart(c);
  return {
    monthRange: (month) => monthRange(month, c.tz),
    ...settingsPart(c),
    ...formsPart(c),
    ...callsPart(c),
    ...samplingPart(c),
    ...evaluationsPart(c),
    ...calibration,
    ...surveys,
    ...trainingPart(c),
    ...reportPart(c, { calibration: { history }, surveys: { surveyData } }),
  };
}
