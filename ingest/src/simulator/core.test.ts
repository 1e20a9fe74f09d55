import { parse as parseCsv } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { parseQueueLogLine } from '../core/queue-log.ts';
import { curveFactor, SiteClock } from './calendar.ts';
import { MEMBER_TIMEOUT_S, resolveConfig, simulate, Simulation, SimulatorOptionError, type SimOutput } from './core.ts';
import { cdrTime } from './lines.ts';
import { queueSpecs, roster } from './roster.ts';

// Monday 2026-10-05 00:00 UTC; the runs below use UTC as the site zone unless they say otherwise.
const MONDAY = Date.UTC(2026, 9, 5) / 1000;
const DAY = 86_400;

const cache = new Map<string, SimOutput>();
/** Simulations are deterministic, so tests share runs of the same inputs. */
function run(key: string, opts: Parameters<typeof simulate>[0]): SimOutput {
  let out = cache.get(key);
  if (out === undefined) {
    out = simulate(opts);
    cache.set(key, out);
  }
  return out;
}
const week = () => run('week', { startAtS: MONDAY, durationS: 7 * DAY, seed: 7 });
const day = () => run('day', { startAtS: MONDAY + 6 * 3600, durationS: DAY, seed: 11 });
const busy = () => run('busy', { startAtS: MONDAY + 9 * 3600, durationS: 6 * 3600, seed: 3, callsPerHour: 400, agents: 8, queues: 2 });

interface Row {
  ts: number;
  callid: string;
  queue: string;
  agent: string;
  verb: string;
  data: string[];
}
function rows(lines: string[]): Row[] {
  return lines.map((l) => {
    const f = l.split('|');
    return { ts: Number(f[0]), callid: f[1] ?? '', queue: f[2] ?? '', agent: f[3] ?? '', verb: f[4] ?? '', data: f.slice(5) };
  });
}
const TERMINAL = new Set(['COMPLETECALLER', 'COMPLETEAGENT', 'BLINDTRANSFER', 'ATTENDEDTRANSFER', 'ABANDON', 'EXITWITHTIMEOUT', 'EXITWITHKEY', 'EXITEMPTY']);

describe('determinism', () => {
  it('gives identical lines for the same seed and different lines for another seed', () => {
    const opts = { startAtS: MONDAY + 8 * 3600, durationS: 4 * 3600 };
    const a = simulate({ ...opts, seed: 42 });
    const b = simulate({ ...opts, seed: 42 });
    const c = simulate({ ...opts, seed: 43 });
    expect(a.queueLog.length).toBeGreaterThan(500);
    expect(b).toEqual(a);
    expect(c.queueLog).not.toEqual(a.queueLog);
  });

  it('gives the same lines however the time is sliced (the adapter advances in small steps)', () => {
    const cfg = resolveConfig({ seed: 5 });
    const start = MONDAY + 9 * 3600;
    const whole = new Simulation(cfg, start).advance(start + 3 * 3600);
    const sliced = new Simulation(cfg, start);
    const ql: string[] = [];
    const cdr: string[] = [];
    for (let t = start; t <= start + 3 * 3600; t += 0.37) {
      const out = sliced.advance(t);
      ql.push(...out.queueLog);
      cdr.push(...out.cdr);
    }
    const rest = sliced.advance(start + 3 * 3600);
    ql.push(...rest.queueLog);
    cdr.push(...rest.cdr);
    expect(ql).toEqual(whole.queueLog);
    expect(cdr).toEqual(whole.cdr);
  });
});

