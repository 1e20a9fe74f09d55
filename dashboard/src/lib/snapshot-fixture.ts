// A complete QueueSnapshot for unit tests, with every field set to a distinct, valid value.
// Not imported by the app.

import type { KpiFigures, QueueSnapshot } from '@tablero/processor/contract';

export function figures(overrides: Partial<KpiFigures> = {}): KpiFigures {
  return {
    offered: 120,
    answered: 100,
    answered_within: 90,
    unanswered: 20,
    abandoned: 15,
    timeout: 5,
    exit_key: 0,
    exit_empty: 0,
    withdrawn: 0,
    failed: 0,
    refused: 0,
    short_abandoned: 0,
    out_of_hours: 0,
    sl_pct: 75,
    abandon_rate_pct: 12.5,
    unanswered_rate_pct: 16.67,
    asa_s: 18.25,
    avg_abandon_wait_s: 41.3,
    aht_s: 182.4,
    longest_wait_s: 95,
    ...overrides,
  };
}

export function snapshot(overrides: Partial<QueueSnapshot> = {}): QueueSnapshot {
  return {
    type: 'kpi',
    site: 'lpz',
    queue: '101',
    at_ms: 1_790_000_000_000,
    data_ts: 1_789_999_999,
    definition: { formula: 'offered', threshold_s: 20, strict: false, short_abandon_s: 0, tz: 'America/La_Paz' },
    target_pct: 80,
    windows: { today: figures(), interval: figures({ offered: 10 }), last_60m: figures({ offered: 40 }) },
    waiting_now: 3,
    longest_current_wait_s: 34,
    talking_now: 7,
    agents: { logged_in: 12, available: 2, on_call: 7, paused: 3 },
    sl_series: [
      // 2026-09-25 08:00 and 08:15 in La Paz (UTC-4).
      { start_s: 1_790_337_600, sl_pct: 85.71, offered: 7 },
      { start_s: 1_790_338_500, sl_pct: null, offered: 0 },
    ],
    sl_cumulative: [
      { start_s: 1_790_337_600, sl_pct: 85.71, offered: 7 },
      { start_s: 1_790_338_500, sl_pct: 85.71, offered: 7 },
    ],
    // 90 of 120 within T, target 80: (90 + 30) / (120 + 30) = 80 %.
    answers_needed: 30,
    calls_at_risk: 1,
    ...overrides,
  };
}
