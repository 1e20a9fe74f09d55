// The campaigns page's calls to /api/campaigns*: same-origin JSON with the session cookie;
// writes carry the session's CSRF token. Errors become ApiError like the rest of the SPA's calls.
import { requestJson } from '../../lib/api.ts';

export async function send<T>(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown, csrf?: string): Promise<T> {
  return (await requestJson((input, init) => fetch(input, init), '', method, path, body, csrf)) as T;
}

/** `#/campaigns?id=ID` -> ID (null: the list). */
export function campaignFromHash(hash: string): string | null {
  const q = hash.indexOf('?');
  if (q === -1) return null;
  const id = new URLSearchParams(hash.slice(q + 1)).get('id');
  return id === null || id.trim() === '' ? null : id.trim();
}

/** A file input's first file as text (UTF-8), or null when none is chosen. */
export async function fileText(input: HTMLInputElement | undefined): Promise<string | null> {
  const f = input?.files?.[0];
  return f ? await f.text() : null;
}
