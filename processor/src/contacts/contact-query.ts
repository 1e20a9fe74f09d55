// The one read of the channel figures (kpi-definitions §15): `tablero contacts`, GET
// /api/contacts/kpis, the Reports page's channel report, the wallboard's channel tiles and the
// monthly export's channels sheet all read them here. One SQL (queries/contact-kpis.sql) counts
// and sums; this file binds the site's settings versions and business-day ranges and rounds.
import { readFileSync } from 'node:fs';
import { CONTACT_CHANNELS, DEFAULT_SITE } from '@tablero/ingest/contract';
import type { ClickHouse } from '@tablero/sql';
import { CONTACT_GROUPINGS, type ContactKpiQuery, type ContactKpiRow, type ContactRatingStats } from '../contract.ts';
import { pct, ratio } from '../core/rounding.ts';
import { KpiQueryError, parseBound, resolverFor, rows, type KpiReadOptions } from '../store/kpi-query.ts';
import { businessDays } from './core/business-time.ts';
import { contactSettingsAt, loadContactSettingsVersions } from './store/contact-store.ts';

const SQL = readFileSync(new URL('./queries/contact-kpis.sql', import.meta.url), 'utf8');

/**
 * How far past the range's end a first response is measured in business seconds: the longest
 * threshold (60 days) and then some. A response later than that counts the business seconds up to
 * there (it is out of any threshold anyway).
 */
export const CONTACT_LOOKAHEAD_S = 120 * 86_400;

interface SqlRow {
  channel: string;
  /** 202612, 20261207 or 2026120714 by `by`. */
  k: number;
  received: number;
  answered: number;
  abandoned: number;
  unanswered: number;
  waiting: number;
  answered_within: number;
  frt_sum: number;
  frt_max: number;
  handled: number;
  handle_sum: number;
  rated: number;
  r_n: [string[], number[]];
  r_sum: [string[], number[]];
  r_top: [string[], number[]];
}

export async function queryContactKpis(ch: ClickHouse, q: ContactKpiQuery, o: KpiReadOptions): Promise<ContactKpiRow[]> {
  const site = q.site ?? o.defaultSite ?? DEFAULT_SITE;
  const by = q.by ?? 'day';
  if (!(CONTACT_GROUPINGS as readonly string[]).includes(by)) throw new KpiQueryError(`by must be one of ${CONTACT_GROUPINGS.join(', ')}`);
  for (const c of q.channels ?? []) {
    if (!(CONTACT_CHANNELS as readonly string[]).includes(c)) throw new KpiQueryError(`channel '${c}' is not one of ${CONTACT_CHANNELS.join(', ')}`);
  }
  const nowMs = (o.now ?? Date.now)();
  const resolver = await resolverFor(ch, o);
  const tz = q.tz ?? resolver.calendarAt(site, nowMs).spec.tz;
  const from_s = parseBound(q.from, tz);
  const to_s = parseBound(q.to, tz);
  if (!(from_s < to_s)) throw new KpiQueryError(`from (${q.from}) must be before to (${q.to}); to is exclusive`);
  const versions = await loadContactSettingsVersions(ch, site);
  const days = businessDays((t) => resolver.calendarAt(site, t * 1000).spec, from_s, to_s + CONTACT_LOOKAHEAD_S);
  const params = {
    site, by, tz, from_s, to_s,
    only: q.channels ?? [],
    channels: [...CONTACT_CHANNELS],
    // valid_from is in milliseconds; a version valid from inside a second applies from the next one.
    ver_from: versions.map((v) => Math.ceil(v.valid_from_ms / 1000)),
    thr: versions.map((v) => CONTACT_CHANNELS.map((c) => v.settings[c].threshold_s)),
    basis: versions.map((v) => CONTACT_CHANNELS.map((c) => (v.settings[c].basis === 'business' ? 1 : 0))),
    strict: versions.map((v) => CONTACT_CHANNELS.map((c) => (v.settings[c].strict ? 1 : 0))),
    day0: days.day0,
    day_before: days.before,
    day_ranges: days.ranges,
    total_s: days.total,
  };
  const raw = await rows<SqlRow>(ch, SQL, params, 'contact KPI query');
  const endVersion = contactSettingsAt(versions, to_s * 1000 - 1);
  const changed = (channel: string): boolean => {
    const c = channel as (typeof CONTACT_CHANNELS)[number];
    const at = (ms: number) => JSON.stringify(contactSettingsAt(versions, ms).settings[c]);
    const end = at(to_s * 1000 - 1);
    return versions.some((v) => v.valid_from_ms > from_s * 1000 && v.valid_from_ms < to_s * 1000 && at(v.valid_from_ms - 1) !== end) || at(from_s * 1000) !== end;
  };
  const definition = (channel: string): ContactKpiRow['definition'] => {
    const s = endVersion.settings[channel as (typeof CONTACT_CHANNELS)[number]];
    return { site, tz, threshold_s: s.threshold_s, basis: s.basis, strict: s.strict, settings_version: endVersion.version, spans_change: changed(channel) };
  };
  const periodOf = (k: number): string => {
    const t = String(k);
    const day = `${t.slice(0, 4)}-${t.slice(4, 6)}-${t.slice(6, 8)}`;
    return by === 'month' ? `${t.slice(0, 4)}-${t.slice(4, 6)}` : by === 'day' ? day : `${day}T${t.slice(8, 10)}`;
  };
  const out: ContactKpiRow[] = raw.map((r) => {
    const ratings: Record<string, ContactRatingStats> = {};
    const [dims, ns] = r.r_n;
    let all = 0;
    let top = 0;
    dims.forEach((d, i) => {
      const n = Number(ns[i]);
      const sum = Number(r.r_sum[1][r.r_sum[0].indexOf(d)] ?? 0);
      const t = Number(r.r_top[1][r.r_top[0].indexOf(d)] ?? 0);
      all += n;
      top += t;
      ratings[d] = { answers: n, mean: ratio(sum, n), csat_pct: pct(t, n) };
    });
    const answered = Number(r.answered);
    const closed = answered + Number(r.abandoned) + Number(r.unanswered);
    return {
      channel: r.channel,
      period: periodOf(Number(r.k)),
      received: Number(r.received),
      answered,
      abandoned: Number(r.abandoned),
      unanswered: Number(r.unanswered),
      waiting: Number(r.waiting),
      answered_within: Number(r.answered_within),
      within_pct: pct(Number(r.answered_within), closed),
      abandon_pct: pct(Number(r.abandoned), closed),
      first_response_avg_s: ratio(Number(r.frt_sum), answered),
      first_response_max_s: answered > 0 ? Number(r.frt_max) : null,
      handled: Number(r.handled),
      handle_avg_s: ratio(Number(r.handle_sum), Number(r.handled)),
      rated: Number(r.rated),
      rating_response_pct: pct(Number(r.rated), answered),
      csat_pct: pct(top, all),
      ratings,
      definition: definition(r.channel),
    };
  });
  return out;
}
