// The webhooks assembled (called by the composition root): the subscriptions cache the
// message writer reads, the repositories, the delivery worker and the routes. The cache
// is made first (`createSubscriptions`), as the messages repository needs it before the
// rest of the services exist.
import type { RequestHandler } from "express";
import type { AccountsService } from "../accounts/accounts.service.js";
import type { Config } from "../config.js";
import type { Database } from "../lib/db.js";
import type { Logger } from "../lib/logger.js";
import { createDeliveryLog } from "./delivery.log.js";
import { startDeliveryWorker } from "./delivery.worker.js";
import { createWebhookOutbox } from "./outbox.repository.js";
import type { Subscriptions } from "./subscriptions.js";
import { webhooksAdminRoutes } from "./webhooks.admin.routes.js";
import { webhooksRoutes } from "./webhooks.routes.js";
import { createWebhooksService } from "./webhooks.service.js";
import type { WebhooksRepository } from "./webhooks.repository.js";

export function createWebhooksModule(d: {
  config: Pick<Config, "webhooks">; db: Database; repo: WebhooksRepository; subscriptions: Subscriptions; log: Logger;
}) {
  const c = d.config.webhooks;
  const outbox = createWebhookOutbox(d.db);
  const service = createWebhooksService({ repo: d.repo, subscriptions: d.subscriptions });
  const worker = startDeliveryWorker({
    outbox, active: d.subscriptions.any, timeoutMs: c.timeoutMs, pollMs: c.pollMs, concurrency: c.concurrency,
    schedule: { firstMs: c.retryFirstMs, maxMs: c.retryMaxMs, giveUpMs: c.giveUpMs }, log: d.log,
  });
  d.subscriptions.onQueued(worker.nudge);
  const log = createDeliveryLog(d.db.prisma);

  return {
    service,
    routes: (accounts: AccountsService) => webhooksRoutes({ accounts, webhooks: service }),
    /** `guard`: the admin pages' own check (web-auth page("admin")). */
    adminRoutes: (guard: RequestHandler) => webhooksAdminRoutes({ guard, webhooks: service, log, outbox, nudge: worker.nudge }),
    async close() {
      await worker.stop();
      d.subscriptions.close();
    },
  };
}
export type WebhooksModule = ReturnType<typeof createWebhooksModule>;
