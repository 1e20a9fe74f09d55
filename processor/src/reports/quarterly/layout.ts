// The quarterly complaints report laid out as tables of typed cells, once, for the CSV, XLSX and
// PDF writers (like the monthly report's layout.ts). Column order is the stable column order of
// every export: add columns at the end only.
import type { QuarterlyComplaints, QuarterlyRow, QuarterStatus } from '../../escalations/core/quarterly.ts';
import { formatLocal, type CellValue, type Column, type Table } from '../core/layout.ts';
import { texts as monthlyTexts, type ReportTexts } from '../core/texts.ts';
import type { ReportLang } from '../core/model.ts';

export interface FrozenQuarter {
  version: number;
  closed_at_ms: number;
  closed_by: string;
}

/** The model as stored when a quarter is closed, plus its closing when read back. */
export type QuarterlyReport = QuarterlyComplaints & { frozen: FrozenQuarter | null };

const STATUS: Record<ReportLang, Record<QuarterStatus, string>> = {
  es: { closed_on_time: 'Cerrado en término', closed_late: 'Cerrado fuera de término', open_in_term: 'En trámite, en término', open_overdue: 'En trámite, vencido' },
  en: { closed_on_time: 'Closed on time', closed_late: 'Closed late', open_in_term: 'In process, in term', open_overdue: 'In process, overdue' },
};

const T = {
  es: {
    title: 'Informe trimestral de quejas y reclamos (PQRSD)',
    regulator: 'Para la Superintendencia Financiera de Colombia (Formato 379: columnas 1, 2, 3, 6 y 7)',
    site: 'Sede',
    period: 'Período',
    tz: 'Zona horaria',
    status: 'Estado del informe',
    open: 'Trimestre abierto: cifras calculadas ahora',
    frozen: (v: number, at: string, by: string) => `Trimestre cerrado (versión ${v}, ${at}, por ${by}): cifras congeladas`,
    changed: (now: string) => `Advertencia: los datos de tickets cambiaron después del cierre (huella actual ${now}); el archivo tiene las cifras del cierre.`,
    fingerprint: 'Huella de los datos (eventos-resumen)',
    generated: 'Generado',
    sheet: { summary: 'Resumen', type: 'Por tipo', channel: 'Por canal', area: 'Por área', status: 'Estado al cierre', tickets: 'Tickets', defs: 'Definiciones' },
    by: { type: 'Tipo', channel: 'Canal', area: 'Área responsable' },
    col: {
      pending_previous: '(1) Pendientes de períodos anteriores',
      received: '(2) Recibidos en el trimestre',
      subtotal: '(3) Subtotal (1 + 2)',
      resolved: '(6) Resueltos en el trimestre',
      resolved_on_time: 'Resueltos en término',
      resolved_late: 'Resueltos fuera de término',
      on_time_pct: 'Oportunidad (%)',
      avg_days_to_answer: 'Días hábiles promedio de respuesta',
      in_process: '(7) En trámite al cierre (3 - 6)',
      in_process_overdue: 'En trámite y vencidos',
      statusCol: 'Estado al cierre del trimestre',
      tickets: 'Tickets',
      ticket_id: 'Radicado',
      opened_at: 'Radicado el',
      receipt_date: 'Día de recibo',
      term_days: 'Término (días hábiles)',
      due_date: 'Vence',
      pending_col: 'Pendiente de período anterior',
      answered_at: 'Primera respuesta',
      closed_at: 'Cerrado el',
      days_to_answer: 'Días hábiles a la respuesta',
      days_late: 'Días hábiles de retraso',
    },
    total: 'Total',
    none: '(sin dato)',
    yes: 'sí',
    no: 'no',
    terms: 'Términos (días hábiles)',
    holidays: 'Festivos aplicados',
    country: 'País de los festivos nacionales',
    weekdays: 'Días hábiles de la semana',
    definition: 'Definición',
    definitionText:
      'Tickets PQRSD de la sede cuyo estado al cierre del trimestre se toma de sus eventos anteriores a ese cierre. (1) radicados antes del trimestre y abiertos a su inicio (o reabiertos en él); (2) radicados en el trimestre; (6) cerrados al final del trimestre con cierre dentro de él; (7) = (3) - (6), abiertos al final. Oportunidad = resueltos en término / resueltos x 100 (en término: cerrados antes del fin del día de vencimiento). Días hábiles de respuesta: desde el día de recibo hasta la primera respuesta (o el cierre), sin fines de semana ni festivos (Ley 1755 de 2015, art. 14). Columnas 4 y 5 del Formato 379 (a favor del consumidor / de la entidad): el CRM no las envía todavía.',
  },
  en: {
    title: 'Quarterly complaints report (PQRSD)',
    regulator: 'For the Superintendencia Financiera de Colombia (Formato 379: columns 1, 2, 3, 6 and 7)',
    site: 'Site',
    period: 'Period',
    tz: 'Time zone',
    status: 'Report status',
    open: 'Open quarter: figures computed now',
    frozen: (v: number, at: string, by: string) => `Closed quarter (version ${v}, ${at}, by ${by}): frozen figures`,
    changed: (now: string) => `Warning: the ticket data changed after closing (fingerprint now ${now}); the file has the figures of the closing.`,
    fingerprint: 'Data fingerprint (events-digest)',
    generated: 'Generated',
    sheet: { summary: 'Summary', type: 'By type', channel: 'By channel', area: 'By area', status: 'Status at end', tickets: 'Tickets', defs: 'Definitions' },
    by: { type: 'Type', channel: 'Channel', area: 'Responsible area' },
    col: {
      pending_previous: '(1) Pending from previous periods',
      received: '(2) Received in the quarter',
      subtotal: '(3) Subtotal (1 + 2)',
      resolved: '(6) Resolved in the quarter',
      resolved_on_time: 'Resolved on time',
      resolved_late: 'Resolved late',
      on_time_pct: 'On-time rate (%)',
      avg_days_to_answer: 'Average business days to answer',
      in_process: '(7) In process at quarter end (3 - 6)',
      in_process_overdue: 'In process and overdue',
      statusCol: 'Status at quarter end',
      tickets: 'Tickets',
      ticket_id: 'Ticket',
      opened_at: 'Filed at',
      receipt_date: 'Receipt day',
      term_days: 'Term (business days)',
      due_date: 'Due',
      pending_col: 'Pending from a previous period',
      answered_at: 'First answer',
      closed_at: 'Closed at',
      days_to_answer: 'Business days to answer',
      days_late: 'Business days late',
    },
    total: 'Total',
    none: '(none given)',
    yes: 'yes',
    no: 'no',
    terms: 'Terms (business days)',
    holidays: 'Holidays applied',
    country: 'Country of the national holidays',
    weekdays: 'Working weekdays',
    definition: 'Definition',
    definitionText:
      "The site's PQRSD tickets, each one's state at the quarter's end taken from its events before that end. (1) filed before the quarter and open at its start (or reopened in it); (2) filed in the quarter; (6) closed at the quarter's end with the closing inside it; (7) = (3) - (6), open at the end. On-time rate = resolved on time / resolved x 100 (on time: closed before the end of the due day). Business days to answer: from the receipt day to the first answer (or the closing), without weekends or holidays (Ley 1755 de 2015, art. 14). Formato 379 columns 4 and 5 (in favour of the consumer / of the entity): the CRM does not send them yet.",
  },
} as const;

