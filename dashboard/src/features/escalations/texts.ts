// The escalation feature's texts in Spanish and English (glossary terms: radicado, término,
// vencido, por vencer, oportunidad, área responsable). Kept beside the feature; the language
// comes from the one i18n layer; the catalog is made like every other (lib/catalog.ts).
import { defineCatalog, hasKey, textOf, type EnglishOf } from '../../lib/catalog.ts';
import type { Lang } from '../../lib/format.ts';

const ES = {
  'esc.title': 'Escalamientos (PQRSD)',
  'esc.site': 'Sede',
  'esc.open': 'Abiertos',
  'esc.overdue': 'Vencidos',
  'esc.due_soon': 'Por vencer',
  'esc.by_area': 'Abiertos por área y antigüedad (días hábiles)',
  'esc.area': 'Área responsable',
  'esc.no_area': '(sin escalar)',
  'esc.total': 'Total',
  'esc.overdue_list': 'Vencidos',
  'esc.due_soon_list': 'Por vencer (≤ {n} días hábiles)',
  'esc.none': 'Ninguno.',
  'esc.ticket': 'Radicado',
  'esc.type': 'Tipo',
  'esc.opened': 'Radicado el',
  'esc.due': 'Vence',
  'esc.age': 'Antigüedad',
  'esc.days_late': 'Días de retraso',
  'esc.days_left': 'Días restantes',
  'esc.call': 'Llamada',
  'esc.timeline': 'Historial del radicado {id}',
  'esc.close': 'Cerrar',
  'esc.monthly': 'Indicadores del mes',
  'esc.month': 'Mes',
  'esc.closed': 'Cerrados',
  'esc.on_time': 'En término',
  'esc.on_time_pct': 'Oportunidad',
  'esc.avg_answer': 'Días promedio de respuesta',
  'esc.late': 'Fuera de término',
  'esc.atl': 'Retraso promedio (ATL)',
  'esc.open_overdue_end': 'Abiertos y vencidos al cierre del mes: {n}',
  'esc.def':
    'Vence = fecha de radicación + término del tipo en días hábiles legales: lunes a viernes (u otros días que fije la configuración de escalamientos de la sede) sin los festivos nacionales ni los de la sede. El horario de atención no agrega días (abrir el sábado no lo hace hábil): solo fija la hora de cierre. Radicado después del cierre, en día no hábil o festivo: cuenta desde el siguiente día hábil. Oportunidad = cerrados en término / cerrados.',
  'esc.error': 'No se pudieron leer los escalamientos ({code}).',
  'esc.loading': 'Cargando…',
  'esc.tile': 'Escalamientos',
  'esc.alert': 'Radicado {id} ({area}) venció',
  'esc.alert_more': 'y {n} más',
  'esc.dismiss': 'Ocultar',
  'esc.bucket': 'Rango (días hábiles)',
  'esc.days': '{n} d',
  'type.peticion': 'Petición',
  'type.queja': 'Queja',
  'type.reclamo': 'Reclamo',
  'type.sugerencia': 'Sugerencia',
  'type.denuncia': 'Denuncia',
  'type.consulta': 'Consulta',
  'type.informacion': 'Información / documentos',
  'type.': '(sin tipo)',
  'action.opened': 'Radicado',
  'action.escalated': 'Escalado a {area}',
  'action.reassigned': 'Reasignado a {area}',
  'action.answered': 'Respondido',
  'action.closed': 'Cerrado',
  'action.reopened': 'Reabierto',
} as const;

export type EscKey = keyof typeof ES;

const EN: EnglishOf<typeof ES> = {
  'esc.title': 'Escalations (PQRSD)',
  'esc.site': 'Site',
  'esc.open': 'Open',
  'esc.overdue': 'Overdue',
  'esc.due_soon': 'Due soon',
  'esc.by_area': 'Open by area and age (business days)',
  'esc.area': 'Responsible area',
  'esc.no_area': '(not escalated)',
  'esc.total': 'Total',
  'esc.overdue_list': 'Overdue',
  'esc.due_soon_list': 'Due soon (≤ {n} business days)',
  'esc.none': 'None.',
  'esc.ticket': 'Ticket',
  'esc.type': 'Type',
  'esc.opened': 'Opened',
  'esc.due': 'Due',
  'esc.age': 'Age',
  'esc.days_late': 'Days late',
  'esc.days_left': 'Days left',
  'esc.call': 'Call',
  'esc.timeline': 'Timeline of ticket {id}',
  'esc.close': 'Close',
  'esc.monthly': 'Monthly indicators',
  'esc.month': 'Month',
  'esc.closed': 'Closed',
  'esc.on_time': 'On time',
  'esc.on_time_pct': 'On-time rate',
  'esc.avg_answer': 'Average days to answer',
  'esc.late': 'Late',
  'esc.atl': 'Average days late (ATL)',
  'esc.open_overdue_end': 'Open and overdue at month end: {n}',
  'esc.def':
    "Due = opening date + the type's term in legal business days: Monday to Friday (or other days the site's escalation settings name) minus national and site holidays. Opening hours add no day (opening on Saturday does not make it a business day): they only set the closing time. Opened after the close, on a non-working day or a holiday: counted from the next business day. On-time rate = closed by due / closed.",
  'esc.error': 'Could not read the escalations ({code}).',
  'esc.loading': 'Loading…',
  'esc.tile': 'Escalations',
  'esc.alert': 'Ticket {id} ({area}) is overdue',
  'esc.alert_more': 'and {n} more',
  'esc.dismiss': 'Dismiss',
  'esc.bucket': 'Bucket (business days)',
  'esc.days': '{n} d',
  'type.peticion': 'Request',
  'type.queja': 'Complaint',
  'type.reclamo': 'Claim',
  'type.sugerencia': 'Suggestion',
  'type.denuncia': 'Report',
  'type.consulta': 'Inquiry',
  'type.informacion': 'Information / documents',
  'type.': '(no type)',
  'action.opened': 'Opened',
  'action.escalated': 'Escalated to {area}',
  'action.reassigned': 'Reassigned to {area}',
  'action.answered': 'Answered',
  'action.closed': 'Closed',
  'action.reopened': 'Reopened',
};

export const ESC_TEXTS = defineCatalog(ES, EN);

/** A ticket type's label ('' = not stated); an unknown type shows as written. */
export function typeLabel(lang: Lang, type: string): string {
  const key = `type.${type}`;
  return hasKey(ESC_TEXTS, key) ? textOf(ESC_TEXTS, lang, key) : type;
}

export function actionLabel(lang: Lang, action: string, area: string): string {
  const key = `action.${action}`;
  return hasKey(ESC_TEXTS, key) ? textOf(ESC_TEXTS, lang, key, { area }) : action;
}
