// Attachment rows, and who may download one with a credential (rather than a signed
// link): its uploader, or a reader of a conversation that holds it, by the same rules as
// `sync` (a visitor: their own conversations; an agent: admins, the assigned agent, and
// any agent while it waits in the queue).
import type { Prisma } from "../lib/db.js";

export interface AttachmentRow {
  id: string;
  ownerType: string;
  ownerId: string;
  name: string;
  size: number;
  mime: string;
  path: string;
}

export function createUploadsRepository(prisma: Prisma) {
  const holds = async (sql: string, ...params: unknown[]) => (await prisma.$queryRawUnsafe<unknown[]>(sql, ...params)).length > 0;
  return {
    create: (row: AttachmentRow) => prisma.attachment.create({ data: row }),
    byId: (id: string): Promise<AttachmentRow | null> => prisma.attachment.findUnique({ where: { id } }),

    visitorMayRead: (a: AttachmentRow, visitorId: string) =>
      (a.ownerType === "visitor" && a.ownerId === visitorId) ||
      holds(
        `SELECT 1 FROM message m JOIN conversation c ON c.id = m.conversation_id
         WHERE m.attachment_id = $1 AND c.visitor_id = $2 LIMIT 1`,
        a.id, visitorId,
      ),

    agentMayRead: (a: AttachmentRow, agent: { id: string; role: string }) =>
      agent.role === "admin" ||
      (a.ownerType === "agent" && a.ownerId === agent.id) ||
      holds(
        `SELECT 1 FROM message m JOIN conversation c ON c.id = m.conversation_id
         WHERE m.attachment_id = $1 AND (c.agent_id = $2 OR c.status = 'waiting') LIMIT 1`,
        a.id, agent.id,
      ),
  };
}
export type UploadsRepository = ReturnType<typeof createUploadsRepository>;
