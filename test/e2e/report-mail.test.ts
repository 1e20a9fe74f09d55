// Scheduled exports e-mailed through the real SMTP adapter (nodemailer) to a real SMTP server
// listening on loopback (smtp-server, with AUTH): the message is read back with mailparser and
// its attachments are byte for byte the files the run wrote into its folder. A server that
// refuses a recipient, or no SMTP configured, makes the run failed with the reason while the
// files stay on disk.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import pino from 'pino';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSchedule, type ExportSchedule, type SchedulerContext } from '@tablero/processor/reports';
import { seedOctober } from '../../processor/src/reports/testing/month-fixture.ts';
import { loadConfig } from '../../src/config.ts';
import { createSmtpMailer, smtpSettings } from '../../src/mail.ts';
import { freshClickHouse } from '../support/clickhouse.ts';

const USER = 'tablero';
const PASSWORD = 'clave-smtp-de-prueba';
const REFUSED = 'nadie@example.com';
/** Day 1 06:00 in La Paz: the run that exports October. */
const SCHEDULED_MS = Date.parse('2026-11-01T10:00:00Z');

let ch: Awaited<ReturnType<typeof freshClickHouse>>;
let server: SMTPServer;
let port: number;
let dir: string;
const received: Array<{ from: string; to: string[]; user: string | undefined; mail: ParsedMail }> = [];

