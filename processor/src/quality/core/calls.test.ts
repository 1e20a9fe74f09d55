import { describe, expect, it } from 'vitest';
import { checkRecordingTemplate, monthOf, monthRange, recordingUrl } from './calls.ts';

describe('call facts', () => {
  it('builds recording links from the template', () => {
    expect(recordingUrl('https://rec.example/{site}/{callid}.wav', { site: 'lpz', callid: '1772399000.15' })).toBe('https://rec.example/lpz/1772399000.15.wav');
    expect(recordingUrl('https://rec.example/?id={callid}', { site: 'lpz', callid: 'a b&c' })).toBe('https://rec.example/?id=a%20b%26c');
    expect(recordingUrl('', { site: 'lpz', callid: '1' })).toBeNull();
  });

  it.each([
    ['', true],
    ['https://rec.example/{callid}', true],
    ['https://rec.example/x', false],
    ['javascript:alert({callid})', false],
  ])('template %s valid: %s', (t, ok) => {
    expect(checkRecordingTemplate(t).ok).toBe(ok);
  });

  it('gives local month ranges', () => {
    // La Paz is UTC-4 all year: March 2026 starts 2026-03-01T04:00Z.
    expect(monthRange('2026-03', 'America/La_Paz')).toEqual({ from_s: Date.UTC(2026, 2, 1, 4) / 1000, to_s: Date.UTC(2026, 3, 1, 4) / 1000 });
    expect(monthRange('2026-12', 'UTC')).toEqual({ from_s: Date.UTC(2026, 11, 1) / 1000, to_s: Date.UTC(2027, 0, 1) / 1000 });
    expect(monthRange('2026-13', 'UTC')).toBeNull();
    expect(monthOf(Date.UTC(2026, 2, 1, 3, 59) / 1000, 'America/La_Paz')).toBe('2026-02');
  });
});
