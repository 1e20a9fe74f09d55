import { describe, expect, it } from 'vitest';
import type { QaSettings } from '../contract.ts';
import { settingsFrom, supervisedAgents } from './context.ts';

describe('settingsFrom: stored QA settings over the defaults', () => {
  it.each<[Record<string, string>, QaSettings]>([
    [{}, { recording_url_template: '', target_per_agent: 4 }],
    [{ recording_url_template: 'https://rec/{callid}', target_per_agent: '7' }, { recording_url_template: 'https://rec/{callid}', target_per_agent: 7 }],
    // A target that is not a positive whole number falls back to the default.
    [{ target_per_agent: '0' }, { recording_url_template: '', target_per_agent: 4 }],
    [{ target_per_agent: '2.5' }, { recording_url_template: '', target_per_agent: 4 }],
    [{ target_per_agent: 'x' }, { recording_url_template: '', target_per_agent: 4 }],
  ])('%j', (raw, expected) => {
    expect(settingsFrom(raw)).toEqual(expected);
  });
});

describe('supervisedAgents', () => {
  it('is the agents of the teams whose supervisor is the username', () => {
    const members = [
      { agent: 'Ana', team: 'A', supervisor: 'sofia' },
      { agent: 'Beto', team: 'B', supervisor: 'otro' },
      { agent: 'Ciro', team: 'C', supervisor: 'sofia' },
    ];
    expect([...supervisedAgents(members, 'sofia')]).toEqual(['Ana', 'Ciro']);
    expect([...supervisedAgents(members, 'nadie')]).toEqual([]);
  });
});
