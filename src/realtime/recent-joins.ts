// A node subscribes to a conversation's channel (room-channels.ts) a Redis round trip after
// the room appears there, so a message published right after a room change on another node
// may come before that node hears the channel. The one ordering the cluster promised before
// is kept: when this node joins other nodes' sockets to a conversation (a new conversation,
// a claim) and then delivers to it (the visitor's first message, the "joined" notice), the
// room change and the delivery leave on the same Redis connection, through the adapter, in
// that order. So for a few seconds after such a join this node's events of that conversation
// go to every node as before (serverSideEmit, the adapter's broadcast), after which the
// subscriptions are live everywhere and the conversation's channel takes over.
/** Longer than a SUBSCRIBE round trip under load, by far. */
const WINDOW_MS = 3000;
/** From this many entries, the expired ones are swept, at most once per window: memory stays
 *  within the joins of about two windows, and a join costs O(1) amortised. */
const SWEEP_AT = 10_000;

export function createRecentJoins(now: () => number = Date.now) {
  const until = new Map<string, number>();
  let sweptAt = -Infinity;
  return {
    joined(cids: string[]) {
      const t = now();
      if (until.size >= SWEEP_AT && t - sweptAt >= WINDOW_MS) {
        sweptAt = t;
        for (const [cid, end] of until) if (end <= t) until.delete(cid);
      }
      for (const cid of cids) until.set(cid, t + WINDOW_MS);
    },
    /** True while this node's events of the conversation must go to every node. */
    has(cid: string): boolean {
      const end = until.get(cid);
      if (end === undefined) return false;
      if (end > now()) return true;
      until.delete(cid);
      return false;
    },
    size: () => until.size,
  };
}
export type RecentJoins = ReturnType<typeof createRecentJoins>;
