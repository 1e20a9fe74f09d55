// The call funnel read (kpi-definitions §13): `tablero funnel`, GET /api/funnel and the funnel page
// all read it here. One query (queries/funnel.sql) counts calls per service, period and IVR option;
// the queues' T comes from the same definition resolver and read plan as the KPI rows
// (kpi-query.ts planRead), so "answered within T" means here what it means there.
import { DEFAULT_SITE } from '@tablero/ingest/contract';
import type { ClickHouse } from '@tablero/sql';
import type { FunnelDefinition, FunnelQuery, FunnelRow } from '../contract.ts';
import { CDR_CALL_KEY_SQL, FUNNEL_MARGIN_S, funnelRows, ruleParams, serviceDefinition, type FunnelConfig, type FunnelCounts, type FunnelService } from '../core/funnel.ts';
import { KpiQueryError, parseBound, planRead, resolverFor, rows, sql, type KpiReadOptions } from './kpi-query.ts';

const FUNNEL_SQL = sql('funnel').replaceAll('{{cdr_call_key}}', CDR_CALL_KEY_SQL);

export interface FunnelReadOptions extends KpiReadOptions {
  funnel: FunnelConfig;
}

type SqlCounts = Record<Exclude<keyof FunnelCounts, 'answer_queues' | 'option'>, unknown> & { option: string; answer_queues: string[] };

export async function queryFunnel(ch: ClickHouse, q: FunnelQuery, o: FunnelReadOptions): Promise<FunnelRow[]> {
  const site = q.site ?? o.defaultSite ?? DEFAULT_SITE;
  const settings = o.funnel[site];
  if (!settings || settings.services.length === 0) return [];
  for (const s of q.services ?? []) {
    if (!settings.services.some((x) => x.service === s)) throw new KpiQueryError(`no service '${s}' is configured for site ${site}`);
  }
  const by = q.by ?? 'day';
  const resolver = await resolverFor(ch, o);
  const tz = q.tz ?? resolver.calendarAt(site, (o.now ?? Date.now)()).spec.tz;
  const from_s = parseBound(q.from, tz);
  const to_s = parseBound(q.to, tz);
  if (!(from_s < to_s)) throw new KpiQueryError(`from (${q.from}) must be before to (${q.to}); to is exclusive`);
  const lo_s = from_s - FUNNEL_MARGIN_S;
  const hi_s = to_s + FUNNEL_MARGIN_S;
  // The queues' definitions over the widened range: stints of the margins get theirs too.
  const plan = planRead(resolver, { from: q.from, to: q.to, site, tz }, { ...o, from_s: lo_s, to_s: hi_s });
  const grp = { grp_piece: [] as number[], grp_queue: [] as string[], grp_t: [] as number[], grp_strict: [] as number[] };
  for (const piece of plan.pieces) {
    for (const g of piece.groups) {
      for (const queue of g.queues.length ? g.queues : ['']) {
        grp.grp_piece.push(piece.index + 1);
        grp.grp_queue.push(queue);
        grp.grp_t.push(g.def.threshold_s);
        grp.grp_strict.push(g.def.strict ? 1 : 0);
      }
    }
  }
  const ivr = settings.ivr;
  const params = {
    site, by, tz, from_s, to_s, lo_s, hi_s,
    ...ruleParams(settings.services),
    agent_options: settings.services.map((s) => s.agent_options),
    ivr_source: ivr.source,
    ivr_verb: ivr.source === 'queue_log' ? ivr.verb : '',
    ivr_app: ivr.source === 'lastdata' ? ivr.app : '',
    ivr_pattern: ivr.source === 'lastdata' ? ivr.pattern : '',
    piece_from: plan.pieces.map((p) => p.from_s),
    ...grp,
  };
  const raw = await rows<SqlCounts>(ch, FUNNEL_SQL, params, 'funnel query');
  const groups: FunnelCounts[] = raw.map((r) => ({
    service: Number(r.service), k: Number(r.k), option: String(r.option),
    ingresadas: Number(r.ingresadas), asked_agent: Number(r.asked_agent), lost_before_queue: Number(r.lost_before_queue),
    refused: Number(r.refused), offered: Number(r.offered), answered: Number(r.answered), answered_within: Number(r.answered_within),
    abandoned: Number(r.abandoned), answer_queues: r.answer_queues,
  }));
  const wanted = q.services;
  // A queue's T (or strictness) differs between two instants where the site's definitions change.
  const cuts = [from_s * 1000, ...resolver.changes(site, from_s * 1000, to_s * 1000)];
  const spans = (queue: string): boolean =>
    new Set(cuts.map((t) => {
      const s = resolver.at(site, queue, t).settings;
      return `${s.threshold_s}:${s.strict}`;
    })).size > 1;
  const definition = (svc: FunnelService, answerQueues: string[]): FunnelDefinition => ({
    ...serviceDefinition(site, tz, svc, ivr),
    thresholds: answerQueues.map((queue) => {
      const { resolved, def } = plan.definitionAtEnd(queue);
      return { queue, threshold_s: def.threshold_s, strict: def.strict, settings_version: resolved.settings_version };
    }),
    spans_change: answerQueues.some(spans),
  });
  return funnelRows(groups, { services: settings.services, by, definition }).filter((r) => !wanted || wanted.includes(r.service));
}