describe('line formats (queue_log.md §1, §3, Asterisk 13+)', () => {
  const uid = String.raw`\d{10}\.\d+`;
  const q = '10[1-9]';
  const names = roster(12, queueSpecs(3));
  const member = `(?:${names.map((m) => m.name).join('|')})`;
  const iface = String.raw`Local/2\d\d@from-queue/n`;
  const n = String.raw`\d+`;
  const formats: Record<string, RegExp> = {
    QUEUESTART: new RegExp(String.raw`^\d{10}\|NONE\|NONE\|NONE\|QUEUESTART\|$`),
    ADDMEMBER: new RegExp(`^\\d{10}\\|${uid}\\|${q}\\|${iface}\\|ADDMEMBER\\|$`),
    REMOVEMEMBER: new RegExp(`^\\d{10}\\|${uid}\\|${q}\\|${iface}\\|REMOVEMEMBER\\|$`),
    PAUSE: new RegExp(`^\\d{10}\\|NONE\\|${q}\\|${member}\\|PAUSE\\|(?:Almuerzo|Baño|Capacitación|Backoffice)$`),
    UNPAUSE: new RegExp(`^\\d{10}\\|NONE\\|${q}\\|${member}\\|UNPAUSE\\|$`),
    ENTERQUEUE: new RegExp(`^\\d{10}\\|${uid}\\|${q}\\|NONE\\|ENTERQUEUE\\|\\|(?:[267]\\d{6,7}|anonymous)\\|[1-9]\\d*$`),
    RINGNOANSWER: new RegExp(`^\\d{10}\\|${uid}\\|${q}\\|${member}\\|RINGNOANSWER\\|${n}$`),
    RINGCANCELED: new RegExp(`^\\d{10}\\|${uid}\\|${q}\\|${member}\\|RINGCANCELED\\|${n}$`),
    CONNECT: new RegExp(`^\\d{10}\\|${uid}\\|${q}\\|${member}\\|CONNECT\\|${n}\\|${uid}\\|${n}$`),
    COMPLETECALLER: new RegExp(`^\\d{10}\\|${uid}\\|${q}\\|${member}\\|COMPLETECALLER\\|${n}\\|${n}\\|[1-9]\\d*$`),
    COMPLETEAGENT: new RegExp(`^\\d{10}\\|${uid}\\|${q}\\|${member}\\|COMPLETEAGENT\\|${n}\\|${n}\\|[1-9]\\d*$`),
    BLINDTRANSFER: new RegExp(`^\\d{10}\\|${uid}\\|${q}\\|${member}\\|BLINDTRANSFER\\|(?:${q}|3[0-4]\\d)\\|from-internal-xfer\\|${n}\\|${n}\\|[1-9]\\d*$`),
    ATTENDEDTRANSFER: new RegExp(
      `^\\d{10}\\|${uid}\\|${q}\\|${member}\\|ATTENDEDTRANSFER\\|BRIDGE\\|[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\\|${n}\\|${n}\\|[1-9]\\d*$`,
    ),
    ABANDON: new RegExp(`^\\d{10}\\|${uid}\\|${q}\\|NONE\\|ABANDON\\|[1-9]\\d*\\|[1-9]\\d*\\|${n}$`),
    EXITWITHTIMEOUT: new RegExp(`^\\d{10}\\|${uid}\\|${q}\\|NONE\\|EXITWITHTIMEOUT\\|[1-9]\\d*\\|[1-9]\\d*\\|${n}$`),
    EXITEMPTY: new RegExp(`^\\d{10}\\|${uid}\\|${q}\\|NONE\\|EXITEMPTY\\|[1-9]\\d*\\|[1-9]\\d*\\|${n}$`),
    EXITWITHKEY: new RegExp(`^\\d{10}\\|${uid}\\|${q}\\|NONE\\|EXITWITHKEY\\|[01]\\|[1-9]\\d*\\|[1-9]\\d*\\|${n}$`),
  };

  it('writes every event type of the brief over a week, each line matching its format', () => {
    const seen = new Map<string, number>();
    for (const line of week().queueLog) {
      const verb = line.split('|')[4] ?? '';
      const re = formats[verb];
      if (re === undefined) throw new Error(`unexpected verb in ${line}`);
      if (!re.test(line)) throw new Error(`bad ${verb} line: ${line}`);
      seen.set(verb, (seen.get(verb) ?? 0) + 1);
    }
    expect([...seen.keys()].sort()).toEqual(Object.keys(formats).sort());
    expect(seen.get('QUEUESTART')).toBe(1);
  });

  it('starts with QUEUESTART and logs in the agents on shift at the start epoch', () => {
    const start = MONDAY + 10 * 3600;
    const out = simulate({ startAtS: start, durationS: 0, seed: 1 });
    expect(out.queueLog[0]).toBe(`${start}|NONE|NONE|NONE|QUEUESTART|`);
    // At 10:00 on a Monday shifts A, B and C are on: agents 0,4,7 / 1,5,8 / 2,6,9.
    const adds = rows(out.queueLog.slice(1));
    expect(adds.every((r) => r.verb === 'ADDMEMBER' && r.ts === start)).toBe(true);
    expect([...new Set(adds.map((r) => r.agent))].sort()).toEqual(
      [201, 202, 203, 205, 206, 207, 208, 209, 210].map((e) => `Local/${e}@from-queue/n`),
    );
    // Multi-skilled agents (even index) join all three queues, the others their primary queue.
    expect(adds.filter((r) => r.agent === 'Local/201@from-queue/n').map((r) => r.queue)).toEqual(['101', '102', '103']);
    expect(adds.filter((r) => r.agent === 'Local/202@from-queue/n').map((r) => r.queue)).toEqual(['102']);
    // One login channel per agent: all of an agent's ADDMEMBER lines share one uniqueid.
    expect(new Set(adds.filter((r) => r.agent === 'Local/201@from-queue/n').map((r) => r.callid)).size).toBe(1);
  });
});

