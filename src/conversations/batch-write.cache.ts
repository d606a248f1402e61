// The writer's memory of conversation states: each conversation as the last write
// statement of this node returned it (batch-write.sql.ts). A batch whose conversations
// are all here is planned from it and written in one round trip instead of two (no
// snapshot read). Nothing here needs to be fresh for the result to be right: the write
// takes a conversation only if it is still as remembered (last_seq, status, agent,
// snooze) and none of its sends is already stored, and anything else (another writer, a
// resolve, a claim, a retry) is decided again from the database. visitor_id never
// changes, and first_visitor_at only with a message, which moves last_seq.
// Only on a node that is alone on its database: in a cluster another node may write
// every conversation, and a remembered state would be stale, a wasted statement, as
// often as not. Bounded: the least recently written are forgotten first.
import type { ConversationRow } from "./batch-write.plan.js";

export const STATE_CACHE_SIZE = 10_000;

export function createStateCache(max = STATE_CACHE_SIZE) {
  // A Map keeps insertion order: re-inserting on use makes its first key the least recent.
  const rows = new Map<string, ConversationRow>();
  return {
    /** The rows of all these conversations, or null when one is not remembered. */
    all(ids: Iterable<string>): ConversationRow[] | null {
      const out: ConversationRow[] = [];
      for (const id of ids) {
        const r = rows.get(id);
        if (!r) return null;
        out.push(r);
      }
      return out;
    },
    remember(written: ConversationRow[]) {
      for (const r of written) {
        rows.delete(r.id);
        rows.set(r.id, { ...r, last_seq: Number(r.last_seq) });
      }
      for (const id of rows.keys()) {
        if (rows.size <= max) break;
        rows.delete(id);
      }
    },
    forget(ids: Iterable<string>) {
      for (const id of ids) rows.delete(id);
    },
    get size() {
      return rows.size;
    },
  };
}
export type StateCache = ReturnType<typeof createStateCache>;
