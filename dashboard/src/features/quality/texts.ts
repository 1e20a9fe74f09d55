// The data quality page's texts beyond the shell catalog (lib/messages.ts), in Spanish and English.
import { defineCatalog, type EnglishOf } from '../../lib/catalog.ts';

const ES = {
  'dq.imported': 'importación terminada',
  'dq.imported_hint': 'Fuente de «tablero import»: se leyó una vez y no se espera que siga enviando líneas.',
  'dq.window': 'En la ventana',
  'dq.window_hint': 'Líneas guardadas cuya hora cae en los últimos {days} días (leído de la base de datos).',
  'dq.since_start': 'Desde el arranque (aceptadas / rechazadas)',
  'dq.since_start_hint': 'Contadores de la ingesta de este proceso desde que arrancó.',
};

const EN: EnglishOf<typeof ES> = {
  'dq.imported': 'import finished',
  'dq.imported_hint': 'A “tablero import” source: read once, not expected to keep sending lines.',
  'dq.window': 'In the window',
  'dq.window_hint': 'Stored lines whose time falls in the last {days} days (read from the database).',
  'dq.since_start': 'Since start (accepted / rejected)',
  'dq.since_start_hint': 'This process’s ingest counters since it started.',
};

export const QUALITY_TEXTS = defineCatalog(ES, EN);
