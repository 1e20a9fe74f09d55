// The call funnel's settings and arithmetic (docs/kpi-definitions.md §13). Pure: which inbound
// calls belong to which service, where the IVR option is read, and how the per-call facts the
// store query returns (store/queries/funnel.sql, sums of funnel-calls-judged.sql) add up to rows. The counting itself is that one
// query; this file holds what it is given and what is done with its answer.
import { createHash } from 'node:crypto';
import { FUNNEL_FIGURES, type FunnelDefinition, type FunnelFigure, type FunnelRow, type KpiGrouping } from '../contract.ts';

/** One service (e.g. "101 reclamos técnicos") reached by inbound contexts and/or dialled numbers. */
export interface FunnelService {
  service: string;
  /** Dialplan contexts of inbound legs (CDR dcontext), e.g. `from-pstn`, `ext-did`, `ivr-101`. */
  contexts: string[];
  /** Dialled numbers (CDR `did` where the PBX fills it, else `dst`). */
  dids: string[];
  /** IVR options that ask for an agent (a call that chose one and never queued is lost before the queue). */
  agent_options: string[];
}

/** Where the IVR option of a call is read (§13 "IVR option"). */
export type IvrSource =
  | { source: 'none' }
  /** A custom queue_log event `<epoch>|<uniqueid>|NONE|NONE|<verb>|<option>`, and the INFO|IVRAPPEND|<option>|<context> convention. */
  | { source: 'queue_log'; verb: string }
  /** The CDR userfield (the newest non-empty one of the call's legs). */
  | { source: 'userfield' }
  /** The lastdata of legs whose lastapp is `app`, through `pattern` (its first capture group, else the whole match). */
  | { source: 'lastdata'; app: string; pattern: string };

export interface FunnelSettings {
  /** Services in order: a call belongs to the first one any of its legs matches. */
  services: FunnelService[];
  ivr: IvrSource;
}

/** Per site (`TABLERO_FUNNEL`); a site not listed has no services (no funnel rows). */
export type FunnelConfig = Record<string, FunnelSettings>;

export const DEFAULT_IVR_VERB = 'IVROPTION';
/**
 * The one rule grouping CDR legs into a call (§13 "One call"), as a SQL expression over a cdr
 * row: its linkedid (Asterisk 12+ with newcdrcolumns), else its uniqueid. The funnel counts calls
 * by it (queries/funnel-calls-judged.sql) and a call's story lists its legs by it (store/call-story.ts).
 */
export const CDR_CALL_KEY_SQL = "if(linkedid != '', linkedid, uniqueid)";
/**
 * Legs of a call are read this far around the range: a call lasts less (as the restart replay
 * assumes). It is also the funnel's maximum call span: every leg, stint and IVR event of a call
 * lies within it of the call's start, which the rollup's dirty marks rely on (rollup/funnel-buckets.ts).
 * A constant, not a setting: the processor that marks and every reader must use the same span.
 */
export const FUNNEL_MARGIN_S = 6 * 3600;

/**
 * The period key of an instant (SQL expression over `t`, a DateTime): yyyymm, yyyymmdd,
 * yyyymmddhh in the query's zone, and for 15-minute intervals the UTC quarter hour written in it.
 * The scan keys a call by its start with it; the rollup keys a bucket by its first and last
 * second with it (a bucket whose two keys differ is scanned instead).
 */
export function periodKeySql(t: string): string {
  return `multiIf(
        {by:String} = 'month', toUInt64(toYYYYMM(${t}, {tz:String})),
        {by:String} = 'day', toUInt64(toYYYYMMDD(${t}, {tz:String})),
        {by:String} = 'hour', intDiv(toYYYYMMDDhhmmss(${t}, {tz:String}), 10000),
        intDiv(toYYYYMMDDhhmmss(toStartOfFifteenMinutes(${t}), {tz:String}), 100)
      )`;
}

/**
 * What a rolled funnel bucket was judged under (its `stamp`): the site's services (rules, agent
 * options, order) and IVR option source. A bucket whose stamp differs from the settings in force
 * is scanned, and re-judged by the roll job. The queues' T is not in it: the rollup keeps the
 * answering wait per second and applies the T in force when read.
 */
export function funnelSettingsStamp(settings: FunnelSettings): string {
  const canonical = JSON.stringify({
    v: 1,
    services: settings.services.map((s) => [s.service, s.contexts, s.dids, s.agent_options]),
    ivr: [settings.ivr.source, 'verb' in settings.ivr ? settings.ivr.verb : '', 'app' in settings.ivr ? settings.ivr.app : '', 'pattern' in settings.ivr ? settings.ivr.pattern : ''],
  });
  return createHash('sha256').update(canonical).digest('hex').slice(0, 32);
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; errors: string[] };

