// The simulator's pure discrete-event core: a seeded contact center (callers, queues, agents)
// that turns simulated time into Asterisk 13+ queue_log lines and cdr_csv rows. No I/O and no
// clock reads: the caller says how far to advance, so the same seed always yields the same bytes
// however the time is sliced.
import { curveAt, curveMax, SiteClock, type CurveKind } from './calendar.ts';
import { cdrLine, ql } from './lines.ts';
import { createRng, type Rng } from './prng.ts';
import { queueSpecs, roster, SHIFTS, type Member, type QueueSpec, type ShiftKind } from './roster.ts';

/** Invalid simulator option; the message names the option (the CLI prints it and exits 2). */
export class SimulatorOptionError extends Error {
  readonly code = 'TABLERO_ERR_SIM_OPTION';
  readonly option: string;
  constructor(option: string, message: string, options?: { cause?: unknown }) {
    super(`simulator option ${option}: ${message}`, options);
    this.name = 'SimulatorOptionError';
    this.option = option;
  }
}

export interface SimConfig {
  seed: number;
  /** Arrivals per hour over all queues at the busiest hour (weekday 10:00 local); the curve scales it. */
  callsPerHour: number;
  agents: number;
  queues: number;
  /** IANA time zone of the site: the curve and the shifts follow its wall clock. */
  tz: string;
  curve: CurveKind;
}

export const SIM_DEFAULTS = { callsPerHour: 240, agents: 12, queues: 3, tz: 'UTC', curve: 'daily' } as const;

export interface SimInput {
  seed: number;
  callsPerHour?: number;
  agents?: number;
  queues?: number;
  tz?: string;
  curve?: CurveKind;
}

/** Fills defaults and validates; throws SimulatorOptionError naming the first bad option. */
export function resolveConfig(input: SimInput): SimConfig {
  const cfg: SimConfig = {
    seed: input.seed,
    callsPerHour: input.callsPerHour ?? SIM_DEFAULTS.callsPerHour,
    agents: input.agents ?? SIM_DEFAULTS.agents,
    queues: input.queues ?? SIM_DEFAULTS.queues,
    tz: input.tz ?? SIM_DEFAULTS.tz,
    curve: input.curve ?? SIM_DEFAULTS.curve,
  };
  if (!Number.isInteger(cfg.seed)) throw new SimulatorOptionError('seed', `must be an integer, got ${cfg.seed}`);
  if (!Number.isFinite(cfg.callsPerHour) || cfg.callsPerHour < 0 || cfg.callsPerHour > 100_000) {
    throw new SimulatorOptionError('callsPerHour', `must be a number from 0 to 100000, got ${cfg.callsPerHour}`);
  }
  if (!Number.isInteger(cfg.agents) || cfg.agents < 0 || cfg.agents > 2000) {
    throw new SimulatorOptionError('agents', `must be an integer from 0 to 2000, got ${cfg.agents}`);
  }
  // Queues are named 101..200 and agents' extensions start at 201: up to 100 queues keep both apart.
  if (!Number.isInteger(cfg.queues) || cfg.queues < 1 || cfg.queues > 100) {
    throw new SimulatorOptionError('queues', `must be an integer from 1 to 100, got ${cfg.queues}`);
  }
  if (cfg.curve !== 'daily' && cfg.curve !== 'flat') {
    throw new SimulatorOptionError('curve', `must be "daily" or "flat", got ${String(cfg.curve)}`);
  }
  try {
    new SiteClock(cfg.tz).offsetS(0);
  } catch (err) {
    throw new SimulatorOptionError('tz', `unknown time zone ${cfg.tz}`, { cause: err });
  }
  return cfg;
}

