// Spanish and English texts of the monthly report, in the users' own words (docs/glossary.md).
// One table per language, so every writer (CSV, XLSX, PDF) prints the same words.
import type { SlFormula } from '../../contract.ts';
import type { ReportLang } from './model.ts';

export interface ReportTexts {
  title: string;
  sheet: { summary: string; by_day: string; by_hour: string; by_agent: string; definitions: string };
  col: {
    queue: string;
    day: string;
    hour: string;
    month: string;
    agent: string;
    offered: string;
    answered: string;
    /** Header of A_T: with the threshold when every queue shares it, else generic. */
    answered_within: (t: { threshold_s: number; strict: boolean } | null) => string;
    unanswered: string;
    abandoned: string;
    timeout: string;
    exit_key: string;
    exit_empty: string;
    withdrawn: string;
    failed: string;
    refused: string;
    short_abandoned: string;
    out_of_hours: string;
    sl_pct: string;
    formula: string;
    threshold_s: string;
    strict: string;
    target_pct: string;
    met: string;
    abandon_rate_pct: string;
    unanswered_rate_pct: string;
    asa_s: string;
    avg_abandon_wait_s: string;
    aht_s: string;
    longest_wait_s: string;
    short_abandon_s: string;
    count_refused: string;
    include_out_of_hours: string;
    settings_version: string;
  };
  yes: string;
  no: string;
  noAgent: string;
  formula: Record<SlFormula, string>;
  def: {
    report: string;
    site: string;
    period: string;
    tz: string;
    calendar: string;
    calendarVersion: string;
    calendarAlwaysOpen: string;
    holidays: string;
    /** Holidays of the site calendar (opening hours) in the period: days the call figures treat as closed. */
    siteHolidays: string;
    /** The escalations' legal calendar: working weekdays, and the holidays of their terms. */
    legalDays: string;
    legalHolidays: string;
    legalHolidaysValue: (country: string, from: string, to: string, list: string) => string;
    countries: Record<string, string>;
    noCountry: string;
    siteHoliday: string;
    none: string;
    weekdays: readonly string[];
    closed: string;
    status: string;
    open: string;
    closedOn: (at: string, by: string, version: number) => string;
    fingerprint: string;
    fingerprintValue: (value: string, stints: number) => string;
    unchanged: string;
    changed: (then: string, thenN: number, now: string, nowN: number) => string;
    /** The late-data warning when the month's CDR rows (the funnel's source) changed since closing. */
    changedCdr: (then: string, thenN: number, now: string, nowN: number) => string;
    cdrFingerprint: string;
    cdrFingerprintValue: (value: string, rows: number) => string;
    changedContacts: (then: string, thenN: number, now: string, nowN: number) => string;
    contactsFingerprint: string;
    contactsFingerprintValue: (value: string, rows: number) => string;
    warning: string;
    generated: string;
    definitions: string;
    rounding: string;
    roundingText: string;
    source: string;
    sourceText: string;
    met: string;
    metText: string;
    page: (n: number, of: number) => string;
    slByDay: (queue: string) => string;
    slAxis: string;
    targetLine: string;
    unansweredByOutcome: string;
  };
  /** The escalations (PQRSD) section (kpi-definitions §8; glossary: radicado, término, oportunidad). */
  esc: {
    sheet: string;
    title: string;
    area: string;
    type: string;
    closed: string;
    closed_on_time: string;
    on_time_pct: string;
    avg_days_to_answer: string;
    closed_late: string;
    atl_days: string;
    total: string;
    noArea: string;
    /** Ticket type labels; '' = not stated. An unknown type is printed as written. */
    types: Record<string, string>;
    openOverdue: string;
    terms: string;
    termsValue: (terms: Array<[string, number]>) => string;
    definition: string;
    definitionText: string;
    /** The text of months closed before the legal calendar was stated (kept so they export as then). */
    definitionTextLegacy: string;
  };
  /** The call funnel section (kpi-definitions §13): one row per service, each column with its definition. */
  fun: {
    sheet: string;
    title: string;
    /** Header and definition of each column, by FunnelRow key (plus the text columns of the row's definition). */
    col: Record<FunnelColumnKey, string>;
    def: Record<FunnelColumnKey, string>;
    noOption: string;
    strict: string;
    spansChange: string;
    any: string;
    identities: string;
    identitiesText: string;
    source: string;
    sourceText: string;
  };
  /** The channels section (contacts of other channels, kpi-definitions §15): one row per channel, each column with its definition. */
  chn: {
    sheet: string;
    title: string;
    col: Record<ChannelColumnKey, string>;
    def: Record<ChannelColumnKey, string>;
    channel: Record<string, string>;
    wall: string;
    business: string;
    strict: string;
    spansChange: string;
    ratings: string;
    ratingLine: (answers: number, mean: string, csat: string) => string;
    source: string;
    sourceText: string;
  };
}

