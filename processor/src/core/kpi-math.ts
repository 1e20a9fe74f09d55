// KPI math (kpi-definitions §3-§4, §11): integer sums per queue and period, and the ratios
// computed from them as exact fractions. The SQL queries return these same sums, so the ratios
// have one definition: `figures()`.
//
// Each stint is judged by the definition in force at its own enter time (kpi-definitions §12 of
// this repo's docs): the sums therefore carry the offered count and the service level's
// numerator and denominator as each stint's definition made them, so that sums taken under
// different definitions (a period that spans a settings change) still add up exactly.
import type { KpiFigures, SlFormula } from '../contract.ts';
import { ratio2 } from './rounding.ts';
import type { SumsDefinition } from './settings.ts';
import type { StintRow } from './stint-machine.ts';

export interface KpiSums {
  /** Counts per outcome, after out-of-hours and short-abandon exclusions. */
  answered: number;
  abandoned: number;
  timeout: number;
  exit_key: number;
  exit_empty: number;
  withdrawn: number;
  failed: number;
  refused: number;
  short_abandoned: number;
  /** Stints outside the site calendar (always counted here; elsewhere only with include_out_of_hours). */
  out_of_hours: number;
  /** Stints cut by a PBX restart: in no other figure. */
  cut_by_restart: number;
  /** Answered with a known wait within T (A_T). */
  answered_within: number;
  /** Unanswered with a known wait within T (U_T, for the SL2-style formula). */
  unanswered_within: number;
  /** Abandoned with a known wait within T (so abandoned after T = abandoned - this). */
  abandoned_within: number;
  answered_wait_sum: number;
  answered_wait_n: number;
  abandoned_wait_sum: number;
  abandoned_wait_n: number;
  talk_sum: number;
  talk_n: number;
  /** Offered as each stint's definition counts it (A + U, plus refused where count_refused). */
  offered: number;
  /** Service level numerator and denominator, each stint by its definition's formula and T. */
  sl_num: number;
  sl_den: number;
  /** Max known wait of an offered (not refused) stint; null when none. */
  max_wait: number | null;
}

export type KpiDef = SumsDefinition & { formula: SlFormula };

/** Counted answered stints of one agent in one queue, with the sums ASA and AHT come from. */
export interface AgentSumsRow {
  queue: string;
  agent: string;
  answered: number;
  answered_wait_sum: number;
  answered_wait_n: number;
  talk_sum: number;
  talk_n: number;
}

export function emptySums(): KpiSums {
  return {
    answered: 0, abandoned: 0, timeout: 0, exit_key: 0, exit_empty: 0, withdrawn: 0, failed: 0, refused: 0,
    short_abandoned: 0, out_of_hours: 0, cut_by_restart: 0,
    answered_within: 0, unanswered_within: 0, abandoned_within: 0,
    answered_wait_sum: 0, answered_wait_n: 0, abandoned_wait_sum: 0, abandoned_wait_n: 0,
    talk_sum: 0, talk_n: 0, offered: 0, sl_num: 0, sl_den: 0, max_wait: null,
  };
}

/** The sums a SQL query returns: every field but the definition-dependent ones below. */
export const DERIVED_SUMS = ['offered', 'sl_num', 'sl_den'] as const;

/**
 * Fills offered and the service level's terms of sums taken under ONE definition (a SQL query
 * returns the counts; this applies the formula). Per stint, addStint() does the same.
 */
export function withDefinition(s: KpiSums, def: Pick<KpiDef, 'formula' | 'count_refused'>): KpiSums {
  const U = unanswered(s);
  const A = s.answered;
  s.offered = A + U + (def.count_refused ? s.refused : 0);
  switch (def.formula) {
    case 'offered':
      s.sl_num = s.answered_within;
      s.sl_den = s.offered;
      break;
    case 'answered':
      s.sl_num = s.answered_within;
      s.sl_den = A;
      break;
    case 'answered_abandoned':
      s.sl_num = s.answered_within;
      s.sl_den = A + s.abandoned;
      break;
    case 'abandon_after_threshold':
      s.sl_num = s.answered_within;
      s.sl_den = A + (s.abandoned - s.abandoned_within);
      break;
    case 'in_threshold_outcomes':
      s.sl_num = s.answered_within + s.unanswered_within;
      s.sl_den = A + U;
      break;
  }
  return s;
}

/** "Within T": inclusive (wait <= T) by default, strict (wait < T) when set. Unknown waits never are. */
export function withinT(wait: number | null, def: Pick<SumsDefinition, 'threshold_s' | 'strict'>): boolean {
  if (wait === null) return false;
  return def.strict ? wait < def.threshold_s : wait <= def.threshold_s;
}