// Behaviour parameters. Seconds unless the name says otherwise.
/** Member ring timeout (queues.conf `timeout`): RINGNOANSWER logs this many ms. */
export const MEMBER_TIMEOUT_S = 15;
/** queues.conf `retry`: pause before ringing members again after nobody answered. */
export const RETRY_S = 5;
/** queues.conf `wrapuptime`: an agent gets no new call this long after hanging up. */
export const WRAPUP_S = 10;
const P_RING_FAIL = 0.015; // device unreachable: RINGNOANSWER 0 at once
const P_RING_NO_ANSWER = 0.05; // agent away from the desk
const TALK_MEDIAN_S = 65;
const TALK_SIGMA = 0.65;
const PATIENCE_MEDIAN_S = 90;
const PATIENCE_SIGMA = 0.9;
const P_EXIT_KEY = 0.04; // callers who press 1 for a callback while waiting
const P_ANONYMOUS = 0.03;
const P_REPEAT_CALLER = 0.2;
const ENDINGS = { completeAgent: 0.44, completeCaller: 0.51, blindTransfer: 0.03 } as const; // rest: attended transfer
const PAUSE_REASONS = { lunch: 'Almuerzo', restroom: 'Baño', training: 'Capacitación', backoffice: 'Backoffice' } as const;

type Outcome = 'answer' | 'noanswer' | 'fail';

interface Caller {
  uid: string;
  q: QueueSpec;
  channel: string;
  callerId: string;
  clid: string;
  /** CDR start of this stint (channel creation, or the transfer into this queue). */
  cdrStartS: number;
  enterT: number;
  enterEpoch: number;
  origPos: number;
  state: 'ivr' | 'waiting' | 'talking' | 'done';
  legs: Leg[];
  retryAt: number;
  agent: AgentState | null;
  connectEpoch: number;
  memberChannel: string;
}

interface Leg {
  c: Caller;
  a: AgentState;
  startT: number;
  uid: string;
  channel: string;
  outcome: Outcome;
  active: boolean;
}

interface PausePlan {
  dueT: number;
  durationS: number;
  reason: string;
}

interface AgentState {
  m: Member;
  loggedIn: boolean;
  busy: 'idle' | 'ringing' | 'talking' | 'wrapup' | 'unreachable';
  paused: string | null;
  pauses: PausePlan[];
  logoutDue: boolean;
  /** Id of the shift the agent is logged in for: logout events of other shifts are ignored. */
  shiftId: number;
}

interface QueueState {
  spec: QueueSpec;
  waiting: Caller[];
  members: AgentState[];
  rrNext: number;
}

type Ev =
  | { k: 'start' }
  | { k: 'arrival'; q: QueueState }
  | { k: 'enter'; c: Caller }
  | { k: 'legEnd'; leg: Leg }
  | { k: 'retry' }
  | { k: 'patience' | 'timeout' | 'key' | 'empty'; c: Caller }
  | { k: 'hangup'; c: Caller; end: Ending }
  | { k: 'agentFree'; a: AgentState }
  | { k: 'dayPlan'; dayLocalS: number }
  | { k: 'login'; a: AgentState; shiftId: number; pauses: PausePlan[] }
  | { k: 'logout'; a: AgentState; shiftId: number }
  | { k: 'pauseDue'; a: AgentState }
  | { k: 'pauseEnd'; a: AgentState };

type Ending =
  | { kind: 'complete'; byAgent: boolean }
  | { kind: 'blind'; exten: string; context: string; toQueue: QueueState | null }
  | { kind: 'attended'; bridgeId: string };

interface Scheduled {
  t: number;
  seq: number;
  ev: Ev;
}

/** Binary min-heap on (t, seq): equal times run in scheduling order, which keeps runs deterministic. */
class EventHeap {
  private readonly items: Scheduled[] = [];
  get size(): number {
    return this.items.length;
  }
  peek(): Scheduled | undefined {
    return this.items[0];
  }
  push(s: Scheduled): void {
    const a = this.items;
    a.push(s);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(a[i] as Scheduled, a[p] as Scheduled)) break;
      [a[i], a[p]] = [a[p] as Scheduled, a[i] as Scheduled];
      i = p;
    }
  }
  pop(): Scheduled | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last !== undefined) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && before(a[l] as Scheduled, a[m] as Scheduled)) m = l;
        if (r < a.length && before(a[r] as Scheduled, a[m] as Scheduled)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m] as Scheduled, a[i] as Scheduled];
        i = m;
      }
    }
    return top;
  }
}
function before(x: Scheduled, y: Scheduled): boolean {
  return x.t < y.t || (x.t === y.t && x.seq < y.seq);
}

