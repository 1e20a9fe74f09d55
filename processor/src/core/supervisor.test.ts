import { describe, expect, it } from 'vitest';
import type { StintRow } from './stint-machine.ts';
import { createAgentState } from './agent-state.ts';
import { createStintState } from './stint-machine.ts';
import { addSupervisorStint, buildSupervisorMessage, createSupervisorDays, type SupervisorDays } from './supervisor.ts';

const TZ = 'America/Bogota';
/** 2026-11-09 10:00 in Bogotá (UTC-5); the local day began at 05:00 UTC. */
const NOW_S = Date.UTC(2026, 10, 9, 15) / 1000;
const DAY_START = Date.UTC(2026, 10, 9, 5) / 1000;

function stint(callid: string, outcome: StintRow['outcome'], enter: number, caller: string, agent = ''): StintRow {
  return {
    stint_id: callid, site: 's', queue: 'q', callid, enter_ts: enter, end_ts: enter + 10, outcome, wait_s: 10, talk_s: outcome === 'answered' ? 30 : null,
    agent, caller, transferred: false, enter_seen: true, end_event_id: `e-${callid}`,
  };
}

const view = (days: SupervisorDays, nowS = NOW_S) =>
  buildSupervisorMessage({ site: 's', tz: TZ, stints: createStintState(), agents: createAgentState(), days, live: { staleAfterS: 14_400 }, nowMs: nowS * 1000 });

describe('supervisor day lists', () => {
  it('keeps the 500 newest abandoned callers of the local day, whatever order they come in', () => {
    const days = createSupervisorDays();
    // 1,200 abandons of today in a scrambled order, one of yesterday (local) and one answered.
    const order = Array.from({ length: 1200 }, (_, i) => (i * 7) % 1200);
    for (const i of order) addSupervisorStint(days, stint(`a${i}`, 'abandoned', DAY_START + i, `300${i}`), TZ, NOW_S);
    addSupervisorStint(days, stint('yesterday', 'abandoned', DAY_START - 1, '3001199'), TZ, NOW_S);
    addSupervisorStint(days, stint('back', 'answered', DAY_START + 1300, '3001199', 'Ana'), TZ, NOW_S);
    const m = view(days);
    expect(m.abandoned).toHaveLength(500);
    expect(m.abandoned.map((a) => a.callid).slice(0, 3)).toEqual(['a1199', 'a1198', 'a1197']);
    expect(m.abandoned.at(-1)?.callid).toBe('a700');
    expect(m.abandoned.filter((a) => a.answered_after).map((a) => a.callid)).toEqual(['a1199']);
  });

  it('starts a new list at local midnight', () => {
    const days = createSupervisorDays();
    addSupervisorStint(days, stint('late', 'abandoned', DAY_START + 86_399, '1'), TZ, NOW_S);
    expect(view(days).abandoned.map((a) => a.callid)).toEqual(['late']);
    expect(view(days, DAY_START + 86_400).abandoned).toEqual([]);
  });
});
