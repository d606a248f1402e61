// The email module assembled (called by the composition root): the transport when
// SMTP_URL is set, the outbox and its worker, the sweeps, and the routes. Without
// SMTP_URL no worker runs and no row is ever queued: the links of emails sent before
// still work, and the admin page says email is off.
import type { RequestHandler } from "express";
import type { Config } from "../config.js";
import type { Database } from "../lib/db.js";
import type { Logger } from "../lib/logger.js";
import { createEmailLinks } from "./email-links.js";
import { emailAdminRoutes } from "./email.admin.routes.js";
import { createEmailRepository } from "./email.repository.js";
import { emailRoutes } from "./email.routes.js";
import { sweepIntervalMs } from "./email.rules.js";
import { createFollowupService } from "./followup.service.js";
import { createMailTransport } from "./mail.transport.js";
import { createOutboxRepository } from "./outbox.repository.js";
import { startOutboxWorker } from "./outbox.worker.js";

export interface EmailModuleDeps {
  config: Pick<Config, "email" | "publicUrl" | "port">;
  db: Database;
  sessionSecret: string;
  visitorToken: (visitorId: string) => string;
  availableAgents: () => Promise<string[]>;
  log: Logger;
}

/** "Acme Support <help@acme.test>" -> "Acme Support": the name the emails go by. */
const brandOf = (from: string) => from.match(/^\s*"?([^"<]+?)"?\s*</)?.[1] ?? "Support";

export function createEmailModule(d: EmailModuleDeps) {
  const { email } = d.config;
  const baseUrl = d.config.publicUrl ?? `http://localhost:${d.config.port}`;
  const links = createEmailLinks(d.sessionSecret);
  const repo = createEmailRepository(d.db.prisma);
  const outbox = createOutboxRepository(d.db);
  const transport = email.smtpUrl ? createMailTransport(email.smtpUrl, email.from) : null;
  if (transport && !d.config.publicUrl) d.log.warn("email links point to localhost: set PUBLIC_URL", { baseUrl });
  const followups = createFollowupService({
    db: d.db, links, baseUrl, brand: brandOf(email.from), afterMs: email.afterMs, availableAgents: d.availableAgents, log: d.log,
  });
  const worker = transport ? startOutboxWorker({ outbox, transport, followups, sweepMs: sweepIntervalMs(email.afterMs), log: d.log }) : null;

  return {
    routes: emailRoutes({ links, visitorToken: d.visitorToken, visitorExists: repo.visitorExists, unsubscribe: repo.unsubscribe }),
    /** `guard`: the admin pages' own check (web-auth page("admin")). */
    adminRoutes: (guard: RequestHandler) =>
      emailAdminRoutes({ guard, repo, outbox, transport, baseUrl, publicUrlSet: !!d.config.publicUrl, afterMs: email.afterMs }),
    async close() {
      await worker?.stop();
      transport?.close();
    },
  };
}
export type EmailModule = ReturnType<typeof createEmailModule>;