describe('invariants', () => {
  const cases: [string, () => SimOutput][] = [
    ['a week at the defaults', week],
    ['an overloaded day', busy],
    ['a single queue, two agents', () => run('tiny', { startAtS: MONDAY, durationS: 2 * DAY, seed: 9, agents: 2, queues: 1, callsPerHour: 60 })],
  ];

  it.each(cases)('%s: epochs never decrease', (_name, out) => {
    const r = rows(out().queueLog);
    for (let i = 1; i < r.length; i++) {
      if ((r[i] as Row).ts < (r[i - 1] as Row).ts) throw new Error(`line ${i} goes back in time`);
    }
  });

  it.each(cases)('%s: each ENTERQUEUE gets exactly one terminal event, and waits and talks add up', (_name, out) => {
    const open = new Map<string, { enter: Row; connect: Row | null; rings: number }>();
    let ended = 0;
    for (const r of rows(out().queueLog)) {
      const key = `${r.callid}/${r.queue}`;
      const stint = open.get(key);
      if (r.verb === 'ENTERQUEUE') {
        expect(stint).toBeUndefined();
        open.set(key, { enter: r, connect: null, rings: 0 });
        continue;
      }
      if (r.callid === 'NONE' || r.verb === 'ADDMEMBER' || r.verb === 'REMOVEMEMBER') continue;
      if (stint === undefined) throw new Error(`${r.verb} without an open stint: ${key}`);
      const wait = r.ts - stint.enter.ts;
      switch (r.verb) {
        case 'RINGNOANSWER':
        case 'RINGCANCELED':
          expect(stint.connect).toBeNull();
          stint.rings++;
          break;
        case 'CONNECT':
          expect(stint.connect).toBeNull();
          expect(Number(r.data[0])).toBe(wait); // holdtime = now - entered
          stint.connect = r;
          break;
        case 'COMPLETECALLER':
        case 'COMPLETEAGENT':
        case 'BLINDTRANSFER':
        case 'ATTENDEDTRANSFER': {
          const c = stint.connect;
          if (c === null) throw new Error(`${r.verb} before CONNECT: ${key}`);
          const [hold, talk, orig] = r.verb.startsWith('COMPLETE') ? r.data : r.data.slice(2);
          expect(r.agent).toBe(c.agent);
          expect(Number(hold)).toBe(Number(c.data[0])); // CONNECT hold == end hold
          expect(Number(talk)).toBe(r.ts - c.ts);
          expect(Number(orig)).toBe(Number(stint.enter.data[2]));
          open.delete(key);
          ended++;
          break;
        }
        case 'ABANDON':
        case 'EXITWITHTIMEOUT':
        case 'EXITEMPTY':
        case 'EXITWITHKEY': {
          expect(stint.connect).toBeNull();
          const [pos, orig, w] = r.verb === 'EXITWITHKEY' ? r.data.slice(1) : r.data;
          expect(Number(w)).toBe(wait);
          expect(Number(orig)).toBe(Number(stint.enter.data[2]));
          expect(Number(pos)).toBeGreaterThanOrEqual(1);
          expect(Number(pos)).toBeLessThanOrEqual(Number(orig));
          open.delete(key);
          ended++;
          break;
        }
        default:
          throw new Error(`unexpected caller event ${r.verb}`);
      }
    }
    expect(ended).toBeGreaterThan(50);
    // Only calls still in progress at the end may stay open.
    expect(open.size).toBeLessThan(20);
  });

  it('stamps RINGNOANSWER in milliseconds: 15000 for a member timeout, 0 for a failed dial, less only when the queue timed out', () => {
    const r = rows(busy().queueLog.concat(week().queueLog));
    const values = r.filter((x) => x.verb === 'RINGNOANSWER').map((x) => Number(x.data[0]));
    const counts = { timeout: 0, failed: 0, cut: 0 };
    for (const v of values) {
      expect(Number.isInteger(v)).toBe(true);
      if (v === MEMBER_TIMEOUT_S * 1000) counts.timeout++;
      else if (v === 0) counts.failed++;
      else counts.cut++;
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(15000);
    }
    expect(counts.timeout).toBeGreaterThan(100);
    expect(counts.failed).toBeGreaterThan(10);
    // A cut ring is always followed, in the same second, by that caller's EXITWITHTIMEOUT.
    for (let i = 0; i < r.length; i++) {
      const x = r[i] as Row;
      if (x.verb !== 'RINGNOANSWER' || x.data[0] === '15000' || x.data[0] === '0') continue;
      const exit = r.slice(i + 1).find((y) => y.callid === x.callid && y.queue === x.queue && y.verb !== 'RINGNOANSWER');
      expect(exit?.verb).toBe('EXITWITHTIMEOUT');
      expect(exit?.ts).toBe(x.ts);
    }
  });

  it('keeps agents consistent: interface in ADDMEMBER, membername in call events, one call at a time, never while paused or logged out', () => {
    const members = roster(12, queueSpecs(3));
    const byIface = new Map(members.map((m) => [m.iface, m]));
    const byName = new Map(members.map((m) => [m.name, m]));
    const inQueue = new Set<string>(); // `${name}/${queue}`
    const paused = new Set<string>();
    const onCall = new Map<string, string>(); // name -> callid
    let connects = 0;
    for (const r of rows(week().queueLog)) {
      if (r.verb === 'ADDMEMBER' || r.verb === 'REMOVEMEMBER') {
        const m = byIface.get(r.agent);
        if (m === undefined) throw new Error(`unknown interface ${r.agent}`);
        const key = `${m.name}/${r.queue}`;
        expect(inQueue.has(key)).toBe(r.verb === 'REMOVEMEMBER');
        if (r.verb === 'ADDMEMBER') inQueue.add(key);
        else {
          inQueue.delete(key);
          expect(paused.has(key)).toBe(false);
          expect(onCall.has(m.name)).toBe(false);
        }
      } else if (r.verb === 'PAUSE' || r.verb === 'UNPAUSE') {
        const key = `${r.agent}/${r.queue}`;
        expect(inQueue.has(key)).toBe(true);
        expect(paused.has(key)).toBe(r.verb === 'UNPAUSE');
        if (r.verb === 'PAUSE') paused.add(key);
        else paused.delete(key);
      } else if (r.verb === 'CONNECT') {
        expect(byName.has(r.agent)).toBe(true);
        expect(inQueue.has(`${r.agent}/${r.queue}`)).toBe(true);
        expect(paused.has(`${r.agent}/${r.queue}`)).toBe(false);
        expect(onCall.has(r.agent)).toBe(false);
        onCall.set(r.agent, r.callid);
        connects++;
      } else if (['COMPLETECALLER', 'COMPLETEAGENT', 'BLINDTRANSFER', 'ATTENDEDTRANSFER'].includes(r.verb)) {
        expect(onCall.get(r.agent)).toBe(r.callid);
        onCall.delete(r.agent);
      } else if (r.verb === 'RINGNOANSWER' || r.verb === 'RINGCANCELED') {
        expect(inQueue.has(`${r.agent}/${r.queue}`)).toBe(true);
        expect(onCall.has(r.agent)).toBe(false);
      }
    }
    expect(connects).toBeGreaterThan(5000);
  });

  it('gives callids as Asterisk uniqueids: <creation epoch>.<counter>, counter unique, epochs non-decreasing with it, never after ENTERQUEUE', () => {
    const r = rows(week().queueLog);
    const ids = new Map<number, number>(); // counter -> epoch
    for (const x of r) {
      if (x.verb === 'ENTERQUEUE' || x.verb === 'ADDMEMBER') {
        const [epoch, counter] = x.callid.split('.').map(Number) as [number, number];
        expect(epoch).toBeLessThanOrEqual(x.ts);
        const prev = ids.get(counter);
        if (prev !== undefined) expect(prev).toBe(epoch); // the same channel re-entering another queue
        ids.set(counter, epoch);
      }
      if (x.verb === 'CONNECT') {
        const [epoch, counter] = (x.data[1] as string).split('.').map(Number) as [number, number];
        expect(ids.has(counter)).toBe(false);
        ids.set(counter, epoch);
      }
    }
    const sorted = [...ids.entries()].sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < sorted.length; i++) expect((sorted[i] as [number, number])[1]).toBeGreaterThanOrEqual((sorted[i - 1] as [number, number])[1]);
  });

  it('re-queues a blind transfer to another service line with the same callid', () => {
    const r = rows(week().queueLog);
    const toQueue = r.filter((x) => x.verb === 'BLINDTRANSFER' && /^10\d$/.test(x.data[0] ?? ''));
    expect(toQueue.length).toBeGreaterThan(20);
    for (const t of toQueue) {
      const again = r.find((x) => x.verb === 'ENTERQUEUE' && x.callid === t.callid && x.queue === t.data[0]);
      expect(again).toBeDefined();
      expect((again as Row).ts - t.ts).toBeLessThanOrEqual(2);
    }
  });

  it('writes EXITEMPTY only when the queue has no logged-in member', () => {
    const members = new Map<string, Set<string>>();
    let empties = 0;
    for (const r of rows(run('tiny', { startAtS: MONDAY, durationS: 2 * DAY, seed: 9, agents: 2, queues: 1, callsPerHour: 60 }).queueLog)) {
      const set = members.get(r.queue) ?? new Set<string>();
      members.set(r.queue, set);
      if (r.verb === 'ADDMEMBER') set.add(r.agent);
      if (r.verb === 'REMOVEMEMBER') set.delete(r.agent);
      if (r.verb === 'EXITEMPTY') {
        expect(set.size).toBe(0);
        empties++;
      }
    }
    // Two day agents and no night shift: night callers find the queue empty.
    expect(empties).toBeGreaterThan(10);
  });
});

