// Aggregates of aged tickets: the live snapshot (open tickets by area x bucket, work lists) and
// the monthly indicators (kpi-definitions §8). Pure.
import {
  AGE_BUCKETS,
  type AgeBucket,
  type EscalationCounts,
  type EscalationMonthly,
  type EscalationMonthlyRow,
  type EscalationTicket,
  type EscalationsSnapshot,
} from '../../contract.ts';
import { pct, ratio } from '../../core/rounding.ts';

export const MAX_LIST = 200;

function emptyCounts(): EscalationCounts {
  const buckets = {} as Record<AgeBucket, number>;
  for (const b of AGE_BUCKETS) buckets[b] = 0;
  return { open: 0, overdue: 0, due_soon: 0, buckets };
}

function count(c: EscalationCounts, t: EscalationTicket): void {
  c.open += 1;
  c.buckets[t.bucket] += 1;
  if (t.overdue) c.overdue += 1;
  if (t.due_soon) c.due_soon += 1;
}

const byKey = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The snapshot of one site from its aged tickets (open and closed; closed ones are skipped). */
export function buildSnapshot(site: string, tz: string, dueSoonDays: number, atMs: number, aged: readonly EscalationTicket[]): EscalationsSnapshot {
  const totals = emptyCounts();
  const areas = new Map<string, EscalationCounts>();
  const types = new Map<string, EscalationCounts>();
  const overdue: EscalationTicket[] = [];
  const dueSoon: EscalationTicket[] = [];
  for (const t of aged) {
    if (t.status !== 'open') continue;
    count(totals, t);
    let a = areas.get(t.area);
    if (!a) areas.set(t.area, (a = emptyCounts()));
    count(a, t);
    let ty = types.get(t.ticket_type);
    if (!ty) types.set(t.ticket_type, (ty = emptyCounts()));
    count(ty, t);
    if (t.overdue) overdue.push(t);
    else if (t.due_soon) dueSoon.push(t);
  }
  overdue.sort((a, b) => b.days_late - a.days_late || a.due_at - b.due_at || byKey(a.ticket_id, b.ticket_id));
  dueSoon.sort((a, b) => (a.days_left ?? 0) - (b.days_left ?? 0) || a.due_at - b.due_at || byKey(a.ticket_id, b.ticket_id));
  return {
    type: 'escalations',
    site,
    at_ms: atMs,
    tz,
    due_soon_days: dueSoonDays,
    totals,
    by_area: [...areas].sort((a, b) => byKey(a[0], b[0])).map(([area, c]) => ({ area, ...c })),
    by_type: [...types].sort((a, b) => byKey(a[0], b[0])).map(([ticket_type, c]) => ({ ticket_type, ...c })),
    overdue_list: overdue.slice(0, MAX_LIST),
    due_soon_list: dueSoon.slice(0, MAX_LIST),
  };
}

interface Acc {
  closed: number;
  onTime: number;
  answerSum: number;
  answerN: number;
  late: number;
  lateSum: number;
}

function row(area: string, ticketType: string, a: Acc): EscalationMonthlyRow {
  return {
    area,
    ticket_type: ticketType,
    closed: a.closed,
    closed_on_time: a.onTime,
    on_time_pct: pct(a.onTime, a.closed),
    avg_days_to_answer: ratio(a.answerSum, a.answerN),
    closed_late: a.late,
    atl_days: ratio(a.lateSum, a.late),
  };
}

function add(a: Acc, t: EscalationTicket): void {
  a.closed += 1;
  if (t.on_time) a.onTime += 1;
  else {
    a.late += 1;
    a.lateSum += t.days_late;
  }
  if (t.days_to_answer !== null) {
    a.answerSum += t.days_to_answer;
    a.answerN += 1;
  }
}

const newAcc = (): Acc => ({ closed: 0, onTime: 0, answerSum: 0, answerN: 0, late: 0, lateSum: 0 });

/**
 * Monthly indicators. `closedInMonth`: tickets aged at their closing whose closing falls in the
 * month (local time); `openAtMonthEnd`: tickets aged at the month's end that were open then.
 * Rows per (area, type), sorted; `total` over all of them.
 */
export function buildMonthly(
  site: string,
  month: string,
  tz: string,
  terms: Record<string, number>,
  closedInMonth: readonly EscalationTicket[],
  openAtMonthEnd: readonly EscalationTicket[],
): Omit<EscalationMonthly, 'calendar'> {
  const groups = new Map<string, { area: string; type: string; acc: Acc }>();
  const total = newAcc();
  for (const t of closedInMonth) {
    const k = `${t.area}\0${t.ticket_type}`;
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { area: t.area, type: t.ticket_type, acc: newAcc() }));
    add(g.acc, t);
    add(total, t);
  }
  const rows = [...groups.values()]
    .sort((a, b) => byKey(a.area, b.area) || byKey(a.type, b.type))
    .map((g) => row(g.area, g.type, g.acc));
  return {
    site,
    month,
    tz,
    terms: { ...terms },
    rows,
    total: row('', '', total),
    open_overdue_at_month_end: openAtMonthEnd.filter((t) => t.overdue).length,
  };
}
