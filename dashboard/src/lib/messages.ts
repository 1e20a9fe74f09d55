// Every text of the dashboard, in Spanish (default) and English, with the users' own terms
// (docs/glossary.md). Definitions quote docs/kpi-definitions.md so a figure explains itself.
// `{name}` marks a parameter; both languages must use the same parameters (tested).

import type { Lang } from './format.ts';

const es = {
  'app.title': 'Tablero',
  'app.loading': 'Cargando…',
  'nav.logout': 'Cerrar sesión',
  'nav.user': 'Sesión: {user}',
  'nav.kiosk': 'Modo TV (solo lectura)',
  'nav.fullscreen': 'Pantalla completa',
  'lang.label': 'Idioma',

  'conn.idle': 'Desconectado',
  'conn.connecting': 'Conectando…',
  'conn.open': 'En vivo',
  'conn.closed': 'Sin conexión, reintentando…',
  'conn.retry': 'Sin conexión, reintento en {s} s',
  'stale.age': 'Datos de hace {n} s',
  'stale.offline': 'sin conexión con el servidor',
  'stale.silent': 'sin actualizaciones del servidor',
  'stale.denied': 'acceso rechazado: sesión vencida o enlace de TV revocado',

  'wallboard.waiting': 'Esperando datos en vivo…',
  'wallboard.none': 'No hay colas para mostrar.',
  'wallboard.queue': 'Cola {queue}',
  'wallboard.site': 'Sede {site}',
  'wallboard.page': 'Página {page} de {pages}',

  'tile.waiting': 'En espera ahora',
  'tile.longest-wait': 'Espera máxima',
  'tile.sl': 'Nivel de servicio',
  'tile.offered': 'Llamadas recibidas',
  'tile.answered': 'Atendidas',
  'tile.abandoned': 'Abandonadas',
  'tile.abandon-rate': 'Abandono',
  'tile.asa': 'Tiempo promedio de espera (ASA)',
  'tile.agents-available': 'Agentes disponibles',
  'tile.agents-on-call': 'Agentes en llamada',
  'tile.agents-paused': 'Agentes en pausa',

  'sl.short': 'NS {target}/{t}',
  'sl.formula': 'fórmula: {formula}',
  'sl.target': 'Meta {target}',
  'sl.met': 'meta cumplida',
  'sl.below': 'bajo la meta',

  'formula.offered': 'recibidas',
  'formula.answered': 'atendidas',
  'formula.answered_abandoned': 'atendidas + abandonadas',
  'formula.abandon_after_threshold': 'abandono después del umbral',
  'formula.in_threshold_outcomes': 'resultados dentro del umbral',

  'def.waiting': 'En espera ahora: llamadas en la cola que aún no fueron conectadas con un agente.',
  'def.longest-wait': 'Espera máxima actual = ahora − ingreso a la cola de la llamada en espera más antigua.',
  'def.sl.offered': 'Nivel de servicio = atendidas en {cmp} {t} s / llamadas recibidas × 100 (fórmula «offered»).',
  'def.sl.answered': 'Nivel de servicio = atendidas en {cmp} {t} s / llamadas atendidas × 100 (fórmula «answered»).',
  'def.sl.answered_abandoned':
    'Nivel de servicio = atendidas en {cmp} {t} s / (atendidas + abandonadas) × 100 (fórmula «answered_abandoned»).',
  'def.sl.abandon_after_threshold':
    'Nivel de servicio = atendidas en {cmp} {t} s / (atendidas + abandonadas con espera después de {t} s) × 100 (fórmula «abandon_after_threshold»).',
  'def.sl.in_threshold_outcomes':
    'Nivel de servicio = (atendidas + no atendidas con espera {cmp} {t} s) / (atendidas + no atendidas) × 100 (fórmula «in_threshold_outcomes»).',
  'def.sl.target': 'Meta {target}.',
  'def.offered':
    'Llamadas recibidas = atendidas + no atendidas (abandonadas, tiempo agotado, salida por tecla, cola vacía, retiradas, fallidas).',
  'def.answered': 'Llamadas atendidas: conectadas con un agente (CONNECT), también las transferidas.',
  'def.abandoned': 'Llamadas abandonadas: la persona colgó mientras esperaba en la cola (ABANDON).',
  'def.abandon-rate': 'Tasa de abandono = abandonadas / llamadas recibidas × 100.',
  'def.asa': 'ASA = suma de la espera de las llamadas atendidas / atendidas.',
  'def.agents-available': 'Agentes disponibles: conectados, sin pausa y sin llamada.',
  'def.agents-on-call': 'Agentes en llamada: con una llamada conectada (desde CONNECT hasta su fin).',
  'def.agents-paused': 'Agentes en pausa: conectados y en pausa (desde PAUSE hasta UNPAUSE).',
  'def.today': 'Hoy, desde el inicio del día en {tz}.',
  'def.live': 'En vivo.',
  'def.short': 'Sin abandonos cortos (espera menor a {s} s).',
  'def.nodata': 'Sin dato: el denominador es 0.',
  'def.value': 'Valor: {value}.',

  'chart.title': 'Nivel de servicio durante el día',
  'chart.series': 'NS',
  'chart.target': 'Meta',

  'login.title': 'Iniciar sesión',
  'login.username': 'Usuario',
  'login.password': 'Contraseña',
  'login.submit': 'Entrar',
  'login.invalid': 'Usuario o contraseña incorrectos.',
  'login.rate': 'Demasiados intentos. Espere un momento y vuelva a intentar.',
  'login.failed': 'No se pudo iniciar sesión ({code}).',
  'login.network': 'Sin conexión con el servidor.',
} as const;

