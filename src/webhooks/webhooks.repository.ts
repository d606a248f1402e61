// The webhooks an admin set (table webhook): added, listed, deleted (which deletes their
// outbox and log, by cascade), and the event types some active one wants, for the cache
// of the message write path (subscriptions.ts).
import { randomUUID } from "node:crypto";
import type { Prisma } from "../lib/db.js";
import type { CreateWebhook } from "./webhooks.schemas.js";

/** What is shown of a webhook: never its secret. */
export interface WebhookView {
  id: string;
  url: string;
  events: string[];
  createdAt: Date;
}

const view = (w: WebhookView): WebhookView => ({ id: w.id, url: w.url, events: w.events, createdAt: w.createdAt });

export function createWebhooksRepository(prisma: Prisma) {
  return {
    async create(w: CreateWebhook): Promise<WebhookView> {
      return view(await prisma.webhook.create({ data: { id: randomUUID(), url: w.url, secret: w.secret, events: w.events } }));
    },
    async list(): Promise<WebhookView[]> {
      return (await prisma.webhook.findMany({ orderBy: { createdAt: "asc" } })).map(view);
    },
    /** Whether there was one. */
    async remove(id: string): Promise<boolean> {
      return (await prisma.webhook.deleteMany({ where: { id } })).count > 0;
    },
    /** Every event type at least one active webhook wants. */
    async subscribedTypes(): Promise<Set<string>> {
      const rows = await prisma.$queryRawUnsafe<{ t: string }[]>("SELECT DISTINCT unnest(events) AS t FROM webhook WHERE active");
      return new Set(rows.map((r) => r.t));
    },
  };
}
export type WebhooksRepository = ReturnType<typeof createWebhooksRepository>;
