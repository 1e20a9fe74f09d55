import { pino, type Logger } from 'pino';

/**
 * One logger for the whole process; the same instance is handed to Fastify. Caller numbers are
 * redacted. Logs go to stderr: stdout is for what a command prints (the start banner, kpis rows).
 */
export function createLogger(level: string, name = 'tablero'): Logger {
  return pino(
    {
      name,
      level,
      redact: { paths: ['caller', '*.caller', 'event.caller'], censor: '[redacted]' },
    },
    pino.destination(2),
  );
}
