// The message write path in SQL: one transaction for a whole batch of sends, a fixed
// number of statements whatever its size (lock conversations, find stored duplicates,
// insert all new rows and advance every conversation's last_seq). The row lock on each
// conversation serialises writers across processes, which keeps seq gapless.
// Every statement takes its rows as a few array parameters (ANY / unnest), never one
// placeholder per value: the SQL text is then the same for every batch size, and
// planning a 25-row batch costs what planning a 1-row batch does (with a placeholder per
// value, parse and plan time grew with the batch and dominated the write; BENCHMARKS.md).
// The transaction runs on the raw driver (db.transaction), reads go through Prisma.
import { randomUUID } from "node:crypto";
import type { Message } from "../events.js";
import type { Database, TxQuery } from "../lib/db.js";
import type { AppError } from "../lib/errors.js";
import { MESSAGE_COLUMNS, MESSAGE_FROM, toAttachment, toMessage, type AttachmentUrl, type MessageRow } from "./messages.mapper.js";
import { responseMarks } from "./response-marks.js";
import { planBatch, sendKey, type AttachmentInfo, type LockedConversation, type SendRequest } from "./seq.js";

/** `woke`: this visitor message ended its conversation's snooze (src/lifecycle). */
export type SendOutcome =
  | { ok: true; message: Message; duplicate: boolean; woke?: boolean }
  | { ok: false; error: AppError };

// Insert the new rows and advance last_seq in one statement (the CTE always runs); the
// first visitor message and the first agent reply after it are marked for the reports
// ($14, $15, src/reports), and a visitor's message ends its conversation's snooze ($16,
// src/lifecycle).
const WRITE_SQL = `WITH ins AS (
    INSERT INTO message (id, conversation_id, seq, sender_type, sender_id, sender_name, client_msg_id,
      type, body, attachment_id, created_at)
    SELECT u.*, $11::timestamptz FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[],
      $6::text[], $7::text[], $8::text[], $9::text[], $10::text[]) AS u)
  UPDATE conversation c SET last_seq = v.seq, updated_at = $11::timestamptz,
    first_visitor_at = CASE WHEN v.visitor THEN COALESCE(c.first_visitor_at, $11::timestamptz) ELSE c.first_visitor_at END,
    first_response_at = CASE WHEN v.responded THEN COALESCE(c.first_response_at, $11::timestamptz) ELSE c.first_response_at END,
    snoozed_at = CASE WHEN c.id = ANY($16::text[]) THEN NULL ELSE c.snoozed_at END,
    snooze_until = CASE WHEN c.id = ANY($16::text[]) THEN NULL ELSE c.snooze_until END
  FROM unnest($12::text[], $13::int[], $14::bool[], $15::bool[]) AS v(id, seq, visitor, responded) WHERE c.id = v.id`;

/** A sync's read ($1 conversation, $2 after seq, $3 limit): an ordered scan of the
 *  (conversation_id, seq) index once the planner has statistics (src/maintenance). */
export const MESSAGES_AFTER_SQL = `SELECT ${MESSAGE_COLUMNS} FROM ${MESSAGE_FROM} WHERE m.conversation_id = $1 AND m.seq > $2::int
  ORDER BY m.seq LIMIT $3::int`;

