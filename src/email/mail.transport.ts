// The one place that talks SMTP: a nodemailer transport built from SMTP_URL (smtp:// or
// smtps://) and MAIL_FROM. Every wait is bounded, so a slow or silent mail server holds
// up only the outbox worker's current email, never anything else.
import nodemailer from "nodemailer";

export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  html: string;
  headers?: Record<string, string>;
}

export interface MailTransport {
  send(mail: OutgoingEmail): Promise<void>;
  /** What the admin page shows: host and port only, never the credentials. */
  describe(): { host: string; secure: boolean; from: string };
  close(): void;
}

const TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000, dnsTimeout: 10_000 };

export function createMailTransport(smtpUrl: string, from: string): MailTransport {
  const url = new URL(smtpUrl);
  const secure = url.protocol === "smtps:";
  const transport = nodemailer.createTransport({ url: smtpUrl, ...TIMEOUTS });
  return {
    async send(mail) {
      await transport.sendMail({ from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html, headers: mail.headers });
    },
    describe: () => ({ host: `${url.hostname}:${url.port || (secure ? 465 : 587)}`, secure, from }),
    close: () => transport.close(),
  };
}