/** The channels section's columns in their stable order (add at the end only). */
export const CHANNEL_COLUMN_KEYS = [
  'channel', 'received', 'answered', 'abandoned', 'unanswered', 'waiting', 'answered_within', 'within_pct', 'abandon_pct',
  'first_response_avg_s', 'first_response_max_s', 'handled', 'handle_avg_s', 'rated', 'rating_response_pct', 'csat_pct', 'threshold',
] as const;
export type ChannelColumnKey = (typeof CHANNEL_COLUMN_KEYS)[number];

/** The funnel section's columns in their stable order (add at the end only). */
export const FUNNEL_COLUMN_KEYS = [
  'service', 'ingresadas', 'ivr_only', 'asked_agent', 'lost_before_queue', 'refused', 'offered', 'answered', 'answered_within', 'abandoned', 'other_exit',
  'by_option', 'thresholds', 'contexts', 'dids', 'ivr_source', 'agent_options',
] as const;
export type FunnelColumnKey = (typeof FUNNEL_COLUMN_KEYS)[number];

const ES: ReportTexts = {
  title: 'Informe mensual de indicadores',
  sheet: { summary: 'Resumen', by_day: 'Por día', by_hour: 'Por hora', by_agent: 'Por agente', definitions: 'Definiciones' },
  col: {
    queue: 'Cola',
    day: 'Día',
    hour: 'Hora',
    month: 'Mes',
    agent: 'Agente',
    offered: 'Llamadas recibidas',
    answered: 'Llamadas atendidas',
    answered_within: (t) => (t === null ? 'Atendidas dentro de T' : t.strict ? `Atendidas en menos de ${t.threshold_s} s` : `Atendidas en ${t.threshold_s} s o menos`),
    unanswered: 'Llamadas no atendidas',
    abandoned: 'Llamadas abandonadas',
    timeout: 'Salida por tiempo máximo',
    exit_key: 'Salida por tecla',
    exit_empty: 'Salida sin agentes',
    withdrawn: 'Retiradas',
    failed: 'Fallidas',
    refused: 'Rechazadas (no ingresaron)',
    short_abandoned: 'Abandono corto',
    out_of_hours: 'Fuera de horario',
    sl_pct: 'Nivel de servicio (%)',
    formula: 'Fórmula NS',
    threshold_s: 'T (s)',
    strict: 'Estricto (< T)',
    target_pct: 'Meta (%)',
    met: 'Cumple',
    abandon_rate_pct: 'Abandono (%)',
    unanswered_rate_pct: 'No atendidas (%)',
    asa_s: 'Tiempo promedio de espera ASA (s)',
    avg_abandon_wait_s: 'Espera promedio de abandono (s)',
    aht_s: 'Tiempo promedio de conversación AHT (s)',
    longest_wait_s: 'Espera máxima (s)',
    short_abandon_s: 'Abandono corto bajo (s)',
    count_refused: 'Rechazadas cuentan como recibidas',
    include_out_of_hours: 'Incluye fuera de horario',
    settings_version: 'Versión de configuración (cola / sitio)',
  },
  yes: 'Sí',
  no: 'No',
  noAgent: '(sin agente)',
  formula: {
    offered: 'atendidas dentro de T / llamadas recibidas',
    answered: 'atendidas dentro de T / atendidas',
    answered_abandoned: 'atendidas dentro de T / (atendidas + abandonadas)',
    abandon_after_threshold: 'atendidas dentro de T / (atendidas + abandonadas después de T)',
    in_threshold_outcomes: '(atendidas + no atendidas dentro de T) / (atendidas + no atendidas)',
  },
  def: {
    report: 'Informe',
    site: 'Sitio',
    period: 'Periodo',
    tz: 'Zona horaria',
    calendar: 'Calendario del sitio',
    calendarVersion: 'Versión del calendario',
    calendarAlwaysOpen: 'abierto 24 horas todos los días',
    holidays: 'feriados',
    siteHolidays: 'Feriados del calendario del sitio (cifras de llamadas)',
    legalDays: 'Días hábiles legales (escalamientos)',
    legalHolidays: 'Feriados de los términos legales (escalamientos)',
    legalHolidaysValue: (country, from, to, list) => `${country}; del ${from} al ${to}: ${list}`,
    countries: { CO: 'Colombia (CO)', BO: 'Bolivia (BO)' },
    noCountry: 'sin feriados nacionales',
    siteHoliday: 'feriado del sitio',
    none: 'ninguno',
    weekdays: ['lun', 'mar', 'mié', 'jue', 'vie', 'sáb', 'dom'],
    closed: 'cerrado',
    status: 'Estado del mes',
    open: 'Mes abierto: cifras calculadas con los datos actuales',
    closedOn: (at, by, v) => `Mes cerrado el ${at} por ${by} (versión ${v}): cifras congeladas al cierre`,
    fingerprint: 'Huella de datos',
    fingerprintValue: (v, n) => `${v} (${n} estadías en cola)`,
    unchanged: 'Los datos no cambiaron desde el cierre',
    changed: (then, thenN, now, nowN) =>
      `ADVERTENCIA: los datos cambiaron desde el cierre (huella al cierre ${then}, ${thenN} estadías; ahora ${now}, ${nowN} estadías). Las cifras son las del cierre.`,
    changedCdr: (then, thenN, now, nowN) =>
      `ADVERTENCIA: los registros CDR del mes cambiaron desde el cierre (huella al cierre ${then}, ${thenN} registros; ahora ${now}, ${nowN} registros). El embudo de llamadas es el del cierre.`,
    cdrFingerprint: 'Huella de los CDR (embudo)',
    cdrFingerprintValue: (v, n) => `${v} (${n} registros CDR)`,
    changedContacts: (then, thenN, now, nowN) =>
      `ADVERTENCIA: los contactos de otros canales del mes cambiaron desde el cierre (huella al cierre ${then}, ${thenN} contactos; ahora ${now}, ${nowN} contactos). Los canales son los del cierre.`,
    contactsFingerprint: 'Huella de los contactos (otros canales)',
    contactsFingerprintValue: (v, n) => `${v} (${n} contactos)`,
    warning: 'Advertencia',
    generated: 'Generado',
    definitions: 'Definiciones por cola',
    rounding: 'Redondeo',
    roundingText: 'porcentajes y segundos calculados como fracciones exactas y redondeados a 2 decimales (mitad hacia arriba)',
    source: 'Definiciones',
    sourceText: 'docs/kpi-definitions.md de Tablero; una estadía es la permanencia de una llamada en una cola',
    met: 'Cumple',
    metText: 'nivel de servicio impreso (redondeado) mayor o igual a la meta',
    page: (n, of) => `Página ${n} de ${of}`,
    slByDay: (q) => `Nivel de servicio por día, cola ${q}`,
    slAxis: 'NS %',
    targetLine: 'Meta',
    unansweredByOutcome: 'Llamadas no atendidas por resultado',
  },
  esc: {
    sheet: 'Escalamientos',
    title: 'Escalamientos (PQRSD) cerrados en el mes',
    area: 'Área responsable',
    type: 'Tipo',
    closed: 'Cerrados',
    closed_on_time: 'Cerrados en término',
    on_time_pct: 'Oportunidad (%)',
    avg_days_to_answer: 'Días hábiles promedio de respuesta',
    closed_late: 'Cerrados fuera de término',
    atl_days: 'Retraso promedio ATL (días hábiles)',
    total: 'Total',
    noArea: '(sin escalar)',
    types: {
      peticion: 'Petición', queja: 'Queja', reclamo: 'Reclamo', sugerencia: 'Sugerencia', denuncia: 'Denuncia', consulta: 'Consulta',
      informacion: 'Información / documentos', '': '(sin tipo)',
    },
    openOverdue: 'Abiertos y vencidos al cierre del mes',
    terms: 'Términos (días hábiles)',
    termsValue: (terms) => terms.map(([k, d]) => `${k} ${d}`).join(', '),
    definition: 'Definición de escalamientos',
    definitionText:
      'oportunidad = cerrados en término / cerrados en el mes; días de respuesta = días hábiles desde la radicación hasta la primera respuesta (o el cierre); ATL = promedio de días hábiles de retraso de los cerrados fuera de término; días hábiles legales = los días hábiles de la semana (lunes a viernes, salvo que la configuración nombre otros) menos los feriados nacionales y los del sitio; el horario de atención no agrega días: solo fija el cierre de cada día (lo radicado después del cierre se recibe el siguiente día hábil, y un término vence al cierre de su último día)',
    definitionTextLegacy:
      'oportunidad = cerrados en término / cerrados en el mes; días de respuesta = días hábiles desde la radicación hasta la primera respuesta (o el cierre); ATL = promedio de días hábiles de retraso de los cerrados fuera de término; días hábiles del calendario de la sede con sus festivos',
  },
  fun: {
    sheet: 'Embudo de llamadas',
    title: 'Embudo de llamadas por servicio (CDR)',
    col: {
      service: 'Servicio', ingresadas: 'Ingresadas', ivr_only: 'Solo IVR', asked_agent: 'Pidieron agente', lost_before_queue: 'Perdidas antes de la cola',
      refused: 'Rechazadas por la cola', offered: 'Ofrecidas a la cola', answered: 'Atendidas por agente', answered_within: 'Atendidas dentro de T',
      abandoned: 'Abandonadas en cola', other_exit: 'Otra salida de la cola', by_option: 'Ingresadas por opción del IVR', thresholds: 'T por cola',
      contexts: 'Contextos de entrada', dids: 'Números marcados (DID)', ivr_source: 'Fuente de la opción del IVR', agent_options: 'Opciones que piden agente',
    },
    def: {
      service: 'servicio configurado (TABLERO_FUNNEL), en su orden; una llamada pertenece al primero que coincide con uno de sus tramos',
      ingresadas: 'llamadas entrantes del servicio: los tramos CDR de un linkedid (si no, de un uniqueid), con fecha del primer tramo en el mes',
      ivr_only: 'ingresadas - pidieron agente: terminaron sin pedir agente (atención automática o colgaron en el IVR)',
      asked_agent: 'entraron a una cola (rechazadas incluidas), o un tramo ejecutó Queue(), o su opción del IVR es una de las que piden agente',
      lost_before_queue: 'pidieron agente y no tienen estadía en cola: colgaron (o fallaron) entre el IVR y la cola',
      refused: 'tienen estadías y todas fueron rechazadas (FULL, JOINEMPTY, JOINUNAVAIL, CLOSED)',
      offered: 'tienen una estadía no rechazada (entraron a una cola); cuenta llamadas, no estadías',
      answered: 'una de sus estadías fue atendida (una llamada transferida y atendida en dos colas es una llamada)',
      answered_within: 'la espera de su primera estadía atendida está dentro del T de esa cola vigente al entrar',
      abandoned: 'ofrecidas, no atendidas, y su última estadía no rechazada fue abandonada',
      other_exit: 'ofrecidas, no atendidas, última estadía por tiempo agotado, tecla, cola vacía, retiro o falla',
      by_option: 'ingresadas por opción del IVR registrada (la más reciente de la llamada)',
      thresholds: 'T (y si es estricto) al final del mes de cada cola que atendió llamadas del servicio',
      contexts: 'contextos de marcado (CDR dcontext) que reconocen el servicio; vacío = cualquiera',
      dids: 'números marcados (CDR did, si no dst) que reconocen el servicio; vacío = cualquiera',
      ivr_source: 'dónde se lee la opción del IVR: none, queue_log:<verbo>, userfield o lastdata:<aplicación>',
      agent_options: 'opciones del IVR que piden agente',
    },
    noOption: '(ninguna)',
    strict: 'estricto',
    spansChange: 'el T de una cola cambió en el mes: cada llamada se juzgó con el T vigente al entrar',
    any: '(cualquiera)',
    identities: 'Identidades',
    identitiesText: 'ingresadas = solo IVR + pidieron agente; pidieron agente = ofrecidas + rechazadas + perdidas antes de la cola; ofrecidas = atendidas + abandonadas + otra salida',
    source: 'Fuente',
    sourceText: 'docs/kpi-definitions.md §13 de Tablero; las mismas filas que GET /api/funnel y tablero funnel para el mes (by=month); sin horario de atención ni abandono corto: cuenta toda llamada entrante',
  },
  chn: {
    sheet: 'Otros canales',
    title: 'Contactos por canal (chat, videollamada, correo, formulario web, redes sociales)',
    col: {
      channel: 'Canal', received: 'Recibidos', answered: 'Atendidos', abandoned: 'Abandonados', unanswered: 'Cerrados sin respuesta', waiting: 'En espera',
      answered_within: 'Atendidos a tiempo', within_pct: '% a tiempo', abandon_pct: '% abandono', first_response_avg_s: 'Primera respuesta prom. (s)',
      first_response_max_s: 'Primera respuesta máx. (s)', handled: 'Gestionados', handle_avg_s: 'Gestión prom. (s)', rated: 'Calificados',
      rating_response_pct: '% calificados', csat_pct: 'Satisfacción (4-5) %', threshold: 'Umbral del canal',
    },
    def: {
      channel: 'canal del contacto',
      received: 'contactos que llegaron en el mes (una vez cada uno, en su último estado)',
      answered: 'con primera respuesta de un asesor',
      abandoned: 'el cliente se fue antes de una respuesta',
      unanswered: 'cerrados sin respuesta de un asesor',
      waiting: 'aún abiertos sin respuesta al calcular el informe',
      answered_within: 'primera respuesta dentro del umbral del canal vigente a su llegada',
      within_pct: 'atendidos a tiempo / (atendidos + abandonados + cerrados sin respuesta) x 100',
      abandon_pct: 'abandonados / (atendidos + abandonados + cerrados sin respuesta) x 100',
      first_response_avg_s: 'de la llegada a la primera respuesta; segundos hábiles del calendario de la sede si el umbral del canal es hábil, si no de reloj',
      first_response_max_s: 'la mayor primera respuesta del mes (misma unidad)',
      handled: 'atendidos que terminaron',
      handle_avg_s: 'de la primera respuesta al cierre, segundos de reloj',
      rated: 'contactos con al menos una calificación',
      rating_response_pct: 'calificados / atendidos x 100',
      csat_pct: 'respuestas 4 o 5 / respuestas x 100, todas las dimensiones',
      threshold: 'umbral al final del mes (Configuración); hábil = horario de atención del calendario de la sede sin festivos',
    },
    channel: { chat: 'Chat', video: 'Videollamada', email: 'Correo (buzón)', webform: 'Formulario web', social: 'Redes sociales' },
    wall: 'de reloj',
    business: 'hábiles',
    strict: 'estricto',
    spansChange: 'cambió en el mes: cada contacto con el vigente a su llegada',
    ratings: 'Calificaciones',
    ratingLine: (answers, mean, csat) => `${answers} respuestas, promedio ${mean}, satisfacción ${csat} %`,
    source: 'Fuente',
    sourceText: 'docs/kpi-definitions.md §15 de Tablero; las mismas filas que GET /api/contacts/kpis y tablero contacts para el mes (by=month)',
  },
};