/** Short abandon: abandoned with a known wait < short_abandon_s (0 = none). */
export function isShortAbandon(stint: Pick<StintRow, 'outcome' | 'wait_s'>, def: Pick<SumsDefinition, 'short_abandon_s'>): boolean {
  return stint.outcome === 'abandoned' && stint.wait_s !== null && stint.wait_s < def.short_abandon_s;
}

export interface AddStintOptions {
  /** Decided by the site calendar; default false (in hours). */
  outOfHours?: boolean;
}

/** Adds one ended stint to the sums of its queue and period, judged by `def` (its definition). */
export function addStint(sums: KpiSums, stint: Pick<StintRow, 'outcome' | 'wait_s' | 'talk_s'>, def: KpiDef, opts: AddStintOptions = {}): void {
  if (stint.outcome === 'cut_by_restart') {
    sums.cut_by_restart += 1;
    return;
  }
  if (opts.outOfHours) {
    sums.out_of_hours += 1;
    if (!def.include_out_of_hours) return;
  }
  if (isShortAbandon(stint, def)) {
    sums.short_abandoned += 1;
    return;
  }
  const wait = stint.wait_s;
  const within = withinT(wait, def);
  switch (stint.outcome) {
    case 'refused':
      sums.refused += 1;
      if (def.count_refused) {
        sums.offered += 1;
        if (def.formula === 'offered') sums.sl_den += 1;
      }
      return;
    case 'answered':
      sums.answered += 1;
      sums.offered += 1;
      // A is in every formula's denominator, A_T in every numerator.
      sums.sl_den += 1;
      if (within) {
        sums.answered_within += 1;
        sums.sl_num += 1;
      }
      if (wait !== null) {
        sums.answered_wait_sum += wait;
        sums.answered_wait_n += 1;
      }
      if (stint.talk_s !== null) {
        sums.talk_sum += stint.talk_s;
        sums.talk_n += 1;
      }
      break;
    default:
      sums[stint.outcome] += 1;
      sums.offered += 1;
      if (within) sums.unanswered_within += 1;
      switch (def.formula) {
        case 'offered':
          sums.sl_den += 1;
          break;
        case 'answered':
          break;
        case 'answered_abandoned':
          if (stint.outcome === 'abandoned') sums.sl_den += 1;
          break;
        case 'abandon_after_threshold':
          if (stint.outcome === 'abandoned' && !within) sums.sl_den += 1;
          break;
        case 'in_threshold_outcomes':
          sums.sl_den += 1;
          if (within) sums.sl_num += 1;
          break;
      }
      if (stint.outcome === 'abandoned') {
        if (within) sums.abandoned_within += 1;
        if (wait !== null) {
          sums.abandoned_wait_sum += wait;
          sums.abandoned_wait_n += 1;
        }
      }
      break;
  }
  if (wait !== null && (sums.max_wait === null || wait > sums.max_wait)) sums.max_wait = wait;
}

const ADDED_SUMS = (Object.keys(emptySums()) as Array<keyof KpiSums>).filter((k): k is Exclude<keyof KpiSums, 'max_wait'> => k !== 'max_wait');

export function mergeSums(into: KpiSums, from: KpiSums): void {
  for (const k of ADDED_SUMS) into[k] += from[k];
  const m = from.max_wait;
  if (m !== null && (into.max_wait === null || m > into.max_wait)) into.max_wait = m;
}

export { ratio2 };

export function unanswered(s: KpiSums): number {
  return s.abandoned + s.timeout + s.exit_key + s.exit_empty + s.withdrawn + s.failed;
}

/** Counts and ratios from sums (the definitions are already in the sums: see addStint, withDefinition). */
export function figures(sums: KpiSums): KpiFigures {
  const U = unanswered(sums);
  const A = sums.answered;
  const O = sums.offered;
  return {
    offered: O,
    answered: A,
    answered_within: sums.answered_within,
    unanswered: U,
    abandoned: sums.abandoned,
    timeout: sums.timeout,
    exit_key: sums.exit_key,
    exit_empty: sums.exit_empty,
    withdrawn: sums.withdrawn,
    failed: sums.failed,
    refused: sums.refused,
    short_abandoned: sums.short_abandoned,
    out_of_hours: sums.out_of_hours,
    sl_pct: ratio2(sums.sl_num, sums.sl_den, 100),
    abandon_rate_pct: ratio2(sums.abandoned, O, 100),
    unanswered_rate_pct: ratio2(U, O, 100),
    asa_s: ratio2(sums.answered_wait_sum, sums.answered_wait_n),
    avg_abandon_wait_s: ratio2(sums.abandoned_wait_sum, sums.abandoned_wait_n),
    aht_s: ratio2(sums.talk_sum, sums.talk_n),
    longest_wait_s: sums.max_wait,
  };
}