describe('Master.csv rows (cdr.md §1, 18 columns, GMT)', () => {
  it('writes one row per ended stint, joined on uniqueid, with times matching the queue_log', () => {
    const out = day();
    const records = parseCsv(out.cdr.join('\n'), { relax_column_count: false }) as string[][];
    expect(records.length).toBe(out.cdr.length);
    const ends = rows(out.queueLog).filter((r) => TERMINAL.has(r.verb));
    expect(records.length).toBe(ends.length);
    const connects = new Map(rows(out.queueLog).filter((r) => r.verb === 'CONNECT').map((r) => [`${r.callid}/${r.queue}`, r]));
    const greeting = new Map(queueSpecs(3).map((q) => [q.name, q.greeting]));
    records.forEach((rec, i) => {
      const end = ends[i] as Row;
      expect(rec.length).toBe(18);
      const [, src, dst, dcontext, , channel, dstchannel, lastapp, lastdata, start, answer, endTime, duration, billsec, disposition, amaflags, uniqueid, userfield] = rec as [
        string, string, string, string, string, string, string, string, string, string, string, string, string, string, string, string, string, string,
      ];
      expect(uniqueid).toBe(end.callid);
      expect(dst).toBe(end.queue);
      expect(dcontext).toBe('ext-queues');
      expect(lastapp).toBe('Queue');
      expect(lastdata.startsWith(`${end.queue},`)).toBe(true);
      expect(channel).toMatch(/^PJSIP\/troncal-[0-9a-f]{8}$/);
      expect(endTime).toBe(cdrTime(end.ts));
      expect(src === 'anonymous' || /^[267]\d{6,7}$/.test(src)).toBe(true);
      expect(amaflags).toBe('DOCUMENTATION');
      expect(userfield).toBe('');
      const toEpoch = (s: string) => Date.parse(`${s.replace(' ', 'T')}Z`) / 1000;
      expect(Number(duration)).toBe(end.ts - toEpoch(start));
      const c = connects.get(`${end.callid}/${end.queue}`);
      const answered = ['COMPLETECALLER', 'COMPLETEAGENT', 'BLINDTRANSFER', 'ATTENDEDTRANSFER'].includes(end.verb);
      expect(dstchannel === '').toBe(!answered);
      if (greeting.get(end.queue) === true) {
        expect(answer).toBe(start);
        expect(disposition).toBe('ANSWERED');
      } else if (answered) {
        expect(answer).toBe(cdrTime((c as Row).ts));
        expect(disposition).toBe('ANSWERED');
      } else {
        expect(answer).toBe('');
        expect(disposition).toBe('NO ANSWER');
      }
      expect(Number(billsec)).toBe(answer === '' ? 0 : end.ts - toEpoch(answer));
    });
  });

  it('writes the never-answered answer column unquoted, like cdr_csv append_date', () => {
    const unanswered = day().cdr.find((l) => l.includes('"NO ANSWER"'));
    // The caller-ID name inside clid is quoted too, so its quotes are doubled.
    expect(unanswered).toBe(
      '"","71536527","102","ext-queues","""71536527"" <71536527>","PJSIP/troncal-00000028","","Queue","102,rt,,,180",' +
        '"2026-10-05 06:12:27",,"2026-10-05 06:14:28",121,0,"NO ANSWER","DOCUMENTATION","1791180747.20",""',
    );
  });
});

