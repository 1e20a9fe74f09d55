// The quality view's calls to /api/qa/*: same-origin JSON with the session cookie; writes carry
// the session's CSRF token. Errors become ApiError like the rest of the SPA's calls.
import { requestJson } from '../../lib/api.ts';

function call(method: string, path: string, body: unknown, csrf: string | undefined): Promise<unknown> {
  return requestJson((input, init) => fetch(input, init), '', method, path, body, csrf);
}

/** The answer is trusted to have the server's shape (same build, same origin). */
export async function qaGet<T>(path: string): Promise<T> {
  return (await call('GET', path, undefined, undefined)) as T;
}

export async function qaPost<T>(path: string, body: unknown, csrf: string): Promise<T> {
  return (await call('POST', path, body, csrf)) as T;
}

/** `#/qa?session=ID` -> ID. */
export function sessionFromHash(hash: string): string | null {
  const q = hash.indexOf('?');
  if (q === -1) return null;
  const id = new URLSearchParams(hash.slice(q + 1)).get('session');
  return id === null || id.trim() === '' ? null : id.trim();
}

/** A deviation with its sign and 2 decimals (`+5,25`, `-3,00`, `0,00`), or a dash. */
export function signed(v: number | null, lang: string): string {
  if (v === null) return '—';
  const text = Math.abs(v).toLocaleString(lang === 'en' ? 'en-US' : 'es-CO', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return v > 0 ? `+${text}` : v < 0 ? `-${text}` : text;
}

export function fixed(v: number | null, lang: string, digits = 2): string {
  if (v === null) return '—';
  return v.toLocaleString(lang === 'en' ? 'en-US' : 'es-CO', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export async function qaPut<T>(path: string, body: unknown, csrf: string): Promise<T> {
  return (await call('PUT', path, body, csrf)) as T;
}

export const QA_VIEWS = ['calibration', 'forms', 'sampling', 'score', 'agents', 'surveys', 'report', 'training', 'settings'] as const;
export type QaView = (typeof QA_VIEWS)[number];

/** `#/qa/forms?x=1` -> the forms view and its parameters; `#/qa` (and anything unknown) -> calibration. */
export function qaLocation(hash: string): { view: QaView; params: URLSearchParams } {
  const raw = hash.startsWith('#') ? hash.slice(1) : hash;
  const q = raw.indexOf('?');
  const path = (q === -1 ? raw : raw.slice(0, q)).replace(/\/+$/, '');
  const params = new URLSearchParams(q === -1 ? '' : raw.slice(q + 1));
  const sub = path.startsWith('/qa/') ? path.slice(4) : '';
  const view = (QA_VIEWS as readonly string[]).includes(sub) ? (sub as QaView) : 'calibration';
  return { view, params };
}

/** The hash of a quality view with parameters (empty values left out). */
export function qaHash(view: QaView, params: Record<string, string> = {}): string {
  const p = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== ''));
  const path = view === 'calibration' ? '#/qa' : `#/qa/${view}`;
  const s = p.toString();
  return s === '' ? path : `${path}?${s}`;
}

/** What the processor replaces in the recording URL template (`recordingUrl`); the first one is required (`checkRecordingTemplate`). */
export const RECORDING_PLACEHOLDERS = { required: '{callid}', optional: '{site}' } as const;
