// Test support: the generated week of typified calls with repeat callers that the FCR tests share
// (store/fcr-query.integration.test.ts explains it call by call and hand-checks its figures).

/** Monday 2026-11-02 00:00 UTC. */
export const MON = Date.UTC(2026, 10, 2) / 1000;
export const DAY = 86_400;

/** The week's queue_log lines, in time order. */
export function week(): string[] {
  const lines: string[] = [];
  const answered = (t: number, callid: string, queue: string, caller: string): void => {
    lines.push(`${t}|${callid}|${queue}|NONE|ENTERQUEUE||${caller}|1`, `${t + 10}|${callid}|${queue}|Ana|CONNECT|10|${callid}.1|0`, `${t + 190}|${callid}|${queue}|Ana|COMPLETECALLER|10|180|1`);
  };
  for (let d = 0; d < 7; d++) {
    const day = MON + d * DAY;
    for (let i = 0; i < 10; i++) {
      const t = day + 10 * 3600 + i * 300;
      const callid = `w${d}.${i}`;
      const caller =
        i === 6 ? (d % 2 === 1 ? '+573009000006' : '573009000006')
        : i === 7 ? (d % 2 === 0 ? '0573009000007' : '573009000007')
        : i === 8 ? 'anonymous'
        : `57300${d}0${i}`;
      answered(t, callid, 'q1', caller);
      if (i !== 7) {
        const [category, result] = i === 5 || i === 9 ? ['reclamo', 'escalado'] : ['consulta', 'resuelto'];
        lines.push(`${t + 200}|${callid}|q1|Ana|tipificacion|${category}|${result}`);
      }
    }
    lines.push(`${day + 12 * 3600}|w${d}.a|q1|NONE|ENTERQUEUE||57300${d}00|1`, `${day + 12 * 3600 + 20}|w${d}.a|q1|NONE|ABANDON|1|1|20`);
  }
  answered(MON + 6 * DAY + 15 * 3600, 'w6.q2', 'q2', '573009000006');
  return lines.sort((a, b) => Number(a.split('|')[0]) - Number(b.split('|')[0]));
}
