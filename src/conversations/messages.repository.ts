// Messages in SQL: the batch write (batch-write.repository.ts) and the reads of
// conversations' messages, on the raw driver where they are hot (sync), through Prisma
// otherwise.
import type { Message } from "../events.js";
import type { Database } from "../lib/db.js";
import { createBatchWriter, type MessageEvents } from "./batch-write.repository.js";
import { MESSAGE_COLUMNS, MESSAGE_FROM, toMessage, type AttachmentUrl, type MessageRow } from "./messages.mapper.js";

export type { SendOutcome } from "./batch-write.plan.js";

/** A sync's read ($1 conversation, $2 after seq, $3 limit): an ordered scan of the
 *  (conversation_id, seq) index once the planner has statistics (src/maintenance). */
export const MESSAGES_AFTER_SQL = `SELECT ${MESSAGE_COLUMNS} FROM ${MESSAGE_FROM} WHERE m.conversation_id = $1 AND m.seq > $2::int
  ORDER BY m.seq LIMIT $3::int`;

/** `attachmentUrl`: how the messages read or written here link their attachments;
 *  `events`: the webhooks' message.created outbox (src/webhooks); `alone`: no other node
 *  writes to this database (batch-write.cache.ts). */
export function createMessagesRepository(db: Database, attachmentUrl: AttachmentUrl, events?: MessageEvents, o: { alone?: boolean } = {}) {
  const prisma = db.prisma;
  const toMessages = (rows: MessageRow[]) => rows.map((r) => toMessage(r, attachmentUrl));
  const batches = createBatchWriter(db, attachmentUrl, events, o);
  async function messagesAfter(conversationId: string, afterSeq: number, limit: number): Promise<Message[]> {
    // On the raw driver: Prisma's per-query cost and its row mapping would be most of a
    // sync of a few hundred messages (the same rows as the write path's, toMessage reads both).
    const rows = await db.query<MessageRow>(MESSAGES_AFTER_SQL, [conversationId, afterSeq, limit]);
    return toMessages(rows);
  }

  async function latestMessages(conversationId: string, limit: number): Promise<Message[]> {
    const rows = await prisma.$queryRawUnsafe<MessageRow[]>(
      `SELECT * FROM (SELECT ${MESSAGE_COLUMNS} FROM ${MESSAGE_FROM} WHERE m.conversation_id = $1
       ORDER BY m.seq DESC LIMIT $2::int) t ORDER BY seq`,
      conversationId, limit,
    );
    return toMessages(rows);
  }

  /** Messages stored since `since` in these conversations, oldest first: what a node's
   *  devices may have missed while Redis could not carry them. Reads only conversations
   *  written since then (updated_at), each backwards on its (conversation_id, seq) index,
   *  at most `perConversation` each (beyond that the devices' sync takes over). */
  async function storedSince(conversationIds: string[], since: Date, perConversation: number): Promise<Message[]> {
    if (!conversationIds.length) return [];
    const rows = await prisma.$queryRawUnsafe<MessageRow[]>(
      `SELECT m.* FROM conversation c CROSS JOIN LATERAL (
         SELECT ${MESSAGE_COLUMNS}, m.created_at AS stored_at FROM ${MESSAGE_FROM} WHERE m.conversation_id = c.id
         ORDER BY m.seq DESC LIMIT $3::int) m
       WHERE c.id = ANY($1::text[]) AND c.updated_at >= $2::timestamptz AND m.stored_at >= $2::timestamptz
       ORDER BY m.conversation_id, m.seq`,
      conversationIds, since.toISOString(), perConversation,
    );
    return toMessages(rows);
  }

  return { writeBatch: batches.writeBatch, writeStats: batches.stats, messagesAfter, latestMessages, storedSince };
}
export type MessagesRepository = ReturnType<typeof createMessagesRepository>;
