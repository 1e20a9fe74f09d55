import { describe, expect, it } from 'vitest';
import type { QaForm } from '@tablero/processor/contract';
import { answersFrom, draftFromForm, emptyDraft, monthsBack, newSection, nextId, specFromDraft, valuesFrom } from './form-draft.ts';
import { qaHash, qaLocation } from './qa-api.ts';

const FORM: QaForm = {
  form_id: 'f1',
  version: 2,
  created_by: 'quique',
  created_at_ms: 1,
  name: 'Monitoreo',
  critical_policy: 'keep_score',
  bands: [{ label: 'todo', max: 100 }],
  sections: [
    {
      id: 's1',
      title: 'Atención',
      items: [
        { id: 'i1', label: 'Saluda', type: 'yes_no', max: 1, weight: 1, allow_na: false, critical: null, guidance: '' },
        { id: 'i2', label: 'Resuelve', type: 'scale', max: 4, weight: 2, allow_na: true, critical: 'end_user', guidance: 'Solución en la llamada' },
      ],
    },
  ],
};

describe('form drafts', () => {
  it('starts with one section, one yes/no item and the users level bands', () => {
    const d = emptyDraft('es');
    expect(d).toEqual({
      form_id: null,
      name: '',
      critical_policy: 'zero_score',
      bands: [{ label: 'Por mejorar', max: 60 }, { label: 'Cumple', max: 85 }, { label: 'Supera', max: 100 }],
      sections: [{ id: 's1', title: '', items: [{ id: 'i1', label: '', type: 'yes_no', max: 1, weight: 1, allow_na: false, critical: '', guidance: '' }] }],
    });
    const s = newSection(d);
    expect([s.id, s.items[0]?.id]).toEqual(['s2', 'i2']);
    expect(nextId('i', ['i1', 'i3'])).toBe('i2');
  });

  it('round-trips a published version into the spec of its next version', () => {
    const d = draftFromForm(FORM);
    expect(d.form_id).toBe('f1');
    expect(specFromDraft(d)).toEqual({ name: 'Monitoreo', critical_policy: 'keep_score', bands: FORM.bands, sections: FORM.sections });
  });

  it('trims texts, forces max 1 on yes/no items and maps no category to null', () => {
    const d = emptyDraft('en');
    d.name = ' Audit ';
    const item = d.sections[0]?.items[0];
    if (!item) throw new Error('draft');
    Object.assign(item, { label: ' Greets ', max: 7, critical: 'compliance' });
    const spec = specFromDraft(d);
    expect(spec.name).toBe('Audit');
    expect(spec.sections[0]?.items[0]).toEqual({ id: 'i1', label: 'Greets', type: 'yes_no', max: 1, weight: 1, allow_na: false, critical: 'compliance', guidance: '' });
    expect(spec.bands.map((b) => b.label)).toEqual(['Needs improvement', 'Meets', 'Exceeds']);
  });

  it('types answers from the select boxes, and waits until every item is answered', () => {
    expect(answersFrom(FORM, { i1: '1' })).toBeNull();
    expect(answersFrom(FORM, { i1: '0', i2: 'na' })).toEqual({ i1: 0, i2: 'na' });
    expect(answersFrom(FORM, { i1: '1', i2: '3' })).toEqual({ i1: 1, i2: 3 });
    expect(valuesFrom({ i1: 1, i2: 'na' })).toEqual({ i1: '1', i2: 'na' });
  });

  it('lists the months of a trend across a year boundary', () => {
    expect(monthsBack('2026-02', 4)).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
    expect(monthsBack('2026-2', 3)).toEqual([]);
  });
});

describe('quality locations', () => {
  it('reads the view and its parameters from the hash', () => {
    const l = qaLocation('#/qa/score?call=1772400000.77&site=lpz');
    expect([l.view, l.params.get('call'), l.params.get('site')]).toEqual(['score', '1772400000.77', 'lpz']);
    expect(qaLocation('#/qa?session=abc').view).toBe('calibration');
    expect(qaLocation('#/qa/nothing').view).toBe('calibration');
    expect(qaLocation('#/qa/agents/').view).toBe('agents');
    expect(qaLocation('#/qa/settings').view).toBe('settings');
  });

  it('writes hashes without empty parameters', () => {
    expect(qaHash('agents', { agent: 'Ana María', month: '2026-03', x: '' })).toBe('#/qa/agents?agent=Ana+Mar%C3%ADa&month=2026-03');
    expect(qaHash('calibration')).toBe('#/qa');
    expect(qaHash('settings')).toBe('#/qa/settings');
    expect(qaLocation(qaHash('agents', { agent: 'Ana María' })).params.get('agent')).toBe('Ana María');
  });
});
