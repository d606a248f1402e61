// Conversation search and full transcripts for the admin pages.
import type { Prisma } from "../lib/db.js";
import type { Message } from "../events.js";
import { MESSAGE_COLUMNS, MESSAGE_FROM, toMessage, type AttachmentUrl, type MessageRow } from "../conversations/messages.mapper.js";

export interface SearchRow {
  id: string;
  status: string;
  visitor_id: string;
  visitor_name: string | null;
  visitor_email: string | null;
  agent_name: string | null;
  last_seq: number;
  created_at: Date;
  updated_at: Date;
  /** Its labels' names, by name (src/labels). */
  labels: { name: string; colour: string }[];
}

/** ILIKE treats % and _ as wildcards; a search for "50%" means those characters. */
const likePattern = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
const TRANSCRIPT_MAX = 20_000;

export function createAdminRepository(prisma: Prisma, attachmentUrl: AttachmentUrl) {
  return {
    /** By visitor name, email or any message's text; newest activity first. A
     * sequential scan of message bodies: fine for a support team's history; a pg_trgm
     * index on message.body is the next step when it is not. */
    search(q: string, status: string, label = "", limit = 50): Promise<SearchRow[]> {
      const params: unknown[] = [limit];
      const where: string[] = [];
      if (q) {
        params.push(likePattern(q));
        const p = `$${params.length}`;
        where.push(`(v.name ILIKE ${p} OR v.email ILIKE ${p} OR c.id = $${params.push(q)}
          OR EXISTS (SELECT 1 FROM message m WHERE m.conversation_id = c.id AND m.body ILIKE ${p}))`);
      }
      if (status) where.push(`c.status = $${params.push(status)}`);
      if (label) where.push(`EXISTS (SELECT 1 FROM conversation_label cl WHERE cl.conversation_id = c.id AND cl.label_id = $${params.push(label)})`);
      return prisma.$queryRawUnsafe<SearchRow[]>(
        `SELECT c.id, c.status, c.visitor_id, v.name AS visitor_name, v.email AS visitor_email, a.name AS agent_name,
           c.last_seq, c.created_at, c.updated_at,
           (SELECT coalesce(json_agg(json_build_object('name', l.name, 'colour', l.colour) ORDER BY lower(l.name)), '[]'::json)
              FROM conversation_label cl JOIN label l ON l.id = cl.label_id WHERE cl.conversation_id = c.id) AS labels
         FROM conversation c JOIN visitor v ON v.id = c.visitor_id LEFT JOIN agent a ON a.id = c.agent_id
         ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
         ORDER BY c.updated_at DESC LIMIT $1::int`,
        ...params,
      );
    },

    conversation: (id: string) =>
      prisma.conversation.findUnique({
        where: { id },
        include: { visitor: true, agent: { select: { id: true, name: true, email: true } } },
      }),

    async messages(conversationId: string): Promise<Message[]> {
      const rows = await prisma.$queryRawUnsafe<MessageRow[]>(
        `SELECT ${MESSAGE_COLUMNS} FROM ${MESSAGE_FROM} WHERE m.conversation_id = $1 ORDER BY m.seq LIMIT $2::int`,
        conversationId,
        TRANSCRIPT_MAX,
      );
      return rows.map((r) => toMessage(r, attachmentUrl));
    },
  };
}
export type AdminRepository = ReturnType<typeof createAdminRepository>;
