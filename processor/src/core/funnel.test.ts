import { describe, expect, it } from 'vitest';
import { keyOfPeriod, parseFunnelConfig, periodOfKey, ruleParams } from './funnel.ts';

describe('parseFunnelConfig', () => {
  it('reads services in order with defaults for what is left out', () => {
    expect(parseFunnelConfig({ default: { services: [{ service: '101', dids: ['6014400101'] }, { service: '102', contexts: ['ivr-102'], agent_options: ['0'] }], ivr: { source: 'queue_log' } } })).toEqual({
      ok: true,
      value: {
        default: {
          services: [
            { service: '101', contexts: [], dids: ['6014400101'], agent_options: [] },
            { service: '102', contexts: ['ivr-102'], dids: [], agent_options: ['0'] },
          ],
          ivr: { source: 'queue_log', verb: 'IVROPTION' },
        },
      },
    });
    expect(parseFunnelConfig({ s: { services: [] } })).toEqual({ ok: true, value: { s: { services: [], ivr: { source: 'none' } } } });
    expect(parseFunnelConfig({ s: { services: [], ivr: { source: 'lastdata', app: 'Playback' } } })).toEqual({
      ok: true, value: { s: { services: [], ivr: { source: 'lastdata', app: 'Playback', pattern: '^[^,]*' } } },
    });
  });

  it.each([
    [[], ['must be an object of sites']],
    [{ 'bad site': { services: [] } }, ['bad site: not a site id']],
    [{ s: {} }, ['s.services: must be a list']],
    [{ s: { services: [{ service: '101' }] } }, ['s.services[0]: give contexts and/or dids (a service matching every call would count outbound ones)']],
    [{ s: { services: [{ dids: ['1'] }] } }, ['s.services[0].service: a name']],
    [{ s: { services: [{ service: 'a', dids: ['1'] }, { service: 'a', dids: ['2'] }] } }, ["s.services[1].service: 'a' is listed twice"]],
    [{ s: { services: [{ service: 'a', dids: [1] }] } }, ['s.services[0].dids: must be a list of non-empty strings', 's.services[0]: give contexts and/or dids (a service matching every call would count outbound ones)']],
    [{ s: { services: [], ivr: { source: 'cel' } } }, ['s.ivr.source: one of none, queue_log, userfield, lastdata']],
    [{ s: { services: [], ivr: { source: 'queue_log', verb: 'IVR OPTION' } } }, ['s.ivr.verb: letters, digits and _']],
    [{ s: { services: [], ivr: { source: 'lastdata', pattern: '(' } } }, ['s.ivr.app: the application whose lastdata holds the option', 's.ivr.pattern: not a regular expression']],
  ])('%j is refused: %j', (input, errors) => {
    expect(parseFunnelConfig(input)).toEqual({ ok: false, errors });
  });
});

describe('ruleParams', () => {
  it('one rule per (context, did) pair, services in order, "" for a dimension not given', () => {
    expect(ruleParams([
      { service: '101', contexts: ['from-pstn', 'from-trunk'], dids: ['1', '2'], agent_options: [] },
      { service: '102', contexts: [], dids: ['3'], agent_options: [] },
      { service: '103', contexts: ['ivr-103'], dids: [], agent_options: [] },
    ])).toEqual({
      rule_service: [1, 1, 1, 1, 2, 3],
      rule_context: ['from-pstn', 'from-pstn', 'from-trunk', 'from-trunk', '', 'ivr-103'],
      rule_did: ['1', '2', '1', '2', '3', ''],
    });
  });
});

describe('periodOfKey', () => {
  it.each([
    [202611, 'month', '2026-11'],
    [20261109, 'day', '2026-11-09'],
    [2026110914, 'hour', '2026-11-09T14'],
    [202611091415, 'interval', '2026-11-09T14:15'],
  ] as const)('%i by %s -> %s', (k, by, period) => {
    expect(periodOfKey(k, by)).toBe(period);
    expect(keyOfPeriod(period, by)).toBe(k);
  });

  it.each([
    ['2026-11', 'day'],
    ['2026-11-09', 'month'],
    ['2026-11-09T14:15', 'hour'],
    ['2026-11-9', 'day'],
    ['20261109', 'day'],
    ['2026-11-09 ', 'day'],
    ['', 'month'],
  ] as const)('%j is not a period of by=%s', (period, by) => {
    expect(keyOfPeriod(period, by)).toBeNull();
  });
});