export interface SimStats {
  /** Calls that arrived (new caller channels; transfers into another queue are not counted again). */
  calls: number;
  queueLogLines: number;
  cdrRows: number;
  /** Simulated time reached, epoch seconds (may be fractional). */
  simTimeS: number;
  /** Callers in a queue right now, and agents logged in. */
  waiting: number;
  agentsLoggedIn: number;
}

export interface SimOutput {
  queueLog: string[];
  cdr: string[];
}

/**
 * One simulated site. `advance(toS)` runs every event up to and including `toS` and returns the
 * lines they wrote, in write order (epochs non-decreasing). Stateful but pure: no I/O, no clock.
 */
export class Simulation {
  readonly config: SimConfig;
  readonly startAtS: number;
  readonly queues: readonly QueueSpec[];
  readonly members: readonly Member[];
  private readonly rng: Rng;
  private readonly clock: SiteClock;
  private readonly heap = new EventHeap();
  private readonly qs: QueueState[];
  private readonly agents: AgentState[];
  private seq = 0;
  private shiftSeq = 0;
  private uidSeq = 0;
  private chanSeq = 0x1a;
  private now: number;
  private out: SimOutput = { queueLog: [], cdr: [] };
  private readonly recentCallers: string[] = [];
  private counters = { calls: 0, queueLogLines: 0, cdrRows: 0 };

  constructor(config: SimConfig, startAtS: number) {
    if (!Number.isFinite(startAtS) || startAtS < 0) throw new SimulatorOptionError('startAtS', `must be an epoch in seconds, got ${startAtS}`);
    this.config = config;
    this.startAtS = startAtS;
    this.now = startAtS;
    this.rng = createRng(config.seed);
    this.clock = new SiteClock(config.tz);
    this.queues = queueSpecs(config.queues);
    this.members = roster(config.agents, [...this.queues]);
    this.agents = this.members.map((m) => ({ m, loggedIn: false, busy: 'idle', paused: null, pauses: [], logoutDue: false, shiftId: 0 }));
    this.qs = this.queues.map((spec) => ({
      spec,
      waiting: [],
      members: this.agents.filter((a) => a.m.queues.includes(spec.index)),
      rrNext: 0,
    }));
    this.schedule(startAtS, { k: 'start' });
  }

  get simTimeS(): number {
    return this.now;
  }

  stats(): SimStats {
    return {
      ...this.counters,
      simTimeS: this.now,
      waiting: this.qs.reduce((n, q) => n + q.waiting.length, 0),
      agentsLoggedIn: this.agents.filter((a) => a.loggedIn).length,
    };
  }

  /** Runs all events with time <= toS. Going backwards is a no-op. */
  advance(toS: number): SimOutput {
    for (;;) {
      const top = this.heap.peek();
      if (top === undefined || top.t > toS) break;
      this.heap.pop();
      this.now = top.t;
      this.handle(top.ev);
      this.dispatch();
    }
    if (toS > this.now) this.now = toS;
    const out = this.out;
    this.out = { queueLog: [], cdr: [] };
    return out;
  }

  // ---- plumbing ----

  private schedule(t: number, ev: Ev): void {
    this.heap.push({ t, seq: this.seq++, ev });
  }
  private epoch(): number {
    return Math.floor(this.now);
  }
  private log(line: string): void {
    this.out.queueLog.push(line);
    this.counters.queueLogLines++;
  }
  /** Asterisk uniqueid: creation epoch and a process-wide counter, unique and increasing. */
  private newUid(): string {
    return `${this.epoch()}.${this.uidSeq++}`;
  }
  private newChannelSuffix(): string {
    return (this.chanSeq++).toString(16).padStart(8, '0');
  }

