// What every part of the quality service shares: the injected dependencies with their defaults,
// the settings reader, who-sees-which-agents, and the result constructors. The parts (forms,
// calls, sampling, evaluations, calibration, surveys, report) each take one context, so each
// can be built and tested alone; ../service.ts composes them into the QualityApi.
import { randomInt, randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { ClickHouse } from '@tablero/sql';
import type { QaResult, QaSettings, QaTeamMember, QaViewer } from '../contract.ts';
import * as store from '../store/qa-store.ts';

export interface QualityServiceDeps {
  ch: ClickHouse;
  log: Logger;
  /** Site time zone for months and parts of the day. */
  tz: string;
  /** Live (not persisted) publish, e.g. the bus's `emit`; absent -> no live updates. */
  emit?: (subject: string, data: Uint8Array) => void;
  now?: () => number;
  /** Seeds for new samples (tests pass a fixed one). */
  randomSeed?: () => number;
  newId?: () => string;
}

export const DEFAULT_QA_SETTINGS: QaSettings = { recording_url_template: '', target_per_agent: 4 };

/** Agents a viewer may see; null = every agent. */
export type AgentFilter = Set<string> | null;

export interface QualityContext {
  ch: ClickHouse;
  log: Logger;
  tz: string;
  emit: ((subject: string, data: Uint8Array) => void) | undefined;
  now: () => number;
  newId: () => string;
  randomSeed: () => number;
  settings(): Promise<QaSettings>;
  /** Agents the viewer may see (null: every agent; a null viewer is the system, which sees all). */
  visibleAgents(viewer: QaViewer | null): Promise<AgentFilter>;
}

export function qualityContext(deps: QualityServiceDeps): QualityContext {
  const { ch } = deps;
  return {
    ch,
    log: deps.log,
    tz: deps.tz,
    emit: deps.emit,
    now: deps.now ?? Date.now,
    newId: deps.newId ?? randomUUID,
    randomSeed: deps.randomSeed ?? (() => randomInt(0, 2 ** 32 - 1)),
    settings: async () => settingsFrom(await store.readSettings(ch)),
    visibleAgents: async (viewer) => (viewer === null || viewer.sees.agents === 'all' ? null : supervisedAgents(await store.teamMembers(ch), viewer.username)),
  };
}

/** Stored settings over the defaults; a target that is not a positive whole number falls back. */
export function settingsFrom(raw: Record<string, string>): QaSettings {
  const target = Number(raw['target_per_agent']);
  return {
    recording_url_template: raw['recording_url_template'] ?? DEFAULT_QA_SETTINGS.recording_url_template,
    target_per_agent: Number.isInteger(target) && target > 0 ? target : DEFAULT_QA_SETTINGS.target_per_agent,
  };
}

/** The agents of the teams `username` supervises. */
export function supervisedAgents(members: readonly QaTeamMember[], username: string): Set<string> {
  return new Set(members.filter((m) => m.supervisor === username).map((m) => m.agent));
}

export const sees = (agents: AgentFilter, agent: string): boolean => agents === null || agents.has(agent);

export const USERNAME = /^[A-Za-z0-9._@-]{1,64}$/;

export const ok = <T>(value: T): QaResult<T> => ({ ok: true, value });
export const invalid = (reason: string): { ok: false; error: 'invalid'; reason: string } => ({ ok: false, error: 'invalid', reason });
export const notFound = (reason: string): { ok: false; error: 'not_found'; reason: string } => ({ ok: false, error: 'not_found', reason });
export const forbidden = (reason: string): { ok: false; error: 'forbidden'; reason: string } => ({ ok: false, error: 'forbidden', reason });
export const conflict = (reason: string): { ok: false; error: 'conflict'; reason: string } => ({ ok: false, error: 'conflict', reason });

type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
export const isInt = (v: unknown, min: number, max: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;

/** A comment as stored (trimmed; '' when absent), or null when it is not text of at most 4000 characters. */
export function commentOf(v: unknown): string | null {
  if (v === undefined) return '';
  return typeof v === 'string' && v.length <= 4000 ? v.trim() : null;
}
export const BAD_COMMENT = 'comment must be text of at most 4000 characters';
