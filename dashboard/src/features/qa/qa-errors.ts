// The quality service's refusals in the user's language. The service answers a stable English
// reason (processor/src/quality/service/*: logs and scripts read it); the screens word the ones a
// user can meet. A reason not listed here is shown as the server gave it.
import type { QaTextKey } from './texts.ts';

type Words = (key: QaTextKey, params?: Record<string, string | number>) => string;

const EXACT: Readonly<Record<string, QaTextKey>> = {
  'analysts must be a non-empty list of usernames': 'err_analysts',
  'analysts must be usernames': 'err_analysts_names',
  'the reference analyst must be one of the invited analysts': 'err_reference',
  'a session without a reference needs at least two analysts': 'err_two_analysts',
  'a session needs at least one analyst besides the reference': 'err_besides_reference',
  'deadline_ms must be in the future (within a year)': 'err_deadline',
  'deadline_ms must be epoch milliseconds': 'err_deadline',
  'tolerance must be a number of points from 0 to 100 with at most 2 decimals': 'err_tolerance',
  'tolerance must be a number': 'err_tolerance',
  'the session is closed: its deadline passed': 'err_closed',
  'you already submitted your scores for this session': 'err_already',
  'you are not invited to score in this session': 'err_not_invited',
  'you are not part of this calibration session': 'err_not_part',
  'the recording URL template must be an http(s) URL without spaces': 'err_template_url',
  'the recording URL template must contain {callid}': 'err_template_callid',
  'target_per_agent must be a whole number from 1 to 1000': 'err_target',
};

/** The words for a reason of the quality service, or null when it is not one a screen words. */
export function qaReasonText(reason: string, t: Words): string | null {
  const exact = EXACT[reason];
  if (exact !== undefined) return exact === 'err_template_callid' ? t(exact, { callid: '{callid}' }) : t(exact);
  let m: RegExpExecArray | null;
  if ((m = /^answered call (.+) not found$/.exec(reason))) return t('err_call_not_found', { id: m[1] as string });
  if (/^form \S+( version \d+)? not found$/.test(reason)) return t('err_form_not_found');
  if (/^at most \d+ analysts$/.test(reason)) return t('err_too_many');
  if ((m = /^item (\S+) takes a whole number from 0 to (\d+)$/.exec(reason))) return t('err_answer_range', { id: m[1] as string, max: m[2] as string });
  if ((m = /^item (\S+) is not answered$/.exec(reason))) return t('err_not_answered', { id: m[1] as string });
  if ((m = /^item (\S+) does not allow N\/A$/.exec(reason))) return t('err_no_na', { id: m[1] as string });
  return null;
}

/** An error of a quality call as the user reads it: a known reason in their language, else its message. */
export function qaErrorText(err: unknown, t: Words): string {
  const message = err instanceof Error ? err.message : String(err);
  return qaReasonText(message, t) ?? message;
}