  private handle(ev: Ev): void {
    switch (ev.k) {
      case 'start':
        return this.onStart();
      case 'arrival':
        return this.onArrival(ev.q);
      case 'enter':
        return this.onEnter(ev.c);
      case 'legEnd':
        return this.onLegEnd(ev.leg);
      case 'retry':
        return; // dispatch() after every event picks the caller up
      case 'patience':
        return this.onCallerExit(ev.c, 'ABANDON');
      case 'timeout':
        return this.onCallerExit(ev.c, 'EXITWITHTIMEOUT');
      case 'key':
        return this.onCallerExit(ev.c, 'EXITWITHKEY');
      case 'empty':
        return this.onCallerExit(ev.c, 'EXITEMPTY');
      case 'hangup':
        return this.onHangup(ev.c, ev.end);
      case 'agentFree':
        ev.a.busy = 'idle';
        return this.agentIdle(ev.a);
      case 'dayPlan':
        return this.onDayPlan(ev.dayLocalS);
      case 'login':
        return this.onLogin(ev.a, ev.shiftId, ev.pauses);
      case 'logout':
        if (ev.a.shiftId === ev.shiftId && ev.a.loggedIn) {
          ev.a.logoutDue = true;
          this.agentIdle(ev.a);
        }
        return;
      case 'pauseDue':
        return this.agentIdle(ev.a);
      case 'pauseEnd':
        return this.onPauseEnd(ev.a);
    }
  }

  // ---- site and shifts ----

  private onStart(): void {
    // Asterisk (re)started: logger opened. Agents on shift now log in right after.
    this.log(ql.queueStart(this.epoch()));
    const { dayLocalS } = this.clock.localDay(this.now);
    this.onDayPlan(dayLocalS - 86_400, false);
    this.onDayPlan(dayLocalS);
    for (const q of this.qs) this.scheduleArrival(q);
  }

  /** Plans the shifts that start on one local day; `chain` schedules the next day's plan. */
  private onDayPlan(dayLocalS: number, chain = true): void {
    const weekday = (((Math.floor(dayLocalS / 86_400) + 4) % 7) + 7) % 7;
    for (const a of this.agents) {
      const works = weekday >= 1 && weekday <= 5 ? true : a.m.weekendDays.includes(weekday);
      if (!works) continue;
      const shift = SHIFTS[a.m.shift];
      // Agents arrive a few minutes early or late and leave a few minutes after the hour.
      const loginT = this.clock.fromLocal(dayLocalS + shift.startMin * 60) + clamp(this.rng.normal() * 180, -300, 720);
      const logoutT = this.clock.fromLocal(dayLocalS + shift.endMin * 60) + this.rng.uniform(0, 480);
      const pauses = this.planPauses(loginT, logoutT, a.m.shift);
      if (logoutT <= this.now) continue;
      const shiftId = ++this.shiftSeq;
      this.schedule(Math.max(loginT, this.now), { k: 'login', a, shiftId, pauses: pauses.filter((p) => p.dueT >= this.now) });
      this.schedule(logoutT, { k: 'logout', a, shiftId });
    }
    if (chain) this.schedule(this.clock.fromLocal(dayLocalS + 86_400), { k: 'dayPlan', dayLocalS: dayLocalS + 86_400 });
  }

  private planPauses(loginT: number, logoutT: number, shift: ShiftKind): PausePlan[] {
    const r = this.rng;
    const len = logoutT - loginT;
    const night = shift === 'night';
    const plans: PausePlan[] = [];
    // Lunch around midday; the evening shift eats early so it is on the phones at 17:00-19:00.
    plans.push({
      dueT: loginT + len * (shift === 'D' ? r.uniform(0.3, 0.42) : r.uniform(0.5, 0.62)),
      durationS: r.uniform(40, 60) * 60,
      reason: night ? PAUSE_REASONS.backoffice : PAUSE_REASONS.lunch,
    });
    for (let i = r.poisson(1.5); i > 0; i--) {
      plans.push({ dueT: loginT + len * r.uniform(0.05, 0.95), durationS: r.uniform(3, 7) * 60, reason: PAUSE_REASONS.restroom });
    }
    for (let i = r.poisson(1); i > 0; i--) {
      plans.push({ dueT: loginT + len * r.uniform(0.05, 0.95), durationS: r.uniform(5, 15) * 60, reason: PAUSE_REASONS.backoffice });
    }
    if (!night && r.chance(0.15)) {
      plans.push({ dueT: loginT + len * r.uniform(0.1, 0.8), durationS: r.uniform(30, 60) * 60, reason: PAUSE_REASONS.training });
    }
    return plans.sort((x, y) => x.dueT - y.dueT);
  }

