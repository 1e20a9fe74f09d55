// A generated Asterisk 13 queue_log, deterministic (the import bench's month, issue 18): agents
// log in at 07:00; calls from 07:00 to 21:00, each ENTERQUEUE, 0-2 RINGNOANSWER, then CONNECT +
// COMPLETEAGENT/COMPLETECALLER (70 %), ABANDON (25 %) or EXITWITHTIMEOUT (5 %); a pause and an
// unpause per agent and day; agents log off at 21:30. Lines sorted by time (stable).

export interface MonthLogSpec {
  /** First day, epoch seconds at 00:00 UTC (default 2026-10-01). */
  start?: number;
  days: number;
  callsPerDay: number;
  queues?: number;
  agents?: number;
}

export function monthLog(spec: MonthLogSpec): { lines: string[]; calls: number } {
  const QUEUES = spec.queues ?? 20;
  const AGENTS = spec.agents ?? 60;
  const CALLS_PER_DAY = spec.callsPerDay;
  let seed = 18;
  const rnd = (): number => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
  const lines: Array<[number, string]> = [];
  let calls = 0;
  const start = spec.start ?? Date.UTC(2026, 9, 1) / 1000;
  for (let day = 0; day < spec.days; day++) {
    const d0 = start + day * 86_400;
    const day07 = d0 + 7 * 3600;
    for (let a = 0; a < AGENTS; a++) {
      const q = `q${a % QUEUES}`;
      lines.push([day07, `${day07}|NONE|${q}|Agent/${1000 + a}|ADDMEMBER|`]);
      const p = day07 + 3600 * (2 + (a % 8));
      lines.push([p, `${p}|NONE|${q}|Agent/${1000 + a}|PAUSE|Almuerzo`]);
      lines.push([p + 1800, `${p + 1800}|NONE|${q}|Agent/${1000 + a}|UNPAUSE|`]);
      lines.push([d0 + 21.5 * 3600, `${d0 + 21.5 * 3600}|NONE|${q}|Agent/${1000 + a}|REMOVEMEMBER|`]);
    }
    for (let c = 0; c < CALLS_PER_DAY; c++, calls++) {
      const enter = day07 + Math.floor((c * 14 * 3600) / CALLS_PER_DAY);
      const q = `q${Math.floor(rnd() * QUEUES)}`;
      const id = `${enter}.${calls}`;
      const caller = `591${70_000_000 + Math.floor(rnd() * 9_999_999)}`;
      lines.push([enter, `${enter}|${id}|${q}|NONE|ENTERQUEUE||${caller}|1`]);
      let t = enter;
      const rings = Math.floor(rnd() * 3);
      for (let r = 0; r < rings; r++) {
        t += 15;
        lines.push([t, `${t}|${id}|${q}|Agent/${1000 + Math.floor(rnd() * AGENTS)}|RINGNOANSWER|15000`]);
      }
      const wait = t - enter + Math.floor(rnd() * 20);
      const end = enter + wait;
      const fate = rnd();
      if (fate < 0.7) {
        const agent = `Agent/${1000 + Math.floor(rnd() * AGENTS)}`;
        const talk = 30 + Math.floor(rnd() * 400);
        lines.push([end, `${end}|${id}|${q}|${agent}|CONNECT|${wait}|${id}9|3`]);
        lines.push([end + talk, `${end + talk}|${id}|${q}|${agent}|${rnd() < 0.5 ? 'COMPLETEAGENT' : 'COMPLETECALLER'}|${wait}|${talk}|1`]);
      } else if (fate < 0.95) {
        lines.push([end, `${end}|${id}|${q}|NONE|ABANDON|1|1|${wait}`]);
      } else {
        lines.push([end + 60, `${end + 60}|${id}|${q}|NONE|EXITWITHTIMEOUT|1|1|${wait + 60}`]);
      }
    }
  }
  lines.sort((a, b) => a[0] - b[0]);
  return { lines: lines.map((l) => l[1]), calls };
}
