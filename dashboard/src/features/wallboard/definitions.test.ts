import type { Definition } from '@tablero/processor/contract';
import { describe, expect, it } from 'vitest';
import { snapshot } from '../../lib/snapshot-fixture.ts';
import { formulaName, slCaption, tileTitle, slDefinition } from './definitions.ts';
import { buildTiles, type Metric, type TileModel } from './tiles.ts';

const def: Definition = { formula: 'offered', threshold_s: 20, strict: false, short_abandon_s: 0, tz: 'America/La_Paz' };

function tile(metric: Metric, value: number | null = 1): TileModel {
  const t = buildTiles(snapshot()).find((x) => x.metric === metric);
  if (!t) throw new Error(`no tile ${metric}`);
  return { ...t, value };
}

describe('slCaption', () => {
  it.each<[Parameters<typeof slCaption>[0], Definition, number, string]>([
    ['es-BO', def, 80, 'NS 80/20 · fórmula: recibidas'],
    ['en', def, 80, 'SL 80/20 · formula: offered'],
    ['es-CO', { ...def, formula: 'answered', threshold_s: 30 }, 90, 'NS 90/30 · fórmula: atendidas'],
    ['es-BO', { ...def, formula: 'answered_abandoned' }, 85.5, 'NS 85,5/20 · fórmula: atendidas + abandonadas'],
  ])('%s %j target %d -> %s', (locale, d, target, expected) => {
    expect(slCaption(locale, d, target)).toBe(expected);
  });
});

describe('formulaName', () => {
  it('names every formula in both languages, and shows an unknown one as is', () => {
    expect(formulaName('es-BO', 'in_threshold_outcomes')).toBe('resultados dentro del umbral');
    expect(formulaName('en', 'abandon_after_threshold')).toBe('abandoned after threshold');
    expect(formulaName('en', 'weighted')).toBe('weighted');
  });
});

describe('tileTitle', () => {
  it.each<[Parameters<typeof tileTitle>[0], TileModel, Definition, string]>([
    [
      'es-BO',
      tile('sl', 84.62),
      def,
      'Nivel de servicio = atendidas en ≤ 20 s / llamadas recibidas × 100 (fórmula «recibidas»). Meta 80%. ' +
        'Hoy, desde el inicio del día en America/La_Paz. Valor: 84,62%.',
    ],
    [
      'en',
      tile('sl', null),
      { ...def, formula: 'answered', strict: true },
      'Service level = answered within < 20 s / answered × 100 (formula "answered"). Target 80%. ' +
        'Today, since the start of the day in America/La_Paz. No data: the denominator is 0.',
    ],
    [
      'es-CO',
      tile('abandon-rate', 12.5),
      { ...def, short_abandon_s: 5, tz: 'America/Bogota' },
      'Tasa de abandono = abandonadas / llamadas recibidas × 100. Hoy, desde el inicio del día en America/Bogota. ' +
        'Sin abandonos cortos (espera menor a 5 s). Valor: 12,50%.',
    ],
    [
      'en',
      tile('waiting', 3),
      { ...def, short_abandon_s: 5 },
      'Waiting now: calls in the queue not yet connected to an agent. Live. Value: 3.',
    ],
    ['en', tile('asa', 18.25), def, 'ASA = sum of the wait of answered calls / answered. Today, since the start of the day in America/La_Paz. Value: 18.25.'],
    [
      'es-BO',
      tile('agents-paused', 3),
      def,
      'Agentes en pausa: conectados y en pausa (desde PAUSE hasta UNPAUSE). En vivo. Valor: 3.',
    ],
    [
      'es-BO',
      tile('needed', 30),
      def,
      'Atenciones a tiempo que faltan para la meta: el menor número de llamadas más, todas atendidas en ≤ 20 s, que lleva el nivel de servicio de hoy a la meta de 80% (fórmula recibidas). ' +
        '0 = meta cumplida; sin dato cuando aún no hay llamadas o la meta es 100 % y ya no se alcanza. Hoy, desde el inicio del día en America/La_Paz. Valor: 30.',
    ],
    [
      'en',
      tile('at-risk', 2),
      { ...def, threshold_s: 30 },
      'Calls at risk: callers waiting who are still within 30 s and will cross it in the next 10 s (each with the threshold in force when it entered the queue). Live. Value: 2.',
    ],
  ])('%s %j', (locale, t, d, expected) => {
    expect(tileTitle(locale, t, d, 80)).toBe(expected);
  });

  it('has a definition for every tile in both languages', () => {
    for (const t of buildTiles(snapshot())) {
      for (const locale of ['es-BO', 'en'] as const) {
        const title = tileTitle(locale, t, def, 80);
        expect(title).not.toMatch(/\{[a-z_]+\}/);
        expect(title.length).toBeGreaterThan(30);
      }
    }
  });
});

describe('slDefinition', () => {
  it('names the formula, threshold and strictness', () => {
    expect(slDefinition('en', { formula: 'answered', threshold_s: 30, strict: true, short_abandon_s: 0, tz: 'UTC' })).toBe(
      'Service level = answered within < 30 s / answered × 100 (formula "answered").',
    );
  });
});
