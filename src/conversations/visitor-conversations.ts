// Which conversation a visitor's send without a conversationId goes to (PROTOCOL.md
// section 3: the first message opens it). Looked up once per visitor, not once per send:
// concurrent first sends share one lookup (a burst from a reconnecting outbox, or a flood
// within its budget, was one query per message and held the embedded database's thread
// for a quarter of a second), and later sends reuse the answer.
// Remembering is safe because the write path checks every send against the locked
// conversation (seq.ts): a remembered conversation that was resolved meanwhile, on any
// node, is refused there as stale, and one that is gone as not found; the service then
// forgets it and asks again. Bounded: the oldest entry goes when the map is full.
import type { ConversationRow } from "./conversations.repository.js";

export interface VisitorConversations {
  /** The visitor's active conversation's id, opened if there is none. */
  current(visitorId: string): Promise<string>;
  /** What `ready` found: the next send needs no lookup. */
  remember(visitorId: string, conversationId: string): void;
  /** The write path refused this conversation: ask again next time. */
  forget(visitorId: string, conversationId: string): void;
  size(): number;
}

export function createVisitorConversations(d: {
  ensureActive(visitorId: string): Promise<{ row: ConversationRow; created: boolean }>;
  /** A new conversation: join the visitor's sockets and tell the agents, once. */
  opened(row: ConversationRow): Promise<void>;
  max?: number;
}): VisitorConversations {
  const max = d.max ?? 10_000;
  const known = new Map<string, string>();
  const pending = new Map<string, Promise<string>>();

  const remember = (visitorId: string, conversationId: string) => {
    known.delete(visitorId); // re-inserted last: the map's order is its age
    if (known.size >= max) known.delete(known.keys().next().value!);
    known.set(visitorId, conversationId);
  };

  async function lookUp(visitorId: string): Promise<string> {
    const { row, created } = await d.ensureActive(visitorId);
    if (created) await d.opened(row);
    remember(visitorId, row.id);
    return row.id;
  }

  return {
    current(visitorId) {
      const id = known.get(visitorId);
      if (id) return Promise.resolve(id);
      let p = pending.get(visitorId);
      if (!p) {
        p = lookUp(visitorId).finally(() => pending.delete(visitorId));
        pending.set(visitorId, p);
      }
      return p;
    },
    remember,
    forget(visitorId, conversationId) {
      if (known.get(visitorId) === conversationId) known.delete(visitorId);
    },
    size: () => known.size,
  };
}
