// The hash routes of the SPA. Hash routing keeps every URL served by the one index.html, so a
// kiosk link (`/?kiosk=TOKEN#/wallboard`) works on any server path without rewrite rules.

export type Route =
  | { name: 'wallboard'; /** null = every queue */ queues: string[] | null }
  | { name: 'login' };

export const DEFAULT_ROUTE: Route = { name: 'wallboard', queues: null };

/** `#/wallboard?queues=101,102` shows only those queues; unknown paths show the wallboard. */
export function parseRoute(hash: string): Route {
  const raw = hash.startsWith('#') ? hash.slice(1) : hash;
  const q = raw.indexOf('?');
  const path = (q === -1 ? raw : raw.slice(0, q)).replace(/\/+$/, '');
  const query = new URLSearchParams(q === -1 ? '' : raw.slice(q + 1));
  if (path === '/login') return { name: 'login' };
  const list = query.get('queues');
  const queues = list === null ? null : list.split(',').map((s) => s.trim()).filter((s) => s !== '');
  return { name: 'wallboard', queues: queues && queues.length > 0 ? queues : null };
}

export function routeHash(route: Route): string {
  if (route.name === 'login') return '#/login';
  return route.queues ? `#/wallboard?queues=${route.queues.map(encodeURIComponent).join(',')}` : '#/wallboard';
}

/** The kiosk token of a TV link (`?kiosk=...` before the hash), or null. */
export function kioskTokenFrom(search: string): string | null {
  const t = new URLSearchParams(search).get('kiosk');
  return t === null || t.trim() === '' ? null : t.trim();
}
