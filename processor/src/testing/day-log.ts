// Test support: a plain queue_log text of one working day on three queues (q0-q2) and three
// agents, in Asterisk's order (by epoch), with known figures: call i goes to queue i % 3 and ends
// by i % 5 (0-1 answered, 2 abandoned, 3 timeout, 4 refused by FULL); every 60th call from the
// 30th has its agent pause for lunch 15 minutes. With `calls` a multiple of 15, each queue gets
// calls / 3 calls: 2/5 answered and 1/5 of each other outcome.

export const DAY_LOG_AGENTS = ['PJSIP/201', 'PJSIP/202', 'PJSIP/203'];

/** The lines (without `\n`): `calls` calls, one every `everyS` seconds from `t0` + 10. */
export function dayLog(t0: number, calls: number, everyS: number): string[] {
  const rows: Array<[number, string]> = [];
  const add = (ts: number, rest: string): void => void rows.push([ts, `${ts}|${rest}`]);
  DAY_LOG_AGENTS.forEach((a, i) => add(t0, `NONE|q${i}|${a}|ADDMEMBER|`));
  for (let i = 0; i < calls; i++) {
    const t = t0 + 10 + i * everyS;
    const q = `q${i % 3}`;
    const id = `${t}.${i}`;
    const agent = DAY_LOG_AGENTS[i % 3] as string;
    const talk = 30 + (i % 7) * 10;
    if (i % 5 <= 1) {
      add(t, `${id}|${q}|NONE|ENTERQUEUE||300${i}|1`);
      add(t + 5, `${id}|${q}|${agent}|RINGNOANSWER|5000`);
      add(t + 12, `${id}|${q}|${agent}|CONNECT|12|${id}9|3`);
      add(t + 12 + talk, `${id}|${q}|${agent}|${i % 2 ? 'COMPLETECALLER' : 'COMPLETEAGENT'}|12|${talk}|1`);
    } else if (i % 5 === 2) {
      add(t, `${id}|${q}|NONE|ENTERQUEUE||300${i}|1`);
      add(t + 3 + (i % 40), `${id}|${q}|NONE|ABANDON|1|1|${3 + (i % 40)}`);
    } else if (i % 5 === 3) {
      add(t, `${id}|${q}|NONE|ENTERQUEUE||300${i}|2`);
      add(t + 60, `${id}|${q}|NONE|EXITWITHTIMEOUT|1|2|60`);
    } else {
      add(t, `${id}|${q}|NONE|FULL`);
    }
    if (i % 60 === 30) {
      add(t + 1, `NONE|${q}|${agent}|PAUSE|Almuerzo`);
      add(t + 900, `NONE|${q}|${agent}|UNPAUSE|`);
    }
  }
  return rows.sort((a, b) => a[0] - b[0]).map(([, line]) => line);
}
