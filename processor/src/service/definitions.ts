// The processor's live view of the definitions (docs/kpi-definitions.md §12): the resolver over
// the stored setting and calendar versions, as the LiveContext the live windows and snapshots
// read, and the check for new versions. Swapping in new versions is the caller's (it must first
// let every reduced commit be stored, then rebuild the live windows).
import type { ClickHouse } from '@tablero/sql';
import { createCalendar, type SiteCalendar, type SiteCalendarSpec } from '../core/calendar.ts';
import { createResolver, type DefinitionHistory, type ResolverBase } from '../core/definitions.ts';
import type { LiveContext } from '../core/live.ts';
import { loadDefinitionHistory } from '../store/settings-store.ts';

export interface LiveDefinitions {
  readonly ctx: LiveContext;
  /** The stored history when it differs from the one in use, else null. */
  changed(): Promise<DefinitionHistory | null>;
  /** Uses `history` from now on (every later ctx call answers by it). */
  use(history: DefinitionHistory): void;
}

export async function createLiveDefinitions(ch: ClickHouse, base: ResolverBase, now: () => number): Promise<LiveDefinitions> {
  let history = await loadDefinitionHistory(ch);
  let resolver = createResolver(history, base);
  // One SiteCalendar per stored spec (specs are shared by the resolver's cache).
  const calendars = new WeakMap<SiteCalendarSpec, SiteCalendar>();
  const calendarOf = (spec: SiteCalendarSpec): SiteCalendar => {
    let c = calendars.get(spec);
    if (!c) calendars.set(spec, (c = createCalendar(spec)));
    return c;
  };
  return {
    ctx: {
      definition: (site, queue) => resolver.at(site, queue, now()),
      calendar: (site) => calendarOf(resolver.calendarAt(site, now()).spec),
      stintDefinition(site, queue, atS) {
        const r = resolver.at(site, queue, atS * 1000);
        return { settings: r.settings, calendar: calendarOf(r.calendar.spec) };
      },
    },
    async changed() {
      const fresh = await loadDefinitionHistory(ch);
      return JSON.stringify(fresh) === JSON.stringify(history) ? null : fresh;
    },
    use(fresh) {
      history = fresh;
      resolver = createResolver(history, base);
    },
  };
}
