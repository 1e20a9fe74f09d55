import { describe, expect, it } from 'vitest';
import { layoutQualityReport } from './layout.ts';
import { MARCH } from './testing.ts';

const GENERATED_MS = Date.UTC(2026, 3, 2, 13, 30, 5);

describe('layoutQualityReport', () => {
  it('lays out teams and agents with progress against the target and critical accuracy per category', () => {
    const l = layoutQualityReport(MARCH, { lang: 'es', generatedAtMs: GENERATED_MS });
    expect(l.title).toBe('Informe mensual de calidad');
    expect(l.agents.columns.map((c) => c.header)).toEqual([
      'Agente', 'Equipo', 'Meta de evaluaciones', 'Evaluaciones realizadas', 'Avance (%)', 'Puntaje promedio',
      'Precisión crítica usuario final (%)', 'Precisión crítica negocio (%)', 'Precisión crítica cumplimiento (%)', 'CSAT (%)', 'Encuestas',
    ]);
    expect(l.agents.rows).toEqual([
      ['Ana', 'Reclamos', 4, 3, 75, 87.5, 100, 66.67, 100, 83.33, 2],
      ['Luis', '(sin equipo)', 4, 0, 0, null, null, null, null, null, 0],
    ]);
    expect(l.teams.rows).toEqual([
      ['(sin equipo)', 1, 4, 0, 0, null, null, null, null, null, 0],
      ['Reclamos', 1, 4, 3, 75, 87.5, 100, 66.67, 100, 83.33, 2],
    ]);
    expect(l.agents.columns.map((c) => c.kind)).toEqual(['text', 'text', 'int', 'int', 'pct', 'dec', 'pct', 'pct', 'pct', 'pct', 'int']);
  });

  it('lays out calibration sessions with local deadlines, analysts with their tendency, and surveys with a total row', () => {
    const l = layoutQualityReport(MARCH, { lang: 'en', generatedAtMs: GENERATED_MS });
    expect(l.calibration.rows).toEqual([['Calibración quincenal', '1772400000.77', '2026-03-14 18:00', 3, 3, 12.5, 5.1, 0.214, 50]]);
    expect(l.calibration.columns.find((c) => c.key === 'fleiss_kappa')?.kind).toBe('dec3');
    expect(l.analysts.rows).toEqual([
      ['quique', 1, 7.25, 0, 'lenient'],
      ['rita', 1, -1.5, 100, 'aligned'],
    ]);
    expect(l.surveys_queue.columns.map((c) => c.header)).toEqual([
      'Queue', 'Answered calls', 'Surveyed calls', 'Response rate (%)', 'Answers', 'CSAT (%)', 'Mean calidad (1-5)', 'Mean oportunidad (1-5)', 'Mean amabilidad (1-5)',
    ]);
    expect(l.surveys_queue.rows).toEqual([
      ['Total', 40, 2, 5, 6, 83.33, 4.5, 4, 5],
      ['101', 40, 2, 5, 6, 83.33, 4.5, 4, 5],
    ]);
    expect(l.surveys_agent.rows).toEqual([
      ['Ana', 25, 2, 8, 6, 83.33, 4.5, 4, 5],
      ['Luis', 15, 0, 0, 0, null, null, null, null],
    ]);
    expect(l.generated).toEqual(['Generated', '2026-04-02 09:30:05 -04:00 (America/La_Paz)']);
    expect(l.info.slice(0, 4)).toEqual([
      ['Report', 'Monthly quality report'],
      ['Period', '2026-03'],
      ['Time zone', 'America/La_Paz'],
      ['Calibrations', '1 calibration sessions with a deadline in the period'],
    ]);
  });

  it('leaves progress empty for a zero target instead of dividing by zero', () => {
    const first = MARCH.agents[0];
    if (!first) throw new Error('fixture');
    const l = layoutQualityReport({ ...MARCH, agents: [{ ...first, target: 0 }] }, { lang: 'es', generatedAtMs: GENERATED_MS });
    expect(l.agents.rows[0]?.[4]).toBeNull();
  });
});
