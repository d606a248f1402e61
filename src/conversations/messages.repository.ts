// The message write path in SQL: one transaction for a whole batch of sends, a fixed
// number of statements whatever its size (lock conversations, find stored duplicates,
// insert all new rows, advance every conversation's last_seq). The row lock on each
// conversation serialises writers across processes, which keeps seq gapless.
import { randomUUID } from "node:crypto";
import type { Message } from "../events.js";
import type { Prisma } from "../lib/db.js";
import { MESSAGE_COLUMNS, MESSAGE_FROM, toAttachment, toMessage, type MessageRow } from "./messages.mapper.js";
import { planBatch, sendKey, type AttachmentInfo, type LockedConversation, type SendRequest } from "./seq.js";

export type SendOutcome =
  | { ok: true; message: Message; duplicate: boolean }
  | { ok: false; code: string; message: string };

type Tx = Pick<Prisma, "$queryRawUnsafe" | "$executeRawUnsafe">;

const placeholders = (rows: number, cols: number, casts: string[] = []) =>
  Array.from({ length: rows }, (_, r) =>
    `(${Array.from({ length: cols }, (_, c) => `$${r * cols + c + 1}${casts[c] ?? ""}`).join(", ")})`,
  ).join(", ");

export function createMessagesRepository(prisma: Prisma) {
  async function lockConversations(tx: Tx, ids: string[]) {
    const rows = await tx.$queryRawUnsafe<
      { id: string; visitor_id: string; agent_id: string | null; status: string; last_seq: number }[]
    >(
      `SELECT id, visitor_id, agent_id, status, last_seq FROM conversation
       WHERE id IN (${ids.map((_, i) => `$${i + 1}`).join(", ")}) ORDER BY id FOR UPDATE`,
      ...ids,
    );
    return new Map<string, LockedConversation>(
      rows.map((r) => [
        r.id,
        { id: r.id, visitorId: r.visitor_id, agentId: r.agent_id, status: r.status, lastSeq: Number(r.last_seq) },
      ]),
    );
  }

  async function storedDuplicates(tx: Tx, reqs: SendRequest[]) {
    const keys = [...new Map(reqs.map((r) => [sendKey(r), r])).values()];
    const params = keys.flatMap((r) => [r.sender.type, r.sender.id, r.clientMsgId]);
    const rows = await tx.$queryRawUnsafe<MessageRow[]>(
      `SELECT ${MESSAGE_COLUMNS} FROM ${MESSAGE_FROM}
       WHERE (m.sender_type, m.sender_id, m.client_msg_id) IN (${placeholders(keys.length, 3)})`,
      ...params,
    );
    return new Map(rows.map((r) => [`${r.sender_type}\u0000${r.sender_id}\u0000${r.client_msg_id}`, toMessage(r)]));
  }

  async function attachmentsOf(tx: Tx, reqs: SendRequest[]) {
    const ids = [...new Set(reqs.map((r) => r.attachmentId).filter((x): x is string => !!x))];
    const out = new Map<string, AttachmentInfo & { name: string; size: number; mime: string }>();
    if (!ids.length) return out;
    const rows = await tx.$queryRawUnsafe<
      { id: string; owner_type: string; owner_id: string; name: string; size: number; mime: string }[]
    >(`SELECT id, owner_type, owner_id, name, size, mime FROM attachment WHERE id IN (${ids.map((_, i) => `$${i + 1}`).join(", ")})`, ...ids);
    for (const r of rows) out.set(r.id, { ownerType: r.owner_type, ownerId: r.owner_id, name: r.name, size: r.size, mime: r.mime });
    return out;
  }

  /** Stores a batch in one transaction. Throws only if the transaction itself fails. */
  async function writeBatch(reqs: SendRequest[]): Promise<SendOutcome[]> {
    return prisma.$transaction(
      async (tx) => {
        const convs = await lockConversations(tx, [...new Set(reqs.map((r) => r.conversationId))].sort());
        const stored = await storedDuplicates(tx, reqs);
        const atts = await attachmentsOf(tx, reqs);
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
            ...(a ? { attachment: toAttachment(r.attachmentId!, a.name, a.size, a.mime) } : {}),
            createdAt: now.toISOString(),
          };
        });
        const fresh = created.filter((m): m is Message => m !== null);
        if (fresh.length) {
          const casts = ["", "", "::int", "", "", "", "", "", "", "", "::timestamptz"];
          await tx.$executeRawUnsafe(
            `INSERT INTO message (id, conversation_id, seq, sender_type, sender_id, sender_name, client_msg_id,
               type, body, attachment_id, created_at) VALUES ${placeholders(fresh.length, 11, casts)}`,
            ...fresh.flatMap((m) => [
              m.id, m.conversationId, m.seq, m.sender.type, m.sender.id, m.sender.name, m.clientMsgId,
              m.type, m.body, m.attachment?.id ?? null, now.toISOString(),
            ]),
          );
          const seqs = [...lastSeq.entries()];
          await tx.$executeRawUnsafe(
            `UPDATE conversation c SET last_seq = v.seq, updated_at = $${seqs.length * 2 + 1}::timestamptz
             FROM (VALUES ${placeholders(seqs.length, 2, ["", "::int"])}) AS v(id, seq) WHERE c.id = v.id`,
            ...seqs.flat(),
            now.toISOString(),
          );
        }
        return decisions.map((d, i): SendOutcome => {
          switch (d.kind) {
            case "new":
              return { ok: true, message: created[i]!, duplicate: false };
            case "duplicate-stored":
              return { ok: true, message: stored.get(d.key)!, duplicate: true };
            case "duplicate-in-batch":
              return { ok: true, message: created[d.index]!, duplicate: true };
            default:
              return { ok: false, code: d.code, message: d.message };
          }
        });
      },
      { maxWait: 10_000, timeout: 20_000 },
    );
  }

  async function messagesAfter(conversationId: string, afterSeq: number, limit: number): Promise<Message[]> {
    const rows = await prisma.$queryRawUnsafe<MessageRow[]>(
      `SELECT ${MESSAGE_COLUMNS} FROM ${MESSAGE_FROM} WHERE m.conversation_id = $1 AND m.seq > $2::int
       ORDER BY m.seq LIMIT $3::int`,
      conversationId, afterSeq, limit,
    );
    return rows.map(toMessage);
  }

  async function latestMessages(conversationId: string, limit: number): Promise<Message[]> {
    const rows = await prisma.$queryRawUnsafe<MessageRow[]>(
      `SELECT * FROM (SELECT ${MESSAGE_COLUMNS} FROM ${MESSAGE_FROM} WHERE m.conversation_id = $1
       ORDER BY m.seq DESC LIMIT $2::int) t ORDER BY seq`,
      conversationId, limit,
    );
    return rows.map(toMessage);
  }

  return { writeBatch, messagesAfter, latestMessages };
}
export type MessagesRepository = ReturnType<typeof createMessagesRepository>;
