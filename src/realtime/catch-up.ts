// After a Redis outage: what other nodes wrote meanwhile never reached this node's
// devices (the adapter's publishes were lost), although every message was stored and
// acked. The database is the truth, so once the adapter's subscription is back this node
// re-delivers, to its own followers only, what was stored in their conversations since
// the outage began (clients deduplicate by id). Bounded per conversation; a device that
// missed more than that sees the gap in seq and syncs.
import type { Message } from "../events.js";
import type { Logger } from "../lib/logger.js";
import type { Realtime } from "./realtime.js";

/** Messages written at most this long before the outage was noticed are included too. */
const MARGIN_MS = 5000;
const PER_CONVERSATION = 200;

export function createCatchUp(d: {
  realtime: Pick<Realtime, "localConversations" | "redeliverLocal">;
  storedSince: (conversationIds: string[], since: Date, perConversation: number) => Promise<Message[]>;
  log: Logger;
}) {
  return async function catchUp(downSince: number): Promise<number> {
    const ids = d.realtime.localConversations();
    if (!ids.length) return 0;
    const missed = await d.storedSince(ids, new Date(downSince - MARGIN_MS), PER_CONVERSATION);
    for (const m of missed) d.realtime.redeliverLocal(m);
    d.log.info("redis back: re-delivered what this node's devices may have missed", {
      conversations: ids.length,
      messages: missed.length,
    });
    return missed.length;
  };
}

interface ConnectionEvents {
  on(event: "close" | "ready", listener: () => void): unknown;
}

/** Watches the adapter's subscriber connection: when it is ready again after a close,
 *  runs catchUp from when it closed (after a moment, for ioredis to re-subscribe). */
export function catchUpAfterOutages(sub: ConnectionEvents, catchUp: (downSince: number) => Promise<unknown>, log: Logger) {
  let downSince: number | null = null;
  sub.on("close", () => void (downSince ??= Date.now()));
  sub.on("ready", () => {
    if (downSince === null) return; // the first connect
    const since = downSince;
    downSince = null;
    setTimeout(() => catchUp(since).catch((err: unknown) => log.warn("catch-up after redis outage failed", { err })), 500).unref();
  });
}