export type MessageKey = keyof typeof es;
type Catalog = Record<MessageKey, string>;

const en: Catalog = {
  'app.title': 'Tablero',
  'app.loading': 'Loading…',
  'nav.logout': 'Log out',
  'nav.user': 'Signed in: {user}',
  'nav.kiosk': 'TV mode (read-only)',
  'nav.fullscreen': 'Full screen',
  'lang.label': 'Language',

  'conn.idle': 'Disconnected',
  'conn.connecting': 'Connecting…',
  'conn.open': 'Live',
  'conn.closed': 'Disconnected, retrying…',
  'conn.retry': 'Disconnected, retrying in {s} s',
  'stale.age': 'Data is {n} s old',
  'stale.offline': 'no connection to the server',
  'stale.silent': 'no updates from the server',
  'stale.denied': 'access refused: session expired or TV link revoked',

  'wallboard.waiting': 'Waiting for live data…',
  'wallboard.none': 'No queues to show.',
  'wallboard.queue': 'Queue {queue}',
  'wallboard.site': 'Site {site}',
  'wallboard.page': 'Page {page} of {pages}',

  'tile.waiting': 'Waiting now',
  'tile.longest-wait': 'Longest wait',
  'tile.sl': 'Service level',
  'tile.offered': 'Offered calls',
  'tile.answered': 'Answered',
  'tile.abandoned': 'Abandoned',
  'tile.abandon-rate': 'Abandonment rate',
  'tile.asa': 'Average speed of answer (ASA)',
  'tile.agents-available': 'Agents available',
  'tile.agents-on-call': 'Agents on call',
  'tile.agents-paused': 'Agents paused',

  'sl.short': 'SL {target}/{t}',
  'sl.formula': 'formula: {formula}',
  'sl.target': 'Target {target}',
  'sl.met': 'target met',
  'sl.below': 'below target',

  'formula.offered': 'offered',
  'formula.answered': 'answered',
  'formula.answered_abandoned': 'answered + abandoned',
  'formula.abandon_after_threshold': 'abandoned after threshold',
  'formula.in_threshold_outcomes': 'outcomes within threshold',

  'def.waiting': 'Waiting now: calls in the queue not yet connected to an agent.',
  'def.longest-wait': 'Longest current wait = now − queue entry of the oldest waiting call.',
  'def.sl.offered': 'Service level = answered within {cmp} {t} s / offered × 100 (formula "offered").',
  'def.sl.answered': 'Service level = answered within {cmp} {t} s / answered × 100 (formula "answered").',
  'def.sl.answered_abandoned':
    'Service level = answered within {cmp} {t} s / (answered + abandoned) × 100 (formula "answered_abandoned").',
  'def.sl.abandon_after_threshold':
    'Service level = answered within {cmp} {t} s / (answered + abandoned with a wait after {t} s) × 100 (formula "abandon_after_threshold").',
  'def.sl.in_threshold_outcomes':
    'Service level = (answered + unanswered with a wait {cmp} {t} s) / (answered + unanswered) × 100 (formula "in_threshold_outcomes").',
  'def.sl.target': 'Target {target}.',
  'def.offered':
    'Offered calls = answered + unanswered (abandoned, timeout, exit with key, exit empty, withdrawn, failed).',
  'def.answered': 'Answered calls: connected to an agent (CONNECT), transferred calls included.',
  'def.abandoned': 'Abandoned calls: the caller hung up while waiting in the queue (ABANDON).',
  'def.abandon-rate': 'Abandonment rate = abandoned / offered × 100.',
  'def.asa': 'ASA = sum of the wait of answered calls / answered.',
  'def.agents-available': 'Agents available: logged in, not paused and not on a call.',
  'def.agents-on-call': 'Agents on call: with a connected call (from CONNECT to its end).',
  'def.agents-paused': 'Agents paused: logged in and paused (from PAUSE to UNPAUSE).',
  'def.today': 'Today, since the start of the day in {tz}.',
  'def.live': 'Live.',
  'def.short': 'Short abandons excluded (wait under {s} s).',
  'def.nodata': 'No data: the denominator is 0.',
  'def.value': 'Value: {value}.',

  'chart.title': 'Service level through the day',
  'chart.series': 'SL',
  'chart.target': 'Target',

  'login.title': 'Log in',
  'login.username': 'Username',
  'login.password': 'Password',
  'login.submit': 'Log in',
  'login.invalid': 'Wrong username or password.',
  'login.rate': 'Too many attempts. Wait a moment and try again.',
  'login.failed': 'Could not log in ({code}).',
  'login.network': 'Cannot reach the server.',
};

export const CATALOGS: Record<Lang, Catalog> = { es, en };

export type MessageParams = Record<string, string | number>;

/** The parameters a message expects, in order of appearance, without repeats. */
export function placeholders(text: string): string[] {
  const names: string[] = [];
  for (const m of text.matchAll(/\{([a-z_]+)\}/g)) {
    const name = m[1];
    if (name !== undefined && !names.includes(name)) names.push(name);
  }
  return names;
}

/**
 * The text of `key` in `lang` with its parameters filled in. A parameter the caller forgot stays
 * visible as `{name}` rather than disappearing, so the mistake shows on screen.
 */
export function translate(lang: Lang, key: MessageKey, params?: MessageParams): string {
  const text = CATALOGS[lang][key];
  if (!params) return text;
  return text.replace(/\{([a-z_]+)\}/g, (whole, name: string) => {
    const v = params[name];
    return v === undefined ? whole : String(v);
  });
}
