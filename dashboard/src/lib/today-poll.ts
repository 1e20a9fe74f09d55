// The wallboard's REST tiles (funnel services, contact channels): a logged-in user's board asks an
// API for today in the site's zone at once and again every `refreshMs`; a kiosk TV (no session for
// the REST API) asks nothing. A failed read (a server without that service answers 503) leaves the
// tile as it was, hidden at first. Returns the stop function for `onMount`.
import { untrack } from 'svelte';
import { queryString } from './api.ts';
import type { LiveFeed } from './live-feed.svelte.ts';
import { kioskTokenFrom } from './route.ts';
import { api, session } from './session.svelte.ts';
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
  if (kioskTokenFrom(location.search) !== null || !session.user) return () => undefined;
  let alive = true;
  const load = async (): Promise<void> => {
    const tz = siteZone(untrack(() => o.feed.queues), Intl.DateTimeFormat().resolvedOptions().timeZone);
    const q = todayQuery(Date.now(), tz);
    try {
      const answer = await api.get(`${o.path}${queryString(q)}`);
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