  private onLogin(a: AgentState, shiftId: number, pauses: PausePlan[]): void {
    if (a.loggedIn) return;
    a.shiftId = shiftId;
    a.loggedIn = true;
    a.logoutDue = false;
    a.pauses = pauses;
    // One *45 call (one channel) adds the agent to all of its queues.
    const uid = this.newUid();
    for (const qi of a.m.queues) this.log(ql.addMember(this.epoch(), uid, this.qname(qi), a.m.iface));
    for (const p of pauses) this.schedule(p.dueT, { k: 'pauseDue', a });
    this.agentIdle(a);
  }

  /** The agent has nothing in hand: start a due pause, or log out if the shift is over. */
  private agentIdle(a: AgentState): void {
    if (!a.loggedIn || a.busy !== 'idle') return;
    if (a.logoutDue) {
      if (a.paused !== null) this.unpause(a);
      return this.logout(a);
    }
    if (a.paused !== null) return;
    const due = a.pauses[0];
    if (due !== undefined && due.dueT <= this.now) {
      a.pauses.shift();
      a.paused = due.reason;
      for (const qi of a.m.queues) this.log(ql.pause(this.epoch(), this.qname(qi), a.m.name, due.reason));
      this.schedule(this.now + due.durationS, { k: 'pauseEnd', a });
    }
  }

  private onPauseEnd(a: AgentState): void {
    if (!a.loggedIn || a.paused === null) return;
    this.unpause(a);
    this.agentIdle(a);
  }

  private unpause(a: AgentState): void {
    a.paused = null;
    for (const qi of a.m.queues) this.log(ql.unpause(this.epoch(), this.qname(qi), a.m.name));
  }

  private logout(a: AgentState): void {
    a.loggedIn = false;
    a.logoutDue = false;
    a.pauses = [];
    const uid = this.newUid();
    for (const qi of a.m.queues) this.log(ql.removeMember(this.epoch(), uid, this.qname(qi), a.m.iface));
    // leavewhenempty: callers of a queue left with no member go out with EXITEMPTY.
    for (const qi of a.m.queues) {
      const q = this.qs[qi] as QueueState;
      if (this.hasMembers(q)) continue;
      for (const c of q.waiting) this.schedule(this.now + this.rng.uniform(0, 2), { k: 'empty', c });
    }
  }

  private hasMembers(q: QueueState): boolean {
    return q.members.some((a) => a.loggedIn);
  }

  private qname(index: number): string {
    return (this.queues[index] as QueueSpec).name;
  }

  // ---- callers ----

  /** Non-homogeneous Poisson arrivals by thinning against the curve's maximum. */
  private scheduleArrival(q: QueueState): void {
    const max = curveMax(this.config.curve);
    const ratePerS = (this.config.callsPerHour * q.spec.share * max) / 3600;
    if (ratePerS <= 0) return;
    let t = this.now;
    for (;;) {
      t += this.rng.exponential(1 / ratePerS);
      if (this.rng.next() * max < curveAt(this.config.curve, this.clock, t)) break;
    }
    this.schedule(t, { k: 'arrival', q });
  }

  private onArrival(q: QueueState): void {
    this.scheduleArrival(q);
    this.counters.calls++;
    const callerId = this.drawCallerId();
    const c: Caller = {
      uid: this.newUid(),
      q: q.spec,
      channel: `PJSIP/troncal-${this.newChannelSuffix()}`,
      callerId,
      clid: callerId === 'anonymous' ? '"Anonymous" <anonymous>' : `"${callerId}" <${callerId}>`,
      cdrStartS: this.epoch(),
      enterT: 0,
      enterEpoch: 0,
      origPos: 0,
      state: 'ivr',
      legs: [],
      retryAt: 0,
      agent: null,
      connectEpoch: 0,
      memberChannel: '',
    };
    // A greeting/IVR takes a few seconds before Queue(); ringing queues start almost at once.
    const delay = q.spec.greeting ? this.rng.uniform(3, 9) : this.rng.uniform(0.2, 1.5);
    this.schedule(this.now + delay, { k: 'enter', c });
  }