describe('traffic rates', () => {
  it('arrivals per hour follow callsPerHour x the daily curve over a week (within 4 sigma per hour of day, 2% overall)', () => {
    const out = week();
    const clock = new SiteClock('UTC');
    // Count calls (first ENTERQUEUE of each channel), placed at their arrival: the callid's epoch.
    const firstSeen = new Set<string>();
    const actual = new Map<string, number>(); // `${weekday}/${hour}`
    for (const r of rows(out.queueLog)) {
      if (r.verb !== 'ENTERQUEUE' || firstSeen.has(r.callid)) continue;
      firstSeen.add(r.callid);
      const epoch = Number(r.callid.split('.')[0]);
      if (epoch >= MONDAY + 7 * DAY) continue;
      const { weekday } = clock.localDay(epoch);
      const key = `${weekday}/${Math.floor((epoch % DAY) / 3600)}`;
      actual.set(key, (actual.get(key) ?? 0) + 1);
    }
    let expectedTotal = 0;
    let actualTotal = 0;
    for (let wd = 0; wd < 7; wd++) {
      for (let h = 0; h < 24; h++) {
        const expected = 240 * curveFactor('daily', wd, h);
        const got = actual.get(`${wd}/${h}`) ?? 0;
        expectedTotal += expected;
        actualTotal += got;
        if (Math.abs(got - expected) > 4 * Math.sqrt(expected) + 2) throw new Error(`weekday ${wd} hour ${h}: ${got} calls, expected ${expected}`);
      }
    }
    expect(Math.abs(actualTotal - expectedTotal) / expectedTotal).toBeLessThan(0.02);
  });

  it('follows the site time zone: the morning peak is at 10:00 La Paz time (14:00 UTC)', () => {
    const out = run('lapaz', { startAtS: MONDAY, durationS: DAY, seed: 4, tz: 'America/La_Paz' });
    const perUtcHour = new Array<number>(24).fill(0);
    for (const r of rows(out.queueLog)) {
      if (r.verb === 'ENTERQUEUE') perUtcHour[Math.floor((r.ts % DAY) / 3600)]! += 1;
    }
    const peak = perUtcHour.indexOf(Math.max(...perUtcHour));
    expect([13, 14, 15]).toContain(peak);
    expect(perUtcHour[8]).toBeLessThan(15); // 04:00 in La Paz
  });

  it('with a flat curve, callsPerHour is the rate at every hour', () => {
    const out = run('flat', { startAtS: MONDAY, durationS: DAY, seed: 8, curve: 'flat', callsPerHour: 100 });
    const calls = new Set(rows(out.queueLog).filter((r) => r.verb === 'ENTERQUEUE' && Number(r.callid.split('.')[0]) < MONDAY + DAY).map((r) => r.callid)).size;
    expect(Math.abs(calls - 2400)).toBeLessThan(4 * Math.sqrt(2400));
  });

  it('makes no calls at callsPerHour 0 but still runs agents', () => {
    const out = simulate({ startAtS: MONDAY, durationS: DAY, seed: 1, callsPerHour: 0 });
    const verbs = new Set(rows(out.queueLog).map((r) => r.verb));
    expect(verbs.has('ENTERQUEUE')).toBe(false);
    expect(verbs.has('ADDMEMBER') && verbs.has('PAUSE') && verbs.has('REMOVEMEMBER')).toBe(true);
    expect(out.cdr).toEqual([]);
  });
});

