// The wallboard's REST tiles (funnel services, contact channels): the board asks an API for today
// in the site's zone at once and again every `refreshMs`, with the session of a logged-in user or,
// on a kiosk TV, the kiosk token in the x-tablero-kiosk header (those reads accept either). A
// failed read (a server without that service answers 503) leaves the tile as it was, hidden at
// first. Returns the stop function for `onMount`.
import { untrack } from 'svelte';
import { queryString } from './api.ts';
import type { LiveFeed } from './live-feed.svelte.ts';
import { kioskTokenFrom } from './route.ts';
import { api, session } from './session.svelte.ts';
import { KIOSK_HEADER } from '../../shared/roles.ts';
import { siteZone, todayQuery } from '../features/funnel/tile-model.ts';

export interface TodayPoll {
  feed: LiveFeed;
  /** The API path without its query (`/api/funnel`). */
  path: string;
  refreshMs: number;
  /** The answer for `day` (YYYY-MM-DD in the site's zone). */
  take(answer: unknown, day: string): void;
}

export function pollToday(o: TodayPoll): () => void {
  const kiosk = kioskTokenFrom(location.search);
  if (kiosk === null && !session.user) return () => undefined;
  const read = (url: string): Promise<unknown> => (kiosk === null ? api.get(url) : kioskGet(url, kiosk));
  let alive = true;
  const load = async (): Promise<void> => {
    const tz = siteZone(untrack(() => o.feed.queues), Intl.DateTimeFormat().resolvedOptions().timeZone);
    const q = todayQuery(Date.now(), tz);
    try {
      const answer = await read(`${o.path}${queryString(q)}`);
      if (alive) o.take(answer, q.from ?? '');
    } catch {
      // Kept as it was (see above).
    }
  };
  void load();
  const timer = setInterval(() => void load(), o.refreshMs);
  return () => {
    alive = false;
    clearInterval(timer);
  };
}

/** A `board` read as a kiosk TV makes it (no session: the token in its header). */
async function kioskGet(url: string, token: string): Promise<unknown> {
  const res = await fetch(url, { headers: { accept: 'application/json', [KIOSK_HEADER]: token }, credentials: 'same-origin' });
  if (!res.ok) throw new Error(`GET ${url}: ${res.status}`);
  return res.json();
}
