// Typification and first-contact resolution read (kpi-definitions §14): `tablero fcr`, GET
// /api/fcr. One query (queries/fcr.sql); the rows and ratios by core/typification.ts.
import { DEFAULT_SITE } from '@tablero/ingest/contract';
import type { ClickHouse } from '@tablero/sql';
import type { FcrQuery, FcrRow } from '../contract.ts';
import { fcrRows, type FcrSums, type TypificationSettings } from '../core/typification.ts';
import { KpiQueryError, parseBound, resolverFor, rows, sql, type KpiReadOptions } from './kpi-query.ts';

const FCR_SQL = sql('fcr');

export interface FcrReadOptions extends KpiReadOptions {
  typification: TypificationSettings;
}

export async function queryFcr(ch: ClickHouse, q: FcrQuery, o: FcrReadOptions): Promise<FcrRow[]> {
  const site = q.site ?? o.defaultSite ?? DEFAULT_SITE;
  const by = q.by ?? 'day';
  const nowMs = (o.now ?? Date.now)();
  const tz = q.tz ?? (await resolverFor(ch, o)).calendarAt(site, nowMs).spec.tz;
  const from_s = parseBound(q.from, tz);
  const to_s = parseBound(q.to, tz);
  if (!(from_s < to_s)) throw new KpiQueryError(`from (${q.from}) must be before to (${q.to}); to is exclusive`);
  const t = o.typification;
  const raw = await rows<Record<keyof FcrSums, unknown>>(ch, FCR_SQL, {
    site, by, tz, from_s, to_s, queues: q.queues ?? [],
    verb: t.verb, category_field: t.category_field, result_field: t.result_field, resolved: t.resolved, escalated: t.escalated,
    window_s: t.repeat_window_days * 86_400,
  }, 'fcr query');
  const sums: FcrSums[] = raw.map((r) => ({
    queue: String(r.queue), k: Number(r.k), category: String(r.category),
    answered: Number(r.answered), typified: Number(r.typified), declared_resolved: Number(r.declared_resolved), declared_escalated: Number(r.declared_escalated),
    eligible: Number(r.eligible), repeat_calls: Number(r.repeat_calls), with_ticket: Number(r.with_ticket), newest_s: Number(r.newest_s),
  }));
  return fcrRows(sums, {
    by,
    nowS: Math.floor(nowMs / 1000),
    definition: {
      site, tz, verb: t.verb, category_field: t.category_field, result_field: t.result_field, resolved: [...t.resolved], escalated: [...t.escalated],
      repeat_window_days: t.repeat_window_days,
    },
  });
}
