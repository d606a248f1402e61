// Which event types some active webhook wants, cached for the message write path, which
// must not pay a query per batch to learn that nobody listens: with no webhook the write
// is the statement it always was. Refreshed on every change made on this node, and
// re-read every REFRESH_MS (one tiny read), as the settings are across nodes
// (src/settings/settings.sync.ts), but also without Redis, as several nodes may share a
// PostgreSQL database without it: a webhook added on one node gets the messages written
// on the others within REFRESH_MS. Conversation events need no cache: their statements
// join the webhook table themselves (outbox.sql.ts).
import type { Logger } from "../lib/logger.js";
import type { WebhooksRepository } from "./webhooks.repository.js";

export const REFRESH_MS = 5000;

export function createSubscriptions(d: { repo: Pick<WebhooksRepository, "subscribedTypes">; log: Logger }) {
  let types = new Set<string>();
  let onQueued: () => void = () => {};

  async function refresh() {
    types = await d.repo.subscribedTypes();
  }
  const timer = setInterval(() => refresh().catch((err) => d.log.warn("webhook subscriptions refresh failed", { err })), REFRESH_MS);
  timer.unref();

  return {
    refresh,
    /** Some active webhook exists: the delivery worker polls only then. */
    any: () => types.size > 0,
    /** For the message writer (conversations/batch-write.repository.ts). */
    messages: {
      wanted: () => types.has("message.created"),
      queued: () => onQueued(),
    },
    /** The delivery worker's nudge: events were just committed on this node. */
    onQueued(fn: () => void) {
      onQueued = fn;
    },
    close: () => clearInterval(timer),
  };
}
export type Subscriptions = ReturnType<typeof createSubscriptions>;
