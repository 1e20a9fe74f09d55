// Attempts and figures of a campaign (docs/kpi-definitions.md §16): outbound CDR legs and
// recorded results are matched into attempts, then counted per contact, agent and day, and each
// listed contact gets its final result for the consolidated file. The one place these figures
// are computed: the API, the CLI, the page and the files all read them from here. Pure.
import { localParts } from '../../core/calendar.ts';
import { pct, ratio } from '../../core/rounding.ts';
import { CDR_CODES, type Attempt, type CampaignBreakdown, type CampaignContact, type CampaignFigures, type ConsolidatedRow, type ResultCode } from '../contract.ts';

/** An outbound CDR leg of an agent to a listed contact's number. */
export interface ContactLeg {
  contact_id: string;
  at_s: number;
  agent: string;
  disposition: string;
}

export interface RecordedResult {
  contact_id: string;
  at_s: number;
  agent: string;
  code: string;
}

/** The code of a leg nobody typified: ANSWERED -> contacted, BUSY -> busy, anything else -> no_answer. */
export function cdrCode(disposition: string): string {
  const d = disposition.toUpperCase();
  return d === 'ANSWERED' ? CDR_CODES.answered : d === 'BUSY' ? CDR_CODES.busy : CDR_CODES.other;
}

const byTime = <T extends { at_s: number }>(a: T, b: T): number => a.at_s - b.at_s;

/**
 * Attempts from legs and results. A result is the typification of the nearest leg of the same
 * contact that starts at most `windowS` seconds before or after it (each leg typified once,
 * results taken in time order; equal distances pick the earlier leg): one attempt at the leg's
 * start with the result's code and agent. A result with no such leg is an attempt of its own
 * (a call the CDR does not see); a leg with no result is an attempt coded by its disposition.
 */
export function matchAttempts(legs: readonly ContactLeg[], results: readonly RecordedResult[], windowS: number): Attempt[] {
  const legsOf = new Map<string, Array<ContactLeg & { used: boolean }>>();
  for (const l of [...legs].sort(byTime)) {
    const list = legsOf.get(l.contact_id) ?? [];
    list.push({ ...l, used: false });
    legsOf.set(l.contact_id, list);
  }
  const out: Attempt[] = [];
  for (const r of [...results].sort(byTime)) {
    let best: (ContactLeg & { used: boolean }) | null = null;
    for (const l of legsOf.get(r.contact_id) ?? []) {
      const d = Math.abs(l.at_s - r.at_s);
      if (l.used || d > windowS) continue;
      if (best === null || d < Math.abs(best.at_s - r.at_s)) best = l;
    }
    if (best) {
      best.used = true;
      out.push({ contact_id: r.contact_id, at_s: best.at_s, agent: r.agent, code: r.code, source: 'both' });
    } else {
      out.push({ contact_id: r.contact_id, at_s: r.at_s, agent: r.agent, code: r.code, source: 'result' });
    }
  }
  for (const list of legsOf.values()) {
    for (const l of list) if (!l.used) out.push({ contact_id: l.contact_id, at_s: l.at_s, agent: l.agent, code: cdrCode(l.disposition), source: 'cdr' });
  }
  return out.sort((a, b) => a.at_s - b.at_s || a.contact_id.localeCompare(b.contact_id));
}

/** Counts of a group of attempts (a whole campaign, an agent, a day). */
function tally(attempts: readonly Attempt[], codes: ReadonlyMap<string, ResultCode>): Omit<CampaignBreakdown, 'key'> {
  const attempted = new Set<string>();
  const contacted = new Set<string>();
  const success = new Set<string>();
  for (const a of attempts) {
    attempted.add(a.contact_id);
    const c = codes.get(a.code);
    if (c?.contacted) contacted.add(a.contact_id);
    if (c?.success) success.add(a.contact_id);
  }
  return {
    attempts: attempts.length,
    attempted: attempted.size,
    attempts_per_contact: attempted.size === 0 ? null : ratio(attempts.length, attempted.size),
    contacted: contacted.size,
    success: success.size,
    contact_rate_pct: pct(contacted.size, attempted.size),
    effectiveness_pct: pct(success.size, contacted.size),
  };
}

