// The simulated site's static setup: queues (service lines 101, 102, ...) and agents (members).
// Pure and independent of the seed, so names and membership are stable between runs.

export type Strategy = 'ringall' | 'rrmemory';

export interface QueueSpec {
  index: number;
  /** Queue name as logged: service line numbers "101", "102", ... */
  name: string;
  /** Share of the total arrival rate (shares sum to 1). */
  share: number;
  strategy: Strategy;
  /** Queue() timeout argument: the caller leaves with EXITWITHTIMEOUT after this many seconds. */
  timeoutS: number;
  /**
   * true: the call is answered before the queue (greeting/IVR), so its CDR is ANSWERED even when
   * the caller abandons. false: Queue() with the `r` option (ringing), answered only on CONNECT.
   */
  greeting: boolean;
  /** CDR lastdata, the Queue() arguments. */
  lastdata: string;
}

export type ShiftKind = 'A' | 'B' | 'C' | 'D' | 'night';

/** Shift windows in local minutes from the day's 00:00 (night ends on the next day). */
export const SHIFTS: Readonly<Record<ShiftKind, { startMin: number; endMin: number }>> = {
  A: { startMin: 7 * 60, endMin: 16 * 60 },
  B: { startMin: 8 * 60, endMin: 17 * 60 },
  C: { startMin: 9 * 60, endMin: 18 * 60 },
  D: { startMin: 12 * 60, endMin: 21 * 60 },
  // The night agent starts a quarter hour after the evening shift ends: callers in that gap meet
  // an empty queue (EXITEMPTY), as at real handovers.
  night: { startMin: 21 * 60 + 15, endMin: 31 * 60 },
};
/**
 * Day shifts (9 h with lunch) by agent index, staggered so staffing follows the curve: with 11
 * day agents, 3 at 07:00, 6 at 08:00, 9 from 09:00 (the 10:00 peak), 11 at midday, 2 until 21:00.
 */
const SHIFT_CYCLE: readonly ShiftKind[] = ['A', 'B', 'C', 'D', 'A', 'B', 'C', 'A', 'B', 'C', 'D', 'A'];
/** With this many agents or more, the last one works the night shift. */
export const NIGHT_AGENT_MIN = 5;

export interface Member {
  index: number;
  ext: string;
  /** Queue member interface, logged by ADDMEMBER/REMOVEMEMBER (FreePBX dynamic agent). */
  iface: string;
  /** membername, logged by every call and pause event. */
  name: string;
  /** The agent's phone, dialed through the Local channel. */
  device: string;
  /** Indexes of the queues the agent is a member of. */
  queues: number[];
  shift: ShiftKind;
  /** Local weekdays (0 Sunday, 6 Saturday) of the weekend the agent works. */
  weekendDays: number[];
}

const FIRST = ['Ana', 'Luis', 'María', 'Carlos', 'Sofía', 'Jorge', 'Lucía', 'Diego', 'Valeria', 'Andrés',
  'Camila', 'Fernando', 'Gabriela', 'Ricardo', 'Daniela', 'Marco', 'Paola', 'Javier', 'Carla', 'Raúl'];
const LAST = ['Pérez', 'Mamani', 'Quispe', 'Rojas', 'Gutiérrez', 'Vargas', 'Flores', 'Choque', 'Torrez',
  'Mendoza', 'Rodríguez', 'Fernández', 'López', 'Castillo', 'Navarro', 'Salazar', 'Ríos'];

export function queueSpecs(count: number): QueueSpec[] {
  // Traffic falls off by service line: 1, 1/2, 1/3, ... normalized.
  const weights = Array.from({ length: count }, (_, i) => 1 / (i + 1));
  const total = weights.reduce((a, b) => a + b, 0);
  const timeouts = [300, 180, 240];
  return weights.map((w, i) => {
    const name = String(101 + i);
    const greeting = i % 2 === 0;
    const timeoutS = timeouts[i % timeouts.length] ?? 300;
    return {
      index: i,
      name,
      share: w / total,
      strategy: i % 2 === 0 ? 'rrmemory' : 'ringall',
      timeoutS,
      greeting,
      lastdata: `${name},${greeting ? 't' : 'rt'},,,${timeoutS}`,
    };
  });
}

/**
 * Agents: extension 201 + index, a Spanish display name, a primary queue apportioned by traffic
 * share, a shift, and the weekend days they work.
 */
export function roster(agents: number, queues: QueueSpec[]): Member[] {
  const hasNight = agents >= NIGHT_AGENT_MIN;
  const assigned = queues.map(() => 0);
  const out: Member[] = [];
  for (let i = 0; i < agents; i++) {
    const ext = String(201 + i);
    const first = FIRST[i % FIRST.length] ?? 'Ana';
    const last = LAST[(i * 7 + Math.floor(i / FIRST.length)) % LAST.length] ?? 'Pérez';
    const round = Math.floor(i / (FIRST.length * LAST.length));
    const name = round === 0 ? `${first} ${last}` : `${first} ${last} ${round + 1}`;
    const night = hasNight && i === agents - 1;
    let primary = 0;
    let bestNeed = -Infinity;
    for (const qs of queues) {
      // Largest remaining need (share x agents so far - assigned): a steady apportionment.
      const need = qs.share * (i + 1) - (assigned[qs.index] ?? 0);
      if (need > bestNeed) {
        bestNeed = need;
        primary = qs.index;
      }
    }
    assigned[primary] = (assigned[primary] ?? 0) + 1;
    const shift: ShiftKind = night ? 'night' : (SHIFT_CYCLE[i % SHIFT_CYCLE.length] ?? 'A');
    const all = queues.map((qs) => qs.index);
    // Multi-skilled agents (every queue) are the ones who also cover evenings, nights and
    // weekends, so a queue is left empty (EXITEMPTY) only when the roster is too small.
    const multi = night || shift === 'D' || i % 2 === 0;
    const memberOf = multi ? all : [primary];
    // Saturday: even indexes; Sunday: multiples of 4 plus one evening agent.
    const saturday = night || i % 2 === 0;
    const sunday = night || i % 4 === 0 || (shift === 'D' && i % 4 === 3);
    const weekendDays = [...(sunday ? [0] : []), ...(saturday ? [6] : [])];
    out.push({
      index: i,
      ext,
      iface: `Local/${ext}@from-queue/n`,
      name,
      device: `PJSIP/${ext}`,
      queues: memberOf,
      shift,
      weekendDays,
    });
  }
  return out;
}
