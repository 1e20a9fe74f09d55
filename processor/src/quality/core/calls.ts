// Call facts as each role may see them, recording links, and month boundaries. Pure.
import { localParts, localToEpoch } from '../../core/calendar.ts';

// The caller mask is the one shared with the dashboard (processor/src/caller-mask.ts).
export { maskCaller } from '../../caller-mask.ts';

/** The recording link of a call: `{callid}` and `{site}` in the template, URL-encoded; null without a template. */
export function recordingUrl(template: string, call: { site: string; callid: string }): string | null {
  if (template.trim() === '') return null;
  return template.replaceAll('{callid}', encodeURIComponent(call.callid)).replaceAll('{site}', encodeURIComponent(call.site));
}

/** A recording URL template must be http(s) and mention `{callid}`. */
export function checkRecordingTemplate(t: string): { ok: true } | { ok: false; reason: string } {
  if (t === '') return { ok: true };
  if (!/^https?:\/\/\S+$/.test(t)) return { ok: false, reason: 'the recording URL template must be an http(s) URL without spaces' };
  if (!t.includes('{callid}')) return { ok: false, reason: 'the recording URL template must contain {callid}' };
  return { ok: true };
}

export const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** [start, end) epoch seconds of a local month `YYYY-MM` in `tz`; null when the text is not a month. */
export function monthRange(month: string, tz: string): { from_s: number; to_s: number } | null {
  const m = MONTH.exec(month);
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  return { from_s: localToEpoch(y, mo, 1, 0, 0, tz), to_s: mo === 12 ? localToEpoch(y + 1, 1, 1, 0, 0, tz) : localToEpoch(y, mo + 1, 1, 0, 0, tz) };
}

export function monthOf(epochS: number, tz: string): string {
  const p = localParts(epochS, tz);
  return `${String(p.year).padStart(4, '0')}-${String(p.month).padStart(2, '0')}`;
}