/** `attachmentUrl`: how the messages read or written here link their attachments. */
export function createMessagesRepository(db: Database, attachmentUrl: AttachmentUrl) {
  const prisma = db.prisma;
  const toMessages = (rows: MessageRow[]) => rows.map((r) => toMessage(r, attachmentUrl));
  async function lockConversations(q: TxQuery, ids: string[]) {
    const rows = await q<{ id: string; visitor_id: string; agent_id: string | null; status: string; last_seq: number; had_visitor: boolean; snoozed: boolean }>(
      `SELECT id, visitor_id, agent_id, status, last_seq, first_visitor_at IS NOT NULL AS had_visitor, snoozed_at IS NOT NULL AS snoozed
       FROM conversation WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE`,
      [ids],
    );
    const hadVisitor = new Set(rows.filter((r) => r.had_visitor).map((r) => r.id));
    const convs = new Map<string, LockedConversation>(
      rows.map((r) => [
        r.id,
        { id: r.id, visitorId: r.visitor_id, agentId: r.agent_id, status: r.status, lastSeq: Number(r.last_seq) },
      ]),
    );
    return { convs, hadVisitor, snoozed: new Set(rows.filter((r) => r.snoozed).map((r) => r.id)) };
  }

  async function storedDuplicates(q: TxQuery, reqs: SendRequest[]) {
    const keys = [...new Map(reqs.map((r) => [sendKey(r), r])).values()];
    const rows = await q<MessageRow>(
      `SELECT ${MESSAGE_COLUMNS} FROM ${MESSAGE_FROM}
       JOIN unnest($1::text[], $2::text[], $3::text[]) AS k(t, s, c)
         ON m.sender_type = k.t AND m.sender_id = k.s AND m.client_msg_id = k.c`,
      [keys.map((r) => r.sender.type), keys.map((r) => r.sender.id), keys.map((r) => r.clientMsgId)],
    );
    return new Map(rows.map((r) => [`${r.sender_type}\u0000${r.sender_id}\u0000${r.client_msg_id}`, toMessage(r, attachmentUrl)]));
  }

  async function attachmentsOf(q: TxQuery, reqs: SendRequest[]) {
    const ids = [...new Set(reqs.map((r) => r.attachmentId).filter((x): x is string => !!x))];
    const out = new Map<string, AttachmentInfo & { name: string; size: number; mime: string }>();
    if (!ids.length) return out;
    const rows = await q<{ id: string; owner_type: string; owner_id: string; name: string; size: number; mime: string }>(
      "SELECT id, owner_type, owner_id, name, size, mime FROM attachment WHERE id = ANY($1::text[])",
      [ids],
    );
    for (const r of rows) out.set(r.id, { ownerType: r.owner_type, ownerId: r.owner_id, name: r.name, size: r.size, mime: r.mime });
    return out;
  }

  /** Stores a batch in one transaction. Throws only if the transaction itself fails. */
  async function writeBatch(reqs: SendRequest[]): Promise<SendOutcome[]> {
    return db.transaction(async (q) => {
      const { convs, hadVisitor, snoozed } = await lockConversations(q, [...new Set(reqs.map((r) => r.conversationId))].sort());
      const stored = await storedDuplicates(q, reqs);
      const atts = await attachmentsOf(q, reqs);
      const { decisions, lastSeq } = planBatch(reqs, convs, new Set(stored.keys()), atts);
      const now = new Date();
      const created: (Message | null)[] = decisions.map((d, i) => {
        if (d.kind !== "new") return null;
        const r = reqs[i];
        const a = r.attachmentId ? atts.get(r.attachmentId) : undefined;
        return {
          id: randomUUID(),
          conversationId: r.conversationId,
          seq: d.seq,
          clientMsgId: r.clientMsgId,
          sender: { type: r.sender.type, id: r.sender.id, name: r.sender.name },
          type: r.type as Message["type"],
          body: r.body,
          ...(a ? { attachment: toAttachment({ id: r.attachmentId!, ...a }, attachmentUrl) } : {}),
          createdAt: now.toISOString(),
        };
      });
      const fresh = created.filter((m): m is Message => m !== null);
      const woken = new Set(fresh.filter((m) => m.sender.type === "visitor" && snoozed.has(m.conversationId)).map((m) => m.conversationId));
      if (fresh.length) {
        const col = <T>(f: (m: Message) => T) => fresh.map(f);
        const seqs = [...lastSeq.entries()];
        const marks = responseMarks(fresh.map((m) => ({ conversationId: m.conversationId, senderType: m.sender.type })), hadVisitor);
        await q(WRITE_SQL, [
          col((m) => m.id), col((m) => m.conversationId), col((m) => m.seq), col((m) => m.sender.type),
          col((m) => m.sender.id), col((m) => m.sender.name), col((m) => m.clientMsgId), col((m) => m.type),
          col((m) => m.body), col((m) => m.attachment?.id ?? null), now.toISOString(),
          seqs.map(([id]) => id), seqs.map(([, seq]) => seq),
          seqs.map(([id]) => marks.get(id)?.visitor ?? false), seqs.map(([id]) => marks.get(id)?.responded ?? false),
          [...woken],
        ]);
      }
      return decisions.map((d, i): SendOutcome => {
        switch (d.kind) {
          case "new": {
            const m = created[i]!;
            const woke = m.sender.type === "visitor" && woken.delete(m.conversationId); // once per conversation
            return { ok: true, message: m, duplicate: false, ...(woke ? { woke } : {}) };
          }
          case "duplicate-stored":
            return { ok: true, message: stored.get(d.key)!, duplicate: true };
          case "duplicate-in-batch":
            return { ok: true, message: created[d.index]!, duplicate: true };
          case "refused":
            return { ok: false, error: d.error };
        }
      });
    });
  }

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
         SELECT ${MESSAGE_COLUMNS} FROM ${MESSAGE_FROM} WHERE m.conversation_id = c.id
         ORDER BY m.seq DESC LIMIT $3::int) m
       WHERE c.id = ANY($1::text[]) AND c.updated_at >= $2::timestamptz AND m.created_at >= $2::timestamptz
       ORDER BY m.conversation_id, m.seq`,
      conversationIds, since.toISOString(), perConversation,
    );
    return toMessages(rows);
  }

  return { writeBatch, messagesAfter, latestMessages, storedSince };
}
export type MessagesRepository = ReturnType<typeof createMessagesRepository>;