function groupBy(attempts: readonly Attempt[], key: (a: Attempt) => string, codes: ReadonlyMap<string, ResultCode>): CampaignBreakdown[] {
  const groups = new Map<string, Attempt[]>();
  for (const a of attempts) {
    const k = key(a);
    const g = groups.get(k) ?? [];
    g.push(a);
    groups.set(k, g);
  }
  return [...groups].sort(([a], [b]) => a.localeCompare(b)).map(([k, g]) => ({ key: k, ...tally(g, codes) }));
}

export function localDay(epochS: number, tz: string): string {
  const p = localParts(epochS, tz);
  return `${String(p.year).padStart(4, '0')}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

export interface CampaignNumbers {
  figures: CampaignFigures;
  by_agent: CampaignBreakdown[];
  by_day: CampaignBreakdown[];
  final_codes: Array<{ code: string; contacts: number }>;
  rows: ConsolidatedRow[];
}

/** A recorded result outranks a bare leg at the same second. */
const RANK: Record<Attempt['source'], number> = { cdr: 0, result: 1, both: 1 };

/** Figures of the listed contacts' attempts (attempts of contacts not on the list are ignored). */
export function campaignNumbers(contacts: readonly CampaignContact[], attempts: readonly Attempt[], codeList: readonly ResultCode[], tz: string): CampaignNumbers {
  const codes = new Map(codeList.map((c) => [c.code, c]));
  const listed = new Set(contacts.map((c) => c.contact_id));
  const mine = attempts.filter((a) => listed.has(a.contact_id));
  const all = tally(mine, codes);
  const figures: CampaignFigures = {
    list_size: contacts.length,
    attempted: all.attempted,
    attempts: all.attempts,
    attempts_per_contact: all.attempts_per_contact,
    contacted: all.contacted,
    success: all.success,
    coverage_pct: pct(all.attempted, contacts.length),
    contact_rate_pct: all.contact_rate_pct,
    effectiveness_pct: all.effectiveness_pct,
  };
  const last = new Map<string, { a: Attempt; n: number }>();
  for (const a of mine) {
    const seen = last.get(a.contact_id);
    const later = seen === undefined || a.at_s > seen.a.at_s || (a.at_s === seen.a.at_s && RANK[a.source] >= RANK[seen.a.source]);
    last.set(a.contact_id, { a: later ? a : (seen as { a: Attempt }).a, n: (seen?.n ?? 0) + 1 });
  }
  const rows: ConsolidatedRow[] = contacts.map((c) => {
    const l = last.get(c.contact_id);
    return { contact_id: c.contact_id, phone: c.phone, fields: c.fields, final_code: l?.a.code ?? '', attempts: l?.n ?? 0, last_attempt_s: l?.a.at_s ?? null, agent: l?.a.agent ?? '' };
  });
  const finals = new Map<string, number>();
  for (const r of rows) finals.set(r.final_code, (finals.get(r.final_code) ?? 0) + 1);
  const order = ['', ...codeList.map((c) => c.code)];
  const final_codes = [...finals].map(([code, n]) => ({ code, contacts: n })).sort((a, b) => order.indexOf(a.code) - order.indexOf(b.code) || a.code.localeCompare(b.code));
  // The local day of each attempt, read once per UTC hour: the Intl formatter is the costly part
  // of a big campaign, and zone offset changes fall on the hour (Colombia and Bolivia have none).
  const dayOfHour = new Map<number, string>();
  const dayOf = (s: number): string => {
    const h = Math.floor(s / 3600);
    let d = dayOfHour.get(h);
    if (d === undefined) dayOfHour.set(h, (d = localDay(h * 3600, tz)));
    return d;
  };
  return { figures, by_agent: groupBy(mine, (a) => a.agent, codes), by_day: groupBy(mine, (a) => dayOf(a.at_s), codes), final_codes, rows };
}