beforeAll(async () => {
  ch = await freshClickHouse();
  await seedOctober(ch);
  dir = mkdtempSync(join(tmpdir(), 'tablero-mail-'));
  server = new SMTPServer({
    secure: false,
    // No certificate in a test: plain SMTP on loopback, with AUTH allowed over it.
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === USER && auth.password === PASSWORD) cb(null, { user: auth.username });
      else cb(new Error('bad credentials'));
    },
    onRcptTo(address, _session, cb) {
      if (address.address === REFUSED) cb(Object.assign(new Error('no such mailbox'), { responseCode: 550 }));
      else cb();
    },
    onData(stream, session, cb) {
      simpleParser(stream).then(
        (mail) => {
          received.push({
            from: session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address,
            to: session.envelope.rcptTo.map((r) => r.address),
            user: typeof session.user === 'string' ? session.user : undefined,
            mail,
          });
          cb();
        },
        (err: Error) => cb(err),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server?.close(() => resolve()));
  await ch?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

function schedule(id: string, emailTo: string[]): ExportSchedule {
  return {
    id, enabled: true, every: 'monthly', day_of_month: 1, at: '06:00', tz: 'America/La_Paz', site: 'default', queues: [],
    formats: ['csv', 'pdf'], lang: 'es', sep: ';', folder: join(dir, id), email_to: emailTo,
  };
}

function context(withMail: boolean): SchedulerContext {
  const cfg = loadConfig({
    TABLERO_SMTP_HOST: '127.0.0.1', TABLERO_SMTP_PORT: String(port), TABLERO_SMTP_TLS: 'none',
    TABLERO_SMTP_USER: USER, TABLERO_SMTP_PASSWORD: PASSWORD, TABLERO_SMTP_FROM: 'informes@tablero.example',
  });
  const smtp = smtpSettings(cfg);
  if (smtp === null) throw new Error('SMTP settings expected');
  // The schedules' folders lie inside the exports folder (TABLERO_EXPORTS_DIR), here the test's temp dir.
  return { ch, log: pino({ level: 'silent' }), defaultTz: 'UTC', exportsDir: dir, ...(withMail ? { mailer: createSmtpMailer(smtp) } : {}) };
}

describe('scheduled exports by e-mail', () => {
  it('sends one message with the files the run wrote, authenticated, to every recipient', async () => {
    const s = schedule('gerencia', ['gerencia@example.com', 'ana.perez@banco.example']);
    const run = await runSchedule(context(true), s, SCHEDULED_MS, () => SCHEDULED_MS + 30_000);
    expect(run).toEqual({ run_id: 'gerencia@2026-11-01T10:00:00.000Z', status: 'ok', files: ['tablero-default-2026-10.csv', 'tablero-default-2026-10.pdf'], error: '' });
    expect(received).toHaveLength(1);
    const [got] = received;
    expect(got?.from).toBe('informes@tablero.example');
    expect(got?.to).toEqual(['gerencia@example.com', 'ana.perez@banco.example']);
    expect(got?.user).toBe(USER);
    expect(got?.mail.subject).toBe('Informe mensual de indicadores 2026-10 (default)');
    expect(got?.mail.text).toBe(
      'Informe mensual de indicadores de 2026-10, sede default, de la exportación programada "gerencia".\n\nArchivos adjuntos:\n- tablero-default-2026-10.csv\n- tablero-default-2026-10.pdf\n',
    );
    const attachments = got?.mail.attachments ?? [];
    expect(attachments.map((a) => [a.filename, a.contentType])).toEqual([
      ['tablero-default-2026-10.csv', 'text/csv'],
      ['tablero-default-2026-10.pdf', 'application/pdf'],
    ]);
    expect(attachments[0]?.content.equals(readFileSync(join(s.folder, 'tablero-default-2026-10.csv')))).toBe(true);
    expect(attachments[1]?.content.equals(readFileSync(join(s.folder, 'tablero-default-2026-10.pdf')))).toBe(true);
    expect(attachments[0]?.content.toString('utf8')).toContain('\r\n101;8;6;5;2;1;1;0;0;0;0;1;0;1;62,50;');
  });

  it('a refused recipient fails the run with the reason; the files stay written', async () => {
    const before = received.length;
    const s = schedule('rechazo', ['gerencia@example.com', REFUSED]);
    const run = await runSchedule(context(true), s, SCHEDULED_MS, () => SCHEDULED_MS + 30_000);
    expect(run.status).toBe('failed');
    expect(run.files).toEqual(['tablero-default-2026-10.csv', 'tablero-default-2026-10.pdf']);
    expect(run.error).toBe(`e-mail: the SMTP server refused ${REFUSED}`);
    // The accepted recipient still got it (SMTP delivers per recipient).
    expect(received.slice(before).map((r) => r.to)).toEqual([['gerencia@example.com']]);
    expect(readFileSync(join(s.folder, 'tablero-default-2026-10.csv')).length).toBeGreaterThan(0);
  });

  it('recipients without SMTP configured fail the run and say what is missing', async () => {
    const run = await runSchedule(context(false), schedule('sinsmtp', ['gerencia@example.com']), SCHEDULED_MS, () => SCHEDULED_MS + 30_000);
    expect([run.status, run.error]).toEqual(['failed', 'e-mail: e-mail is not configured on the server (TABLERO_SMTP_HOST)']);
  });

  it('the SMTP settings are checked with the rest of the environment', () => {
    expect(() => loadConfig({ TABLERO_SMTP_HOST: 'smtp.example.com' })).toThrow('TABLERO_SMTP_FROM: required with TABLERO_SMTP_HOST (the sender address)');
    expect(() => loadConfig({ TABLERO_SMTP_HOST: 'smtp.example.com', TABLERO_SMTP_FROM: 'a@example.com', TABLERO_SMTP_USER: 'u' })).toThrow(
      'TABLERO_SMTP_PASSWORD: TABLERO_SMTP_USER and TABLERO_SMTP_PASSWORD go together',
    );
    expect(smtpSettings(loadConfig({}))).toBeNull();
    expect(smtpSettings(loadConfig({ TABLERO_SMTP_HOST: 'smtp.example.com', TABLERO_SMTP_FROM: 'a@example.com' }))).toEqual({
      host: 'smtp.example.com', port: 587, tls: 'starttls', from: 'a@example.com',
    });
  });
});