  private drawCallerId(): string {
    const r = this.rng;
    if (this.recentCallers.length > 0 && r.chance(P_REPEAT_CALLER)) return r.pick(this.recentCallers);
    if (r.chance(P_ANONYMOUS)) return 'anonymous';
    // Bolivian numbering: mobiles 6xxxxxxx/7xxxxxxx, La Paz landlines 2xxxxxx.
    const num = r.chance(0.75) ? `${r.pick(['6', '7'])}${String(r.int(0, 9_999_999)).padStart(7, '0')}` : `2${String(r.int(0, 999_999)).padStart(6, '0')}`;
    this.recentCallers.push(num);
    if (this.recentCallers.length > 200) this.recentCallers.shift();
    return num;
  }

  private onEnter(c: Caller): void {
    const q = this.qs[c.q.index] as QueueState;
    c.state = 'waiting';
    c.enterT = this.now;
    c.enterEpoch = this.epoch();
    c.retryAt = this.now;
    q.waiting.push(c);
    c.origPos = q.waiting.length;
    this.log(ql.enterQueue(c.enterEpoch, c.uid, c.q.name, c.callerId, c.origPos));
    if (!this.hasMembers(q)) this.schedule(this.now + this.rng.uniform(0.5, 2.5), { k: 'empty', c });
    this.schedule(this.now + this.rng.lognormal(PATIENCE_MEDIAN_S, PATIENCE_SIGMA), { k: 'patience', c });
    this.schedule(this.now + c.q.timeoutS, { k: 'timeout', c });
    if (this.rng.chance(P_EXIT_KEY)) this.schedule(this.now + this.rng.uniform(25, 120), { k: 'key', c });
  }

  /** Caller leaves the queue unanswered. Stale exits (already connected or gone) are ignored. */
  private onCallerExit(c: Caller, event: 'ABANDON' | 'EXITWITHTIMEOUT' | 'EXITWITHKEY' | 'EXITEMPTY'): void {
    if (c.state !== 'waiting') return;
    const q = this.qs[c.q.index] as QueueState;
    if (event === 'EXITEMPTY' && this.hasMembers(q)) return;
    const t = this.epoch();
    for (const leg of c.legs) {
      if (!leg.active) continue;
      leg.active = false;
      const ms = Math.round((this.now - leg.startT) * 1000);
      // A queue timeout cuts the ring short (RINGNOANSWER with the time rung); a caller who hangs
      // up or presses a key cancels it (RINGCANCELED, Asterisk 15+).
      if (event === 'EXITWITHTIMEOUT') this.log(ql.ringNoAnswer(t, c.uid, c.q.name, leg.a.m.name, ms));
      else this.log(ql.ringCanceled(t, c.uid, c.q.name, leg.a.m.name, ms));
      leg.a.busy = 'idle';
    }
    const freed = c.legs.map((l) => l.a);
    c.legs = [];
    const pos = q.waiting.indexOf(c) + 1;
    q.waiting.splice(pos - 1, 1);
    c.state = 'done';
    const wait = t - c.enterEpoch;
    if (event === 'EXITWITHKEY') this.log(ql.exitWithKey(t, c.uid, c.q.name, this.rng.chance(0.8) ? '1' : '0', pos, c.origPos, wait));
    else this.log(ql.exit(t, c.uid, c.q.name, event, pos, c.origPos, wait));
    this.writeCdr(c, t);
    // Agents that were ringing for this caller are free again (a pause may be due).
    for (const a of freed) this.agentIdle(a);
  }

  // ---- ringing and calls ----

