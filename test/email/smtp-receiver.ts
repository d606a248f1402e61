// A real SMTP server for the email tests (smtp-server), with AUTH over plain TCP (no
// STARTTLS: its certificate would be self-signed), every message parsed with mailparser.
import type { AddressInfo } from "node:net";
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer } from "smtp-server";
import { until } from "../helpers/clients.js";

export const SMTP_USER = "mailer";
export const SMTP_PASS = "mail-pass-1";

export interface Received {
  to: string;
  mail: ParsedMail;
}

export async function startReceiver(port = 0) {
  const received: Received[] = [];
  const server = new SMTPServer({
    disabledCommands: ["STARTTLS"],
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === SMTP_USER && auth.password === SMTP_PASS) cb(null, { user: auth.username });
      else cb(new Error("bad credentials"));
    },
    onData(stream, session, cb) {
      simpleParser(stream).then((mail) => {
        for (const rcpt of session.envelope.rcptTo) received.push({ to: rcpt.address, mail });
        cb();
      }, cb);
    },
  });
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", () => r()));
  const actual = (server.server.address() as AddressInfo).port;
  return {
    port: actual,
    url: `smtp://${SMTP_USER}:${SMTP_PASS}@127.0.0.1:${actual}`,
    received,
    to: (address: string) => received.filter((r) => r.to === address).map((r) => r.mail),
    async waitFor(address: string, count = 1, timeoutMs = 15_000) {
      await until(() => received.filter((r) => r.to === address).length >= count, timeoutMs, `${count} email(s) to ${address}`);
      return received.filter((r) => r.to === address).map((r) => r.mail);
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
export type Receiver = Awaited<ReturnType<typeof startReceiver>>;
