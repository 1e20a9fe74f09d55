// Test support: a generated month (October 2026, America/La_Paz, UTC-4 all year) whose figures
// are checked by hand in reports.integration.test.ts. Not a test file itself.
import type { ClickHouse } from '@tablero/sql';
import type { StintOutcome, StintRow } from '../../core/stint-machine.ts';
import { saveCalendarVersion, saveSettingsVersion } from '../../store/settings-store.ts';
import { createStore } from '../../store/store.ts';

export const TZ = 'America/La_Paz';
/** 2026-11-02 12:00 UTC: after October, when the month may be closed. */
export const NOW_MS = Date.UTC(2026, 10, 2, 12, 0, 0);

/** Epoch seconds of a La Paz wall-clock time (UTC-4, no DST). */
export function lapaz(y: number, mo: number, d: number, h: number, mi: number): number {
  return Date.UTC(y, mo - 1, d, h + 4, mi, 0) / 1000;
}

let n = 0;
export function stint(site: string, queue: string, enter: number, outcome: StintOutcome, wait: number | null, talk: number | null, agent = ''): StintRow {
  n += 1;
  return {
    stint_id: `st-${site}-${queue}-${enter}-${n}`, site, queue, callid: `call-${n}`, enter_ts: enter, end_ts: enter + (wait ?? 0) + (talk ?? 0),
    outcome, wait_s: wait, talk_s: talk, agent, caller: '', transferred: false, enter_seen: wait !== null, end_event_id: `ev-${n}`,
  };
}

/** Queue 101 uses the site defaults (offered, T 20, target 80); 102 has its own settings. */
export function octoberStints(): StintRow[] {
  const s = 'default';
  return [
    stint(s, '101', lapaz(2026, 10, 1, 8, 5), 'answered', 10, 100, 'ana'),
    stint(s, '101', lapaz(2026, 10, 1, 8, 20), 'answered', 20, 200, 'ana'),
    stint(s, '101', lapaz(2026, 10, 1, 9, 10), 'answered', 25, 60, 'luis'),
    stint(s, '101', lapaz(2026, 10, 1, 9, 30), 'abandoned', 30, null),
    stint(s, '101', lapaz(2026, 10, 2, 10, 0), 'answered', 5, 120, 'luis'),
    stint(s, '101', lapaz(2026, 10, 2, 10, 15), 'timeout', 300, null),
    stint(s, '101', lapaz(2026, 10, 2, 10, 40), 'refused', 0, null),
    stint(s, '101', lapaz(2026, 10, 2, 10, 50), 'answered', 8, null, ''),
    // Out of hours (the calendar opens at 07:00): counted on its own only.
    stint(s, '101', lapaz(2026, 10, 2, 3, 0), 'answered', 1, 50, 'ana'),
    // Last minute of October in La Paz (November 1st in UTC).
    stint(s, '101', lapaz(2026, 10, 31, 23, 59), 'answered', 15, 90, 'ana'),
    // Outside the month in La Paz (but October / November in UTC).
    stint(s, '101', lapaz(2026, 9, 30, 23, 0), 'answered', 1, 1, 'ana'),
    stint(s, '101', lapaz(2026, 11, 1, 0, 0), 'answered', 1, 1, 'ana'),
    stint(s, '102', lapaz(2026, 10, 5, 14, 0), 'answered', 30, 300, 'maría'),
    stint(s, '102', lapaz(2026, 10, 5, 14, 10), 'answered', 31, 100, 'maría'),
    stint(s, '102', lapaz(2026, 10, 5, 14, 20), 'abandoned', 3, null),
    stint(s, '102', lapaz(2026, 10, 5, 15, 0), 'abandoned', 40, null),
    stint(s, '102', lapaz(2026, 10, 6, 15, 5), 'exit_empty', 2, null),
    stint(s, '102', lapaz(2026, 10, 6, 15, 10), 'cut_by_restart', null, null),
    // Another site: never in this site's report.
    stint('other', '101', lapaz(2026, 10, 3, 12, 0), 'answered', 100, 100, 'ana'),
  ];
}

/** Stores the stints, the 102 settings and the site calendar (valid since before October). */
export async function seedOctober(ch: ClickHouse): Promise<void> {
  await createStore(ch).insertStints(octoberStints(), 0, 'october');
  const validFromMs = Date.UTC(2026, 0, 1);
  await saveSettingsVersion(ch, {
    site: 'default', queue: '102', patch: { formula: 'answered', threshold_s: 30, target_pct: 90, short_abandon_s: 5 }, validFromMs, createdBy: 'test', nowMs: validFromMs,
  });
  await saveCalendarVersion(ch, {
    site: 'default', spec: { tz: TZ, weekly: Array.from({ length: 7 }, () => [{ from: '07:00', to: '24:00' }]) }, validFromMs, createdBy: 'test', nowMs: validFromMs,
  });
}