describe('with the ingest parser', () => {
  it('every generated line parses as a stock event with zero rejections and the intended fields', () => {
    const lines = week().queueLog.concat(busy().queueLog);
    let offset = 0;
    const byVerb = new Map<string, number>();
    lines.forEach((line, i) => {
      const res = parseQueueLogLine(line, { site: 'sim', source: 'sim', fingerprint: 'f', offset, lineNo: i + 1 });
      offset += Buffer.byteLength(line) + 1;
      if (!res.ok) throw new Error(`rejected (${res.reason}): ${line}`);
      expect(res.value.custom).toBe(false);
      byVerb.set(res.value.verb, (byVerb.get(res.value.verb) ?? 0) + 1);
      const d = line.split('|');
      if (res.value.verb === 'COMPLETEAGENT') {
        expect(res.value.wait_s).toBe(Number(d[5]));
        expect(res.value.talk_s).toBe(Number(d[6]));
      }
      if (res.value.verb === 'ATTENDEDTRANSFER') expect(res.value.talk_s).toBe(Number(d[8]));
      if (res.value.verb === 'EXITWITHKEY') expect(res.value.wait_s).toBe(Number(d[8]));
      if (res.value.verb === 'RINGNOANSWER') expect(res.value.ring_ms).toBe(Number(d[5]));
    });
    expect(byVerb.size).toBe(17);
  });
});

describe('options', () => {
  it.each([
    [{ seed: 1.5 }, 'seed'],
    [{ seed: 1, callsPerHour: -1 }, 'callsPerHour'],
    [{ seed: 1, callsPerHour: Number.NaN }, 'callsPerHour'],
    [{ seed: 1, agents: 2.5 }, 'agents'],
    [{ seed: 1, queues: 0 }, 'queues'],
    [{ seed: 1, queues: 101 }, 'queues'],
    [{ seed: 1, tz: 'Mars/Olympus' }, 'tz'],
  ])('rejects %o naming %s', (input, option) => {
    let caught: unknown;
    try {
      resolveConfig(input);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(SimulatorOptionError);
    expect((caught as SimulatorOptionError).option).toBe(option);
  });

  it('uses the documented defaults', () => {
    expect(resolveConfig({ seed: 3 })).toEqual({ seed: 3, callsPerHour: 240, agents: 12, queues: 3, tz: 'UTC', curve: 'daily' });
  });

  it('rejects a negative duration', () => {
    expect(() => simulate({ startAtS: MONDAY, durationS: -1, seed: 1 })).toThrow(SimulatorOptionError);
  });
});