  /** Hands idle members to waiting callers, oldest caller first (autofill). */
  private dispatch(): void {
    const ready: Caller[] = [];
    for (const q of this.qs) for (const c of q.waiting) if (c.legs.length === 0 && c.retryAt <= this.now) ready.push(c);
    if (ready.length === 0) return;
    ready.sort((x, y) => x.enterT - y.enterT);
    for (const c of ready) {
      const q = this.qs[c.q.index] as QueueState;
      const free = q.members.filter((a) => a.loggedIn && !a.logoutDue && a.busy === 'idle' && a.paused === null);
      if (free.length === 0) continue;
      if (q.spec.strategy === 'ringall') {
        for (const a of free) this.ring(c, a);
      } else {
        const n = q.members.length;
        for (let i = 0; i < n; i++) {
          const idx = (q.rrNext + i) % n;
          const a = q.members[idx] as AgentState;
          if (!free.includes(a)) continue;
          q.rrNext = (idx + 1) % n;
          this.ring(c, a);
          break;
        }
      }
    }
  }

  private ring(c: Caller, a: AgentState): void {
    // Queue dials Local/<ext>@from-queue/n: two Local halves and the phone's channel.
    const uid = this.newUid();
    this.uidSeq += 2;
    const channel = `Local/${a.m.ext}@from-queue-${this.newChannelSuffix()};1`;
    this.chanSeq++;
    const u = this.rng.next();
    const outcome: Outcome = u < P_RING_FAIL ? 'fail' : u < P_RING_FAIL + P_RING_NO_ANSWER ? 'noanswer' : 'answer';
    const leg: Leg = { c, a, startT: this.now, uid, channel, outcome, active: true };
    a.busy = 'ringing';
    c.legs.push(leg);
    const endT = outcome === 'fail' ? this.now : outcome === 'noanswer' ? this.now + MEMBER_TIMEOUT_S : this.now + this.rng.uniform(1.5, 7);
    this.schedule(endT, { k: 'legEnd', leg });
  }

  private onLegEnd(leg: Leg): void {
    if (!leg.active) return;
    const { c, a } = leg;
    leg.active = false;
    if (leg.outcome === 'answer') return this.connect(c, leg);
    const ms = leg.outcome === 'fail' ? 0 : MEMBER_TIMEOUT_S * 1000;
    this.log(ql.ringNoAnswer(this.epoch(), c.uid, c.q.name, a.m.name, ms));
    if (leg.outcome === 'fail') {
      // The phone is unregistered for a while; the member stays logged in but cannot be rung.
      a.busy = 'unreachable';
      this.schedule(this.now + this.rng.uniform(20, 90), { k: 'agentFree', a });
    } else {
      a.busy = 'idle';
      this.agentIdle(a);
    }
    c.legs = c.legs.filter((l) => l.active);
    if (c.legs.length === 0) {
      // rrmemory moves on to the next member at once after a failed dial; a timeout waits `retry`.
      c.retryAt = leg.outcome === 'fail' ? this.now : this.now + RETRY_S;
      this.schedule(c.retryAt, { k: 'retry' });
    }
  }

  private connect(c: Caller, leg: Leg): void {
    const a = leg.a;
    const q = this.qs[c.q.index] as QueueState;
    // The other members rung by ringall stop ringing; Asterisk logs nothing for them.
    const freed: AgentState[] = [];
    for (const other of c.legs) {
      if (other === leg || !other.active) continue;
      other.active = false;
      other.a.busy = 'idle';
      freed.push(other.a);
    }
    c.legs = [];
    q.waiting.splice(q.waiting.indexOf(c), 1);
    c.state = 'talking';
    c.agent = a;
    c.connectEpoch = this.epoch();
    c.memberChannel = leg.channel;
    a.busy = 'talking';
    const hold = c.connectEpoch - c.enterEpoch;
    this.log(ql.connect(c.connectEpoch, c.uid, c.q.name, a.m.name, hold, leg.uid, Math.floor(this.now - leg.startT)));
    const talk = clamp(this.rng.lognormal(TALK_MEDIAN_S, TALK_SIGMA), 4, 3600);
    this.schedule(this.now + talk, { k: 'hangup', c, end: this.drawEnding(c) });
    for (const other of freed) this.agentIdle(other);
  }