const EN: ReportTexts = {
  title: 'Monthly indicator report',
  sheet: { summary: 'Summary', by_day: 'By day', by_hour: 'By hour', by_agent: 'By agent', definitions: 'Definitions' },
  col: {
    queue: 'Queue',
    day: 'Day',
    hour: 'Hour',
    month: 'Month',
    agent: 'Agent',
    offered: 'Offered calls',
    answered: 'Answered calls',
    answered_within: (t) => (t === null ? 'Answered within T' : t.strict ? `Answered in less than ${t.threshold_s} s` : `Answered within ${t.threshold_s} s`),
    unanswered: 'Unanswered calls',
    abandoned: 'Abandoned calls',
    timeout: 'Timed out',
    exit_key: 'Exited by key',
    exit_empty: 'Exited, no agents',
    withdrawn: 'Withdrawn',
    failed: 'Failed',
    refused: 'Refused (never queued)',
    short_abandoned: 'Short abandons',
    out_of_hours: 'Out of hours',
    sl_pct: 'Service level (%)',
    formula: 'SL formula',
    threshold_s: 'T (s)',
    strict: 'Strict (< T)',
    target_pct: 'Target (%)',
    met: 'Met',
    abandon_rate_pct: 'Abandonment (%)',
    unanswered_rate_pct: 'Unanswered (%)',
    asa_s: 'Average speed of answer ASA (s)',
    avg_abandon_wait_s: 'Average abandon wait (s)',
    aht_s: 'Average handle time AHT (s)',
    longest_wait_s: 'Longest wait (s)',
    short_abandon_s: 'Short abandon under (s)',
    count_refused: 'Refused count as offered',
    include_out_of_hours: 'Includes out of hours',
    settings_version: 'Settings version (queue / site)',
  },
  yes: 'Yes',
  no: 'No',
  noAgent: '(no agent)',
  formula: {
    offered: 'answered within T / offered',
    answered: 'answered within T / answered',
    answered_abandoned: 'answered within T / (answered + abandoned)',
    abandon_after_threshold: 'answered within T / (answered + abandoned after T)',
    in_threshold_outcomes: '(answered + unanswered within T) / (answered + unanswered)',
  },
  def: {
    report: 'Report',
    site: 'Site',
    period: 'Period',
    tz: 'Time zone',
    calendar: 'Site calendar',
    calendarVersion: 'Calendar version',
    calendarAlwaysOpen: 'open 24 hours every day',
    holidays: 'holidays',
    siteHolidays: 'Site calendar holidays (call figures)',
    legalDays: 'Legal business days (escalations)',
    legalHolidays: 'Holidays of the legal terms (escalations)',
    legalHolidaysValue: (country, from, to, list) => `${country}; ${from} to ${to}: ${list}`,
    countries: { CO: 'Colombia (CO)', BO: 'Bolivia (BO)' },
    noCountry: 'no national holidays',
    siteHoliday: 'site holiday',
    none: 'none',
    weekdays: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'],
    closed: 'closed',
    status: 'Month status',
    open: 'Open month: figures computed from the current data',
    closedOn: (at, by, v) => `Month closed on ${at} by ${by} (version ${v}): figures frozen at closing`,
    fingerprint: 'Data fingerprint',
    fingerprintValue: (v, n) => `${v} (${n} queue stints)`,
    unchanged: 'The data has not changed since closing',
    changed: (then, thenN, now, nowN) =>
      `WARNING: the data changed since closing (fingerprint at closing ${then}, ${thenN} stints; now ${now}, ${nowN} stints). The figures are those of the closing.`,
    changedCdr: (then, thenN, now, nowN) =>
      `WARNING: the month's CDR rows changed since closing (fingerprint at closing ${then}, ${thenN} rows; now ${now}, ${nowN} rows). The call funnel is that of the closing.`,
    cdrFingerprint: 'CDR fingerprint (funnel)',
    cdrFingerprintValue: (v, n) => `${v} (${n} CDR rows)`,
    changedContacts: (then, thenN, now, nowN) =>
      `WARNING: the month's contacts of other channels changed since closing (fingerprint at closing ${then}, ${thenN} contacts; now ${now}, ${nowN} contacts). The channels are those of the closing.`,
    contactsFingerprint: 'Contacts fingerprint (other channels)',
    contactsFingerprintValue: (v, n) => `${v} (${n} contacts)`,
    warning: 'Warning',
    generated: 'Generated',
    definitions: 'Definitions per queue',
    rounding: 'Rounding',
    roundingText: 'percentages and seconds computed as exact fractions and rounded half up to 2 decimals',
    source: 'Definitions',
    sourceText: "Tablero's docs/kpi-definitions.md; a stint is one call's stay in one queue",
    met: 'Met',
    metText: 'printed (rounded) service level at or above the target',
    page: (n, of) => `Page ${n} of ${of}`,
    slByDay: (q) => `Service level by day, queue ${q}`,
    slAxis: 'SL %',
    targetLine: 'Target',
    unansweredByOutcome: 'Unanswered calls by outcome',
  },
  esc: {
    sheet: 'Escalations',
    title: 'Escalations (PQRSD) closed in the month',
    area: 'Responsible area',
    type: 'Type',
    closed: 'Closed',
    closed_on_time: 'Closed on time',
    on_time_pct: 'On-time rate (%)',
    avg_days_to_answer: 'Average business days to answer',
    closed_late: 'Closed late',
    atl_days: 'Average days late ATL (business days)',
    total: 'Total',
    noArea: '(not escalated)',
    types: {
      peticion: 'Request', queja: 'Complaint', reclamo: 'Claim', sugerencia: 'Suggestion', denuncia: 'Report', consulta: 'Inquiry',
      informacion: 'Information / documents', '': '(no type)',
    },
    openOverdue: 'Open and overdue at month end',
    terms: 'Terms (business days)',
    termsValue: (terms) => terms.map(([k, d]) => `${k} ${d}`).join(', '),
    definition: 'Escalations definition',
    definitionText:
      'on-time rate = closed by the due date / closed in the month; days to answer = business days from receipt to the first answer (or the closing); ATL = mean business days late of the tickets closed late; legal business days = the working weekdays (Monday to Friday unless the settings name others) minus national and site holidays; opening hours add no day: they only set when each day closes (a ticket filed after the close is received the next business day, and a term ends at the close of its last day)',
    definitionTextLegacy:
      'on-time rate = closed by the due date / closed in the month; days to answer = business days from receipt to the first answer (or the closing); ATL = mean business days late of the tickets closed late; business days of the site calendar with its holidays',
  },
  fun: {
    sheet: 'Call funnel',
    title: 'Call funnel by service (CDR)',
    col: {
      service: 'Service', ingresadas: 'Inbound calls', ivr_only: 'IVR only', asked_agent: 'Asked for an agent', lost_before_queue: 'Lost before the queue',
      refused: 'Refused by the queue', offered: 'Offered to the queue', answered: 'Answered by an agent', answered_within: 'Answered within T',
      abandoned: 'Abandoned in queue', other_exit: 'Other queue exit', by_option: 'Inbound calls by IVR option', thresholds: 'T per queue',
      contexts: 'Inbound contexts', dids: 'Dialled numbers (DID)', ivr_source: 'IVR option source', agent_options: 'Options asking for an agent',
    },
    def: {
      service: 'configured service (TABLERO_FUNNEL), in its order; a call belongs to the first one one of its legs matches',
      ingresadas: "inbound calls of the service: the CDR legs of one linkedid (else of one uniqueid), dated by the first leg's start in the month",
      ivr_only: 'inbound - asked for an agent: ended without asking for an agent (automated attention, or hung up in the IVR)',
      asked_agent: 'entered a queue (refused included), or a leg ran Queue(), or its IVR option is one that asks for an agent',
      lost_before_queue: 'asked for an agent and has no queue stint: hung up (or failed) between the IVR and the queue',
      refused: 'has stints and all of them were refused (FULL, JOINEMPTY, JOINUNAVAIL, CLOSED)',
      offered: 'has a stint that was not refused (entered a queue); counts calls, not stints',
      answered: 'one of its stints was answered (a call transferred and answered in two queues is one call)',
      answered_within: "its first answered stint's wait is within that queue's T in force when it entered",
      abandoned: 'offered, not answered, and its last non-refused stint was abandoned',
      other_exit: 'offered, not answered, last stint timeout, exit key, empty queue, withdrawn or failed',
      by_option: "inbound calls per recorded IVR option (the call's newest)",
      thresholds: "T (and whether strict) at the month's end of each queue that answered the service's calls",
      contexts: 'dialplan contexts (CDR dcontext) recognising the service; empty = any',
      dids: 'dialled numbers (CDR did, else dst) recognising the service; empty = any',
      ivr_source: 'where the IVR option is read: none, queue_log:<verb>, userfield or lastdata:<application>',
      agent_options: 'IVR options that ask for an agent',
    },
    noOption: '(none)',
    strict: 'strict',
    spansChange: "a queue's T changed in the month: each call was judged by the T in force when it entered",
    any: '(any)',
    identities: 'Identities',
    identitiesText: 'inbound = IVR only + asked for an agent; asked for an agent = offered + refused + lost before the queue; offered = answered + abandoned + other exit',
    source: 'Source',
    sourceText: "Tablero's docs/kpi-definitions.md §13; the same rows as GET /api/funnel and tablero funnel for the month (by=month); no opening hours or short abandon: every inbound call counts",
  },
  chn: {
    sheet: 'Other channels',
    title: 'Contacts by channel (chat, video call, email, web form, social media)',
    col: {
      channel: 'Channel', received: 'Received', answered: 'Answered', abandoned: 'Abandoned', unanswered: 'Closed without answer', waiting: 'Waiting',
      answered_within: 'Answered on time', within_pct: '% on time', abandon_pct: '% abandoned', first_response_avg_s: 'First response avg. (s)',
      first_response_max_s: 'First response max. (s)', handled: 'Handled', handle_avg_s: 'Handle avg. (s)', rated: 'Rated',
      rating_response_pct: '% rated', csat_pct: 'Satisfaction (4-5) %', threshold: "Channel's threshold",
    },
    def: {
      channel: "the contact's channel",
      received: 'contacts that arrived in the month (once each, in their latest state)',
      answered: 'with a first response by an agent',
      abandoned: 'the customer left before a response',
      unanswered: 'closed without a response by an agent',
      waiting: 'still open without a response when the report was computed',
      answered_within: "first response within the channel's threshold in force at its arrival",
      within_pct: 'answered on time / (answered + abandoned + closed without answer) x 100',
      abandon_pct: 'abandoned / (answered + abandoned + closed without answer) x 100',
      first_response_avg_s: "from arrival to the first response; business seconds of the site calendar when the channel's threshold is in business time, else wall clock",
      first_response_max_s: "the month's longest first response (same unit)",
      handled: 'answered contacts that ended',
      handle_avg_s: 'from the first response to the end, wall-clock seconds',
      rated: 'contacts with at least one rating',
      rating_response_pct: 'rated / answered x 100',
      csat_pct: 'answers of 4 or 5 / answers x 100, every dimension',
      threshold: 'threshold at the end of the month (Settings); business = opening hours of the site calendar without holidays',
    },
    channel: { chat: 'Chat', video: 'Video call', email: 'Email (mailbox)', webform: 'Web form', social: 'Social media' },
    wall: 'wall clock',
    business: 'business',
    strict: 'strict',
    spansChange: 'changed in the month: each contact judged by the one in force at its arrival',
    ratings: 'Ratings',
    ratingLine: (answers, mean, csat) => `${answers} answers, mean ${mean}, satisfaction ${csat} %`,
    source: 'Source',
    sourceText: "Tablero's docs/kpi-definitions.md §15; the same rows as GET /api/contacts/kpis and tablero contacts for the month (by=month)",
  },
};

export function texts(lang: ReportLang): ReportTexts {
  return lang === 'es' ? ES : EN;
}
