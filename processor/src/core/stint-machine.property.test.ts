import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OUTCOMES } from '../contract.ts';
import { addStint, emptySums, figures } from './kpi-math.ts';
import { applyEvent, createStintState, openStintCount, type StintRow } from './stint-machine.ts';
import { eventMaker } from '../testing/events.ts';

const ENDS = ['COMPLETECALLER', 'COMPLETEAGENT', 'TRANSFER', 'BLINDTRANSFER', 'ATTENDEDTRANSFER', 'ABANDON', 'EXITWITHTIMEOUT', 'EXITWITHKEY', 'EXITEMPTY', 'WITHDRAW', 'SYSCOMPAT', 'FULL', 'OPEN'] as const;
const EXPECTED: Record<(typeof ENDS)[number], string | null> = {
  COMPLETECALLER: 'answered', COMPLETEAGENT: 'answered', TRANSFER: 'answered', BLINDTRANSFER: 'answered', ATTENDEDTRANSFER: 'answered',
  ABANDON: 'abandoned', EXITWITHTIMEOUT: 'timeout', EXITWITHKEY: 'exit_key', EXITEMPTY: 'exit_empty', WITHDRAW: 'withdrawn',
  SYSCOMPAT: 'failed', FULL: 'refused', OPEN: null,
};

const call: fc.Arbitrary<CallSpec> = fc.record({
  queue: fc.constantFrom('q1', 'q2', 'Q1'),
  end: fc.constantFrom(...ENDS),
  wait: fc.integer({ min: 0, max: 120 }),
  talk: fc.integer({ min: 0, max: 600 }),
  rings: fc.integer({ min: 0, max: 3 }),
  dump: fc.boolean(),
  enterSeen: fc.boolean(),
});

/** Lines of one call, relative seconds; the caller interleaves calls. */
type CallSpec = { queue: string; end: (typeof ENDS)[number]; wait: number; talk: number; rings: number; dump: boolean; enterSeen: boolean };

function callLines(i: number, c: CallSpec): Array<[number, string]> {
  const id = `c${i}`;
  const q = c.queue;
  const out: Array<[number, string]> = [];
  if (c.end === 'FULL') return [[0, `${id}|${q}|NONE|FULL|`]];
  if (c.enterSeen) out.push([0, `${id}|${q}|NONE|ENTERQUEUE||555|1`]);
  for (let r = 0; r < c.rings; r++) out.push([0, `${id}|${q}|SIP/a|RINGNOANSWER|15000`]);
  const answered = EXPECTED[c.end] === 'answered';
  if (answered || c.end === 'SYSCOMPAT') {
    if (c.dump) {
      out.push([0, `${id}|${q}|Ann|CONNECT|0|x|1`], [0, `${id}|${q}|Ann|AGENTDUMP|`]);
    }
    out.push([c.wait, `${id}|${q}|Bob|CONNECT|${c.wait}|x|1`]);
  }
  const w = c.wait;
  const end = c.wait + c.talk;
  switch (c.end) {
    case 'COMPLETECALLER': case 'COMPLETEAGENT': out.push([end, `${id}|${q}|Bob|${c.end}|${w}|${c.talk}|1`]); break;
    case 'TRANSFER': case 'BLINDTRANSFER': out.push([end, `${id}|${q}|Bob|${c.end}|200|ctx|${w}|${c.talk}|1`]); break;
    case 'ATTENDEDTRANSFER': out.push([end, `${id}|${q}|Bob|ATTENDEDTRANSFER|BRIDGE|b1|${w}|${c.talk}|1`]); break;
    case 'ABANDON': case 'EXITEMPTY': out.push([w, `${id}|${q}|NONE|${c.end}|1|1|${w}`]); break;
    case 'WITHDRAW': out.push([w, `${id}|${q}|NONE|WITHDRAW|1|1|${w}|x`]); break;
    case 'EXITWITHTIMEOUT': out.push([w, `${id}|${q}|NONE|EXITWITHTIMEOUT|1`]); break;
    case 'EXITWITHKEY': out.push([w, `${id}|${q}|NONE|EXITWITHKEY|5|1|1|${w}`]); break;
    case 'SYSCOMPAT': out.push([w, `${id}|${q}|Bob|SYSCOMPAT|`]); break;
    default: break;
  }
  return out;
}

