import { describe, expect, it } from 'vitest';
import type { QaVisibility } from '@tablero/processor/contract';
import { ADMIN_ONLY, QA_COORDINATORS, qaVisibility, roleAllowed, type Role } from './roles.ts';

describe('qaVisibility: the dashboard turns a role into what the quality service may show', () => {
  it.each<[Role, QaVisibility]>([
    ['admin', { callerNumbers: 'full', agents: 'all', calibrations: 'all' }],
    ['manager', { callerNumbers: 'masked', agents: 'all', calibrations: 'all' }],
    ['supervisor', { callerNumbers: 'masked', agents: 'supervised', calibrations: 'own' }],
    ['qa_analyst', { callerNumbers: 'full', agents: 'all', calibrations: 'own' }],
  ])('%s', (role, expected) => {
    expect(qaVisibility(role)).toEqual(expected);
  });
});

describe('roleAllowed', () => {
  it.each<[readonly Role[], string | null | undefined, boolean]>([
    [ADMIN_ONLY, 'admin', true],
    [ADMIN_ONLY, 'manager', false],
    [QA_COORDINATORS, 'qa_analyst', true],
    [QA_COORDINATORS, 'supervisor', false],
    // No session (a kiosk, logged out) or a name that is no role is in no list.
    [QA_COORDINATORS, undefined, false],
    [QA_COORDINATORS, null, false],
    [QA_COORDINATORS, 'root', false],
  ])('%j allows %s: %s', (list, role, expected) => {
    expect(roleAllowed(list, role)).toBe(expected);
  });
});