export type QuarterlyTexts = (typeof T)[ReportLang];

export interface QuarterlyLayout {
  lang: ReportLang;
  t: QuarterlyTexts;
  title: string;
  period: string;
  /** Label / value lines above the tables (site, period, status...). */
  info: Array<[string, string]>;
  warning: string | null;
  by_type: Table;
  by_channel: Table;
  by_area: Table;
  by_status: Table;
  tickets: Table;
  definitions: Array<[string, string]>;
  generated: [string, string];
}

const FIGURES: Array<[keyof QuarterlyRow & keyof QuarterlyTexts['col'], Column['kind']]> = [
  ['pending_previous', 'int'], ['received', 'int'], ['subtotal', 'int'], ['resolved', 'int'], ['resolved_on_time', 'int'], ['resolved_late', 'int'],
  ['on_time_pct', 'pct'], ['avg_days_to_answer', 'dec'], ['in_process', 'int'], ['in_process_overdue', 'int'],
];

function consolidated(name: string, by: string, rows: QuarterlyRow[], total: QuarterlyRow, t: QuarterlyTexts, label: (k: string) => string): Table {
  const columns: Column[] = [{ key: 'key', header: by, kind: 'text' }, ...FIGURES.map(([k, kind]) => ({ key: k, header: t.col[k], kind }))];
  const line = (key: string, r: QuarterlyRow): CellValue[] => [key, ...FIGURES.map(([k]) => r[k] as CellValue)];
  return { name, columns, rows: [...rows.map((r) => line(label(r.key), r)), line(t.total, total)] };
}

