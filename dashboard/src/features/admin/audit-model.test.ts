import { describe, expect, it } from 'vitest';
import { actionChoices, actionName, auditQuery, pagesOf, parseAuditPage } from './audit-model.ts';

describe('audit page model', () => {
  it('builds the query with empty filters left out', () => {
    expect(auditQuery({ from: '2026-11-01', to: '', actor: ' ana ', action: '', target: '' }, { page: 2, size: 50 })).toBe('?from=2026-11-01&actor=ana&page=2&size=50');
    expect(auditQuery({ from: '', to: '', actor: '', action: 'role_changed', target: 'nuevo' })).toBe('?action=role_changed&target=nuevo');
  });

  it('reads an answer: before, after and the other facts as JSON text', () => {
    const p = parseAuditPage({
      total: 51, page: 1, size: 50, tz: 'America/Bogota',
      rows: [{ id: 'x', at_ms: 1, actor: 'ana', action: 'role_changed', target: 'nuevo', address: '10.0.0.1', detail: { from: 'supervisor', to: 'manager', before: { role: 'supervisor' }, after: { role: 'manager' } } }],
    });
    expect(p.rows[0]).toEqual({ id: 'x', at_ms: 1, actor: 'ana', action: 'role_changed', target: 'nuevo', address: '10.0.0.1', before: '{"role":"supervisor"}', after: '{"role":"manager"}', other: '{"from":"supervisor","to":"manager"}' });
    expect(pagesOf(p)).toBe(2);
    expect(pagesOf({ total: 0, size: 50 })).toBe(1);
    expect(() => parseAuditPage({ rows: 'no' })).toThrow('not an audit page');
  });

  it('names actions in both languages and lists every one for the filter', () => {
    expect([actionName('user_removed', 'es'), actionName('user_removed', 'en'), actionName('other', 'es')]).toEqual(['Usuario eliminado', 'User removed', 'other']);
    expect(actionChoices('es').length).toBe(actionChoices('en').length);
    expect(actionChoices('en').slice(0, 2)).toEqual([
      { value: 'qa_calibration_scored', label: 'Calibration scoring submitted' },
      { value: 'qa_calibration_created', label: 'Calibration session created' },
    ]);
    expect(actionChoices('es')[0]).toEqual({ value: 'login_locked', label: 'Bloqueo por intentos fallidos' });
  });
});
