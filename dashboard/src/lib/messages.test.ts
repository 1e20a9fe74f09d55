import { describe, expect, it } from 'vitest';
import { translate } from './messages.ts';

describe('the shell catalog', () => {
  it('use the glossary terms on the wallboard', () => {
    expect([
      translate('es', 'tile.sl'),
      translate('es', 'tile.waiting'),
      translate('es', 'tile.longest-wait'),
      translate('es', 'tile.offered'),
      translate('es', 'tile.answered'),
      translate('es', 'tile.abandoned'),
      translate('es', 'tile.agents-available'),
      translate('es', 'tile.agents-on-call'),
      translate('es', 'tile.agents-paused'),
    ]).toEqual([
      'Nivel de servicio',
      'En espera ahora',
      'Espera máxima',
      'Llamadas recibidas',
      'Atendidas',
      'Abandonadas',
      'Agentes disponibles',
      'Agentes en llamada',
      'Agentes en pausa',
    ]);
    expect(translate('en', 'tile.sl')).toBe('Service level');
    expect(translate('en', 'tile.waiting')).toBe('Waiting now');
  });
});

describe('translate', () => {
  it.each([
    ['es', 'stale.age', { n: 12 }, 'Datos de hace 12 s'],
    ['en', 'stale.age', { n: 12 }, 'Data is 12 s old'],
    ['es', 'sl.short', { target: 80, t: 20 }, 'NS 80/20'],
    ['en', 'sl.short', { target: 80, t: 20 }, 'SL 80/20'],
    ['es', 'login.failed', { code: 'TABLERO_ERR_X' }, 'No se pudo iniciar sesión (TABLERO_ERR_X).'],
    // A parameter the caller forgot stays visible.
    ['en', 'stale.age', {}, 'Data is {n} s old'],
    ['es', 'tile.asa', undefined, 'Tiempo promedio de espera (ASA)'],
  ] as const)('%s %s %j -> %s', (lang, key, params, expected) => {
    expect(translate(lang, key, params)).toBe(expected);
  });
});