const strings = (v: unknown, where: string, errors: string[]): string[] => {
  if (v === undefined) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || x === '')) {
    errors.push(`${where}: must be a list of non-empty strings`);
    return [];
  }
  return v as string[];
};

function parseIvr(v: unknown, where: string, errors: string[]): IvrSource {
  if (v === undefined) return { source: 'none' };
  const o = v as Record<string, unknown>;
  if (typeof v !== 'object' || v === null) {
    errors.push(`${where}: must be an object`);
    return { source: 'none' };
  }
  switch (o.source) {
    case 'none':
    case 'userfield':
      return { source: o.source };
    case 'queue_log': {
      const verb = o.verb ?? DEFAULT_IVR_VERB;
      if (typeof verb !== 'string' || !/^[A-Za-z0-9_]{1,64}$/.test(verb)) errors.push(`${where}.verb: letters, digits and _`);
      return { source: 'queue_log', verb: String(verb) };
    }
    case 'lastdata': {
      if (typeof o.app !== 'string' || o.app === '') errors.push(`${where}.app: the application whose lastdata holds the option`);
      const pattern = o.pattern ?? '^[^,]*';
      if (typeof pattern !== 'string') errors.push(`${where}.pattern: a regular expression`);
      else {
        try {
          new RegExp(pattern);
        } catch {
          errors.push(`${where}.pattern: not a regular expression`);
        }
      }
      return { source: 'lastdata', app: String(o.app), pattern: String(pattern) };
    }
    default:
      errors.push(`${where}.source: one of none, queue_log, userfield, lastdata`);
      return { source: 'none' };
  }
}

/** Validates the funnel configuration (JSON of `TABLERO_FUNNEL`), reporting every problem at once. */
export function parseFunnelConfig(input: unknown): Parsed<FunnelConfig> {
  const errors: string[] = [];
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return { ok: false, errors: ['must be an object of sites'] };
  const out: FunnelConfig = {};
  for (const [site, raw] of Object.entries(input as Record<string, unknown>)) {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(site)) errors.push(`${site}: not a site id`);
    const s = raw as Record<string, unknown>;
    if (typeof raw !== 'object' || raw === null || !Array.isArray(s.services)) {
      errors.push(`${site}.services: must be a list`);
      continue;
    }
    const seen = new Set<string>();
    const services: FunnelService[] = (s.services as unknown[]).map((x, i) => {
      const where = `${site}.services[${i}]`;
      const o = (typeof x === 'object' && x !== null ? x : {}) as Record<string, unknown>;
      const service = typeof o.service === 'string' ? o.service : '';
      if (service === '') errors.push(`${where}.service: a name`);
      if (seen.has(service)) errors.push(`${where}.service: '${service}' is listed twice`);
      seen.add(service);
      const contexts = strings(o.contexts, `${where}.contexts`, errors);
      const dids = strings(o.dids, `${where}.dids`, errors);
      if (contexts.length === 0 && dids.length === 0) errors.push(`${where}: give contexts and/or dids (a service matching every call would count outbound ones)`);
      return { service, contexts, dids, agent_options: strings(o.agent_options, `${where}.agent_options`, errors) };
    });
    out[site] = { services, ivr: parseIvr(s.ivr, `${site}.ivr`, errors) };
  }
  return errors.length ? { ok: false, errors } : { ok: true, value: out };
}

/** The IVR source as a row states it. */
export function ivrSourceLabel(ivr: IvrSource): string {
  switch (ivr.source) {
    case 'queue_log':
      return `queue_log:${ivr.verb}`;
    case 'lastdata':
      return `lastdata:${ivr.app}`;
    default:
      return ivr.source;
  }
}

/**
 * The inbound rules as the query's parallel arrays: one rule per (context, did) pair of a service
 * ('' = any), services in order, so the lowest matching rule names the first matching service.
 */
export function ruleParams(services: readonly FunnelService[]): { rule_service: number[]; rule_context: string[]; rule_did: string[] } {
  const out = { rule_service: [] as number[], rule_context: [] as string[], rule_did: [] as string[] };
  services.forEach((s, i) => {
    for (const context of s.contexts.length ? s.contexts : ['']) {
      for (const did of s.dids.length ? s.dids : ['']) {
        out.rule_service.push(i + 1);
        out.rule_context.push(context);
        out.rule_did.push(did);
      }
    }
  });
  return out;
}