const stream = fc
  .record({ calls: fc.array(call, { minLength: 1, maxLength: 40 }), starts: fc.array(fc.integer({ min: 0, max: 300 }), { minLength: 40, maxLength: 40 }) })
  .map(({ calls, starts }) => {
    const timed: Array<{ t: number; seq: number; line: string }> = [];
    calls.forEach((c, i) => {
      let last = 0; // a call's own lines never go back in time
      callLines(i, c).forEach(([dt, line], seq) => {
        last = Math.max(last, dt);
        timed.push({ t: 1_000_000 + (starts[i] ?? 0) + last, seq: i * 100 + seq, line });
      });
    });
    // Log order = time order; within one second calls interleave but each call keeps its own order.
    timed.sort((a, b) => a.t - b.t || a.seq - b.seq);
    return { calls, lines: timed.map((x) => `${x.t}|${x.line}`) };
  });

function replay(lines: string[]): { rows: StintRow[]; open: number } {
  const state = createStintState();
  const make = eventMaker();
  const rows = lines.flatMap((l) => applyEvent(state, make(l)));
  return { rows, open: openStintCount(state) };
}

describe('stint machine properties', () => {
  it('every stint has exactly one outcome, offered = answered + unanswered (+ short), replays are identical', () => {
    fc.assert(
      fc.property(stream, fc.integer({ min: 0, max: 30 }), ({ calls, lines }, shortS) => {
        const { rows, open } = replay(lines);
        // One ended stint per call with a terminal event, with the outcome its end event means.
        const ended = calls.map((c, i) => ({ i, o: EXPECTED[c.end], c })).filter((x) => x.o !== null);
        expect(rows).toHaveLength(ended.length);
        // An open call is visible only when some line of it was logged.
        expect(open).toBe(calls.filter((c) => c.end === 'OPEN' && (c.enterSeen || c.rings > 0)).length);
        const byCall = new Map(rows.map((r) => [r.callid, r]));
        for (const e of ended) {
          const r = byCall.get(`c${e.i}`);
          expect(r?.outcome).toBe(e.o);
          const measuredOnly = e.c.end === 'EXITWITHTIMEOUT' || e.c.end === 'SYSCOMPAT';
          const wait = e.o === 'refused' ? 0 : measuredOnly && !e.c.enterSeen ? null : e.c.wait;
          expect(r?.wait_s).toBe(wait);
          if (e.o === 'answered') expect(r?.talk_s).toBe(e.c.talk);
          if (r && !r.enter_seen) expect(r.enter_ts).toBe(r.end_ts - (r.wait_s ?? 0) - (r.talk_s ?? 0));
        }
        for (const r of rows) expect(OUTCOMES).toContain(r.outcome);

        const def = { formula: 'offered' as const, threshold_s: 20, strict: false, short_abandon_s: shortS, count_refused: false, include_out_of_hours: false };
        const sums = emptySums();
        for (const r of rows) addStint(sums, r, def);
        const f = figures(sums);
        expect(f.offered).toBe(f.answered + f.unanswered);
        expect(f.offered + f.short_abandoned + f.refused).toBe(rows.length);
        expect(f.unanswered).toBe(f.abandoned + f.timeout + f.exit_key + f.exit_empty + f.withdrawn + f.failed);

        // Recomputing from the raw events gives the same stints, ids included.
        expect(replay(lines).rows).toEqual(rows);
        // A redelivered prefix (crash before ack) changes nothing.
        const state = createStintState();
        const make = eventMaker();
        const events = lines.map((l) => make(l));
        const cut = Math.floor(events.length / 2);
        const again = [...events.slice(0, cut).flatMap((e) => applyEvent(state, e)), ...events.slice(0, cut).flatMap((e) => applyEvent(state, e)), ...events.slice(cut).flatMap((e) => applyEvent(state, e))];
        expect(again).toEqual(rows);
      }),
      { numRuns: 300 },
    );
  });
});
