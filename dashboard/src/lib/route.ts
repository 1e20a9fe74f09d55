// The hash routes of the SPA. Hash routing keeps every URL served by the one index.html, so a
// kiosk link (`/?kiosk=TOKEN#/wallboard`) works on any server path without rewrite rules.

export interface WallboardRoute {
  name: 'wallboard';
  /** Only these queues, or null for every queue. */
  queues: string[] | null;
  /** Cards per page when a TV rotates through pages; null = all on one page. */
  perPage: number | null;
  /** Seconds each page stays on screen. */
  rotateS: number;
  /** Only this site (the live feed subscribes to it), or null for every site the viewer may see. */
  site: string | null;
}

/** Views with no parameters in the URL: `#/live`, `#/reports`, `#/quality-data`, `#/settings`, `#/password`... */
export const PAGES = ['live', 'reports', 'funnel', 'quality', 'settings', 'qa', 'escalations', 'exports', 'campaigns', 'password', 'audit'] as const;
export type PageName = (typeof PAGES)[number];
const PAGE_PATHS: Record<PageName, string> = { live: '/live', reports: '/reports', funnel: '/funnel', quality: '/quality-data', settings: '/settings', qa: '/qa', escalations: '/escalations', exports: '/exports', campaigns: '/campaigns', password: '/password', audit: '/admin/audit' };

/** `#/calls?from=...&to=...&queue=...&figure=...`: the stints behind a figure (the /api/calls parameters as they are). */
export interface CallsRoute {
  name: 'calls';
  /** The list's query string, without `?` (the page sends it to /api/calls as it stands). */
  query: string;
}

/** `#/call/<site>/<callid>`: a call's whole story. */
export interface CallRoute {
  name: 'call';
  site: string;
  callid: string;
}

export type Route = WallboardRoute | { name: 'login' } | { name: PageName } | CallsRoute | CallRoute;

export const DEFAULT_ROTATE_S = 20;

export function wallboard(queues: string[] | null = null, perPage: number | null = null, rotateS = DEFAULT_ROTATE_S, site: string | null = null): WallboardRoute {
  return { name: 'wallboard', queues, perPage, rotateS, site };
}

/** A site id as the server takes it on /ws/live (`?site=`). */
const SITE_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** A whole number in [min, max], or null when the text is not one. */
function intParam(text: string | null, min: number, max: number): number | null {
  if (text === null || !/^\d+$/.test(text.trim())) return null;
  const n = Number(text.trim());
  return n >= min && n <= max ? n : null;
}

/**
 * `#/wallboard?queues=101,102&per_page=2&rotate_s=15&site=lpz` shows only those queues of site lpz,
 * two cards per page, turning the page every 15 s. Unknown paths and bad parameters fall back to the defaults, so a
 * mistyped TV link still shows a wallboard.
 */
export function parseRoute(hash: string): Route {
  const raw = hash.startsWith('#') ? hash.slice(1) : hash;
  const q = raw.indexOf('?');
  const path = (q === -1 ? raw : raw.slice(0, q)).replace(/\/+$/, '');
  const query = new URLSearchParams(q === -1 ? '' : raw.slice(q + 1));
  if (path === '/login') return { name: 'login' };
  // The quality screens live under `#/qa/...` (forms, sampling, scoring...); the qa view reads the rest.
  if (path.startsWith('/qa/')) return { name: 'qa' };
  if (path === '/calls') return { name: 'calls', query: query.toString() };
  const call = /^\/call\/([^/]+)\/(.+)$/.exec(path);
  if (call) {
    try {
      return { name: 'call', site: decodeURIComponent(call[1] as string), callid: decodeURIComponent(call[2] as string) };
    } catch {
      // A mangled escape: fall through to the wallboard like any unknown path.
    }
  }
  for (const page of PAGES) if (path === PAGE_PATHS[page]) return { name: page };
  const list = query.get('queues');
  const queues = list === null ? null : list.split(',').map((s) => s.trim()).filter((s) => s !== '');
  return wallboard(
    queues && queues.length > 0 ? queues : null,
    intParam(query.get('per_page'), 1, 100),
    intParam(query.get('rotate_s'), 3, 3600) ?? DEFAULT_ROTATE_S,
    SITE_ID.test(query.get('site') ?? '') ? query.get('site') : null,
  );
}

export function routeHash(route: Route): string {
  if (route.name === 'login') return '#/login';
  if (route.name === 'calls') return route.query === '' ? '#/calls' : `#/calls?${route.query}`;
  if (route.name === 'call') return `#/call/${encodeURIComponent(route.site)}/${encodeURIComponent(route.callid)}`;
  if (route.name !== 'wallboard') return `#${PAGE_PATHS[route.name]}`;
  const params: string[] = [];
  if (route.queues) params.push(`queues=${route.queues.map(encodeURIComponent).join(',')}`);
  if (route.perPage !== null) params.push(`per_page=${route.perPage}`);
  if (route.rotateS !== DEFAULT_ROTATE_S) params.push(`rotate_s=${route.rotateS}`);
  if (route.site !== null) params.push(`site=${encodeURIComponent(route.site)}`);
  return params.length > 0 ? `#/wallboard?${params.join('&')}` : '#/wallboard';
}

/** The kiosk token of a TV link (`?kiosk=...` before the hash), or null. */
export function kioskTokenFrom(search: string): string | null {
  const t = new URLSearchParams(search).get('kiosk');
  return t === null || t.trim() === '' ? null : t.trim();
}