export function quarterlyTexts(lang: ReportLang): QuarterlyTexts {
  return T[lang];
}

/** `live`: the fingerprint of the events now (to warn when a closed quarter's data changed). */
export function layoutQuarterly(r: QuarterlyReport, o: { lang: ReportLang; generatedAtMs: number; live: string | null }): QuarterlyLayout {
  const t = T[o.lang];
  const m: ReportTexts = monthlyTexts(o.lang);
  const typeName = (k: string): string => (m.esc.types as Record<string, string>)[k] ?? k;
  const plain = (k: string): string => (k === '' ? t.none : k);
  const areaName = (k: string): string => (k === '' ? m.esc.noArea : k);
  const when = (s: number | null): string | null => (s === null ? null : formatLocal(s * 1000, r.tz));
  const changed = r.frozen !== null && o.live !== null && o.live !== r.fingerprint.value;
  const status = r.frozen ? t.frozen(r.frozen.version, formatLocal(r.frozen.closed_at_ms, r.tz), r.frozen.closed_by) : t.open;
  return {
    lang: o.lang,
    t,
    title: t.title,
    period: r.quarter,
    info: [
      [t.site, r.site],
      [t.period, `${r.quarter} (${r.first_day} .. ${r.last_day})`],
      [t.tz, r.tz],
      [t.status, status],
      [t.fingerprint, r.fingerprint.value],
    ],
    warning: changed ? t.changed(o.live as string) : null,
    by_type: consolidated(t.sheet.type, t.by.type, r.by_type, r.total, t, typeName),
    by_channel: consolidated(t.sheet.channel, t.by.channel, r.by_channel, r.total, t, plain),
    by_area: consolidated(t.sheet.area, t.by.area, r.by_area, r.total, t, areaName),
    by_status: {
      name: t.sheet.status,
      columns: [{ key: 'status', header: t.col.statusCol, kind: 'text' }, { key: 'tickets', header: t.col.tickets, kind: 'int' }],
      rows: [...r.by_status.map((s) => [STATUS[o.lang][s.status], s.tickets]), [t.total, r.by_status.reduce((n, s) => n + s.tickets, 0)]],
    },
    tickets: {
      name: t.sheet.tickets,
      columns: [
        { key: 'ticket_id', header: t.col.ticket_id, kind: 'text' },
        { key: 'ticket_type', header: t.by.type, kind: 'text' },
        { key: 'channel', header: t.by.channel, kind: 'text' },
        { key: 'area', header: t.by.area, kind: 'text' },
        { key: 'opened_at', header: t.col.opened_at, kind: 'text' },
        { key: 'receipt_date', header: t.col.receipt_date, kind: 'text' },
        { key: 'term_days', header: t.col.term_days, kind: 'int' },
        { key: 'due_date', header: t.col.due_date, kind: 'text' },
        { key: 'pending_previous', header: t.col.pending_col, kind: 'text' },
        { key: 'status', header: t.col.statusCol, kind: 'text' },
        { key: 'answered_at', header: t.col.answered_at, kind: 'text' },
        { key: 'closed_at', header: t.col.closed_at, kind: 'text' },
        { key: 'days_to_answer', header: t.col.days_to_answer, kind: 'int' },
        { key: 'days_late', header: t.col.days_late, kind: 'int' },
      ],
      rows: r.tickets.map((k) => [
        k.ticket_id, typeName(k.ticket_type), plain(k.channel), areaName(k.area), when(k.opened_at), k.receipt_date, k.term_days, k.due_date,
        k.pending_previous ? t.yes : t.no, STATUS[o.lang][k.status], when(k.answered_at), when(k.closed_at), k.days_to_answer, k.days_late,
      ]),
    },
    definitions: [
      [t.definition, t.definitionText],
      [t.terms, Object.entries(r.terms).map(([k, d]) => `${typeName(k)} ${d}`).join(', ')],
      [t.country, r.calendar.holidays_country ?? '-'],
      [t.weekdays, r.calendar.working_weekdays.join(', ')],
      [t.holidays, r.calendar.holidays.map((h) => `${h.date}${h.name ? ` ${h.name}` : ''}`).join('; ') || '-'],
    ],
    generated: [t.generated, formatLocal(o.generatedAtMs, r.tz)],
  };
}
