// Evaluation forms: every change publishes a new version; evaluations keep the version they used.
import type { QaForm, QualityApi } from '../contract.ts';
import { checkAnswers, checkFormSpec } from '../core/form.ts';
import { scoreAnswers } from '../core/scoring.ts';
import * as store from '../store/qa-store.ts';
import { invalid, notFound, ok, type QualityContext } from './context.ts';

export type FormsPart = Pick<QualityApi, 'listForms' | 'formVersions' | 'publishForm' | 'previewScore'>;

export function formsPart(c: QualityContext): FormsPart {
  const { ch } = c;
  return {
    listForms: () => store.latestForms(ch),
    formVersions: (formId) => store.formVersions(ch, formId),

    // The running score of answers given so far (nothing stored): the same scoring as a submission.
    async previewScore(formId, version, answers) {
      const form = await store.getForm(ch, formId, version);
      if (!form) return notFound(`form ${formId} version ${version}`);
      const checked = checkAnswers(form, answers, { partial: true });
      if (!checked.ok) return invalid(checked.reason);
      return ok(scoreAnswers(form, checked.value));
    },

    async publishForm(input, by) {
      const checked = checkFormSpec(input.spec);
      if (!checked.ok) return invalid(checked.reason);
      let formId = c.newId();
      let version = 1;
      if (input.form_id !== undefined) {
        const versions = await store.formVersions(ch, input.form_id);
        const last = versions[versions.length - 1];
        if (!last) return notFound(`form ${input.form_id}`);
        formId = input.form_id;
        version = last.version + 1;
      }
      const form: QaForm = { ...checked.value, form_id: formId, version, created_by: by.username, created_at_ms: c.now() };
      await store.insertForm(ch, form);
      c.log.info({ form_id: formId, version, by: by.username }, 'quality form published');
      return ok(form);
    },
  };
}
