// Adding and removing webhooks, and what follows on this node: the write path's cache of
// subscribed events is refreshed before the answer, so the next message already queues.
import type { Subscriptions } from "./subscriptions.js";
import type { WebhooksRepository } from "./webhooks.repository.js";
import type { CreateWebhook } from "./webhooks.schemas.js";

export function createWebhooksService(d: { repo: WebhooksRepository; subscriptions: Pick<Subscriptions, "refresh"> }) {
  return {
    async create(w: CreateWebhook) {
      const created = await d.repo.create(w);
      await d.subscriptions.refresh();
      return created;
    },
    list: () => d.repo.list(),
    async remove(id: string) {
      const removed = await d.repo.remove(id);
      await d.subscriptions.refresh();
      return removed;
    },
  };
}
export type WebhooksService = ReturnType<typeof createWebhooksService>;
