import { pino, type Logger } from 'pino';

/** One logger for the whole process; the same instance is handed to Fastify. Caller numbers are redacted. */
export function createLogger(level: string, name = 'tablero'): Logger {
  return pino({
    name,
    level,
    redact: { paths: ['caller', '*.caller', 'event.caller'], censor: '[redacted]' },
  });
}