/**
 * What a row of `svc` states before the store adds the queues' T (those that answered its calls)
 * and `spans_change`: how its calls are recognised and where the IVR option is read.
 */
export function serviceDefinition(site: string, tz: string, svc: FunnelService, ivr: IvrSource): FunnelDefinition {
  return {
    site, tz,
    contexts: [...svc.contexts], dids: [...svc.dids],
    ivr_source: ivrSourceLabel(ivr),
    agent_options: [...svc.agent_options],
    grouping: 'linkedid_else_uniqueid',
    thresholds: [],
    spans_change: false,
  };
}

/** A service's row for a period in which it had no inbound call (the monthly report lists every configured service). */
export function emptyFunnelRow(service: string, period: string, definition: FunnelDefinition): FunnelRow {
  return {
    service, period, ingresadas: 0, ivr_only: 0, asked_agent: 0, lost_before_queue: 0, refused: 0, offered: 0, answered: 0, answered_within: 0, abandoned: 0, other_exit: 0,
    by_option: [], definition,
  };
}

/** The integer period key of the query (yyyymm, yyyymmdd, yyyymmddhh, yyyymmddhhmm) as the rows write it. */
export function periodOfKey(k: number, by: KpiGrouping): string {
  const s = String(k);
  const month = `${s.slice(0, 4)}-${s.slice(4, 6)}`;
  if (by === 'month') return month;
  const day = `${month}-${s.slice(6, 8)}`;
  if (by === 'day') return day;
  const hour = `${day}T${s.slice(8, 10)}`;
  if (by === 'hour') return hour;
  return `${hour}:${s.slice(10, 12)}`;
}

/** The period key of a row's period as periodOfKey writes it for `by`; null when it is not one. */
export function keyOfPeriod(period: string, by: KpiGrouping): number | null {
  const digits = period.replace(/[-T:]/g, '');
  const length = { month: 6, day: 8, hour: 10, interval: 12 }[by];
  if (digits.length !== length || !/^\d+$/.test(digits)) return null;
  const k = Number(digits);
  return periodOfKey(k, by) === period ? k : null;
}

/** Calls of one service, period and IVR option with their funnel facts added (one query row). */
export type FunnelCounts = Pick<FunnelRow, FunnelFigure> & {
  service: number;
  k: number;
  option: string;
  /** Queues that answered calls in this group. */
  answer_queues: string[];
};


/** Rows from the query's groups: one per service and period, options folded into `by_option`. */
export function funnelRows(
  groups: readonly FunnelCounts[],
  o: { services: readonly FunnelService[]; by: KpiGrouping; definition: (service: FunnelService, answerQueues: string[]) => FunnelDefinition },
): FunnelRow[] {
  const acc = new Map<string, { svc: FunnelService; idx: number; row: Omit<FunnelRow, 'definition'>; queues: Set<string> }>();
  for (const g of groups) {
    const svc = o.services[g.service - 1];
    if (!svc) continue;
    const period = periodOfKey(g.k, o.by);
    const key = `${g.service}\0${period}`;
    let a = acc.get(key);
    if (!a) {
      a = {
        svc, idx: g.service, queues: new Set(),
        row: { service: svc.service, period, ingresadas: 0, ivr_only: 0, asked_agent: 0, lost_before_queue: 0, refused: 0, offered: 0, answered: 0, answered_within: 0, abandoned: 0, other_exit: 0, by_option: [] },
      };
      acc.set(key, a);
    }
    const r = a.row;
    // Every figure is the query's sum of its per-call yes/no (the list of its calls reads the same column).
    for (const k of FUNNEL_FIGURES) r[k] += g[k];
    const opt = r.by_option.find((x) => x.option === g.option);
    if (opt) opt.calls += g.ingresadas;
    else r.by_option.push({ option: g.option, calls: g.ingresadas });
    for (const q of g.answer_queues) a.queues.add(q);
  }
  return [...acc.values()]
    .sort((x, y) => x.idx - y.idx || (x.row.period < y.row.period ? -1 : x.row.period > y.row.period ? 1 : 0))
    .map(({ svc, row, queues }) => ({
      ...row,
      by_option: row.by_option.sort((x, y) => (x.option < y.option ? -1 : x.option > y.option ? 1 : 0)),
      definition: o.definition(svc, [...queues].sort()),
    }));
}
