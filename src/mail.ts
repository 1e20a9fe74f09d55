// E-mail of scheduled exports over SMTP (nodemailer): the processor's reports hand over the
// message and files; this adapter moves them to the configured server and resolves only once
// the server accepted every recipient.
import nodemailer from 'nodemailer';
import type { ReportMailer } from '@tablero/processor/reports';
import type { Config } from './config.ts';

export interface SmtpSettings {
  host: string;
  port: number;
  tls: 'starttls' | 'implicit' | 'none';
  user?: string;
  password?: string;
  from: string;
}

/** The SMTP settings of the environment, or null when no TABLERO_SMTP_HOST is set. */
export function smtpSettings(cfg: Config): SmtpSettings | null {
  if (cfg.TABLERO_SMTP_HOST === undefined || cfg.TABLERO_SMTP_FROM === undefined) return null;
  return {
    host: cfg.TABLERO_SMTP_HOST,
    port: cfg.TABLERO_SMTP_PORT,
    tls: cfg.TABLERO_SMTP_TLS,
    from: cfg.TABLERO_SMTP_FROM,
    ...(cfg.TABLERO_SMTP_USER !== undefined && cfg.TABLERO_SMTP_PASSWORD !== undefined ? { user: cfg.TABLERO_SMTP_USER, password: cfg.TABLERO_SMTP_PASSWORD } : {}),
  };
}

export function createSmtpMailer(s: SmtpSettings): ReportMailer {
  const transport = nodemailer.createTransport({
    host: s.host,
    port: s.port,
    secure: s.tls === 'implicit',
    requireTLS: s.tls === 'starttls',
    ignoreTLS: s.tls === 'none',
    ...(s.user !== undefined ? { auth: { user: s.user, pass: s.password ?? '' } } : {}),
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 60_000,
  });
  return async (mail) => {
    const info = await transport.sendMail({ from: s.from, to: mail.to, subject: mail.subject, text: mail.text, attachments: mail.attachments });
    // nodemailer resolves when at least one recipient was accepted: a partial delivery is a failure here.
    if (info.rejected.length > 0) throw new Error(`the SMTP server refused ${info.rejected.map(String).join(', ')}`);
  };
}
