// Training averages, pass rate, trend and who is below the pass mark, worked by hand
// (docs/kpi-definitions.md §17), and the inputs that are refused with their reason.
//
// March 2026 (team Norte: ana, beto; carla in no team), pass mark 70 unless said:
//   ana    Producto 80, Normativa 65            -> mean 72.5, passed 1/2 = 50 %, Feb mean 70 -> trend +2.5
//   beto   Producto 69.99, Normativa 90 (pm 85) -> mean 79.995 -> 80.00 (exact, half up), passed 1/2, mean pm 77.5, Feb none
//   carla  Producto 60                          -> mean 60, 0 %, mean pm 70 -> below; Feb 75 -> trend -15
//   Norte: 4 tests, mean (80+65+69.99+90)/4 = 76.2475 -> 76.25, passed 2/4 = 50 %, Feb (ana only) 70 -> +6.25, below 0
import { describe, expect, it } from 'vitest';
import { checkTraining, parseScore, parseTrainingCsv, trainingRows } from './training.ts';

const s = (agent: string, score: number, pass_mark = 70) => ({ agent, score, pass_mark });
const march = [s('ana', 80), s('ana', 65), s('beto', 69.99), s('beto', 90, 85), s('carla', 60)];
const feb = [s('ana', 70), s('carla', 75), s('dario', 90)];
const teams = new Map([['ana', 'Norte'], ['beto', 'Norte']]);

describe('trainingRows (hand-worked)', () => {
  const r = trainingRows(march, feb, teams);
  it('per agent', () => {
    expect(r.agents).toEqual([
      { agent: 'ana', team: 'Norte', tests: 2, passed: 1, avg_score: 72.5, avg_pass_mark: 70, pass_rate_pct: 50, prev_avg_score: 70, trend: 2.5, below_pass_mark: false },
      { agent: 'beto', team: 'Norte', tests: 2, passed: 1, avg_score: 80, avg_pass_mark: 77.5, pass_rate_pct: 50, prev_avg_score: null, trend: null, below_pass_mark: false },
      { agent: 'carla', team: '', tests: 1, passed: 0, avg_score: 60, avg_pass_mark: 70, pass_rate_pct: 0, prev_avg_score: 75, trend: -15, below_pass_mark: true },
    ]);
  });
  it('per team (each test weighs the same)', () => {
    expect(r.teams).toEqual([
      { team: '', agents: 1, tests: 1, passed: 0, avg_score: 60, pass_rate_pct: 0, prev_avg_score: 75, trend: -15, below: 1 },
      { team: 'Norte', agents: 2, tests: 4, passed: 2, avg_score: 76.25, pass_rate_pct: 50, prev_avg_score: 70, trend: 6.25, below: 0 },
    ]);
  });
  it('a score equal to the pass mark passes', () => expect(trainingRows([s('x', 70)], [], new Map()).agents[0]?.passed).toBe(1));
});

describe('test results refused with their reason', () => {
  const good = { agent: 'ana', test: 'Producto', date: '2026-03-10', score: '85,5', pass_mark: 70 };
  it('accepts a decimal comma', () => expect(checkTraining(good)).toEqual({ ok: true, value: { agent: 'ana', test: 'Producto', date: '2026-03-10', score: 85.5, pass_mark: 70 } }));
  it.each([
    [{ agent: ' ' }, 'no_agent'],
    [{ test: '' }, 'no_test'],
    [{ date: '2026-02-30' }, 'bad_date'],
    [{ date: '10/03/2026' }, 'bad_date'],
    [{ score: '101' }, 'bad_score'],
    [{ score: '-1' }, 'bad_score'],
    [{ score: '85.555' }, 'bad_score'],
    [{ score: 'ochenta' }, 'bad_score'],
    [{ score: 100.001 }, 'bad_score'],
    [{ pass_mark: '' }, 'bad_pass_mark'],
  ])('%j -> %s', (patch, reason) => expect(checkTraining({ ...good, ...patch })).toEqual({ ok: false, reason }));
  it.each([['100', 100], ['100,00', 100], ['0', 0], ['7.5', 7.5]])('score %s = %d', (v, n) => expect(parseScore(v)).toBe(n));

  it('reads a CSV, rejecting bad rows and a repeated test, keeping the rest', () => {
    const p = parseTrainingCsv([
      'agente;prueba;fecha;puntaje;nota_aprobacion',
      'ana;Producto;2026-03-10;85,5;70',
      'beto;Producto;2026-03-10;101;70',
      'ana;Producto;2026-03-10;90;70',
      'carla;Normativa;2026-03-11;60;70;extra',
      'carla;Normativa;2026-03-11;60;70',
    ].join('\n'));
    if (!p.ok) throw new Error(p.reason);
    expect(p.lines).toBe(5);
    expect(p.scores.map((x) => [x.agent, x.score])).toEqual([['ana', 85.5], ['carla', 60]]);
    expect(p.rejected).toEqual([{ line: 3, reason: 'bad_score' }, { line: 4, reason: 'duplicate_test' }, { line: 5, reason: 'column_count' }]);
  });
  it('needs the five columns', () => expect(parseTrainingCsv('agent,test,date,score\nana,P,2026-03-01,80')).toEqual({ ok: false, reason: 'the header must name the columns agent, test, date, score and pass_mark' }));
});