  private drawEnding(c: Caller): Ending {
    const r = this.rng;
    const u = r.next();
    if (u < ENDINGS.completeAgent) return { kind: 'complete', byAgent: true };
    if (u < ENDINGS.completeAgent + ENDINGS.completeCaller) return { kind: 'complete', byAgent: false };
    if (u < ENDINGS.completeAgent + ENDINGS.completeCaller + ENDINGS.blindTransfer) {
      const others = this.qs.filter((q) => q.spec.index !== c.q.index);
      if (others.length > 0 && r.chance(0.5)) {
        const to = r.pick(others);
        return { kind: 'blind', exten: to.spec.name, context: 'from-internal-xfer', toQueue: to };
      }
      return { kind: 'blind', exten: String(r.int(300, 349)), context: 'from-internal-xfer', toQueue: null };
    }
    const hex = (n: number) => Array.from({ length: n }, () => r.int(0, 15).toString(16)).join('');
    return { kind: 'attended', bridgeId: `${hex(8)}-${hex(4)}-4${hex(3)}-${r.pick(['8', '9', 'a', 'b'])}${hex(3)}-${hex(12)}` };
  }

  private onHangup(c: Caller, end: Ending): void {
    const a = c.agent;
    if (a === null || c.state !== 'talking') return;
    const t = this.epoch();
    const hold = c.connectEpoch - c.enterEpoch;
    const talk = t - c.connectEpoch;
    if (end.kind === 'complete') this.log(ql.complete(t, c.uid, c.q.name, a.m.name, end.byAgent, hold, talk, c.origPos));
    else if (end.kind === 'blind') this.log(ql.blindTransfer(t, c.uid, c.q.name, a.m.name, end.exten, end.context, hold, talk, c.origPos));
    else this.log(ql.attendedTransfer(t, c.uid, c.q.name, a.m.name, end.bridgeId, hold, talk, c.origPos));
    c.state = 'done';
    this.writeCdr(c, t);
    a.busy = 'wrapup';
    this.schedule(this.now + WRAPUP_S, { k: 'agentFree', a });
    if (end.kind === 'blind' && end.toQueue !== null) {
      // Transferred into another service line: the same channel (same uniqueid) queues again.
      const next: Caller = { ...c, q: end.toQueue.spec, cdrStartS: t, state: 'ivr', legs: [], agent: null, connectEpoch: 0, memberChannel: '' };
      this.schedule(this.now + this.rng.uniform(0.5, 2), { k: 'enter', c: next });
    }
  }

  /** One cdr_csv row per queue stint, written when the stint ends. */
  private writeCdr(c: Caller, endS: number): void {
    const answered = c.connectEpoch > 0 && c.agent !== null;
    const answerS = c.q.greeting ? c.cdrStartS : answered ? c.connectEpoch : null;
    this.out.cdr.push(
      cdrLine({
        accountcode: '',
        src: c.callerId,
        dst: c.q.name,
        dcontext: 'ext-queues',
        clid: c.clid,
        channel: c.channel,
        dstchannel: answered ? c.memberChannel : '',
        lastapp: 'Queue',
        lastdata: c.q.lastdata,
        startS: c.cdrStartS,
        answerS,
        endS,
        disposition: answerS === null ? 'NO ANSWER' : 'ANSWERED',
        amaflags: 'DOCUMENTATION',
        uniqueid: c.uid,
        userfield: '',
      }),
    );
    this.counters.cdrRows++;
  }
}

function clamp(x: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, x));
}

/** Pure: the lines of a simulated period, without I/O. For tests and bulk fixtures. */
export function simulate(opts: SimInput & { startAtS: number; durationS: number }): SimOutput {
  if (!Number.isFinite(opts.durationS) || opts.durationS < 0) {
    throw new SimulatorOptionError('durationS', `must be a non-negative number of seconds, got ${opts.durationS}`);
  }
  const sim = new Simulation(resolveConfig(opts), opts.startAtS);
  return sim.advance(opts.startAtS + opts.durationS);
}
