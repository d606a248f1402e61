// Read-only queries behind the console's JSON endpoints.
import type { Prisma } from "../lib/db.js";
import type { ConversationRow } from "../conversations/conversations.repository.js";

const SELECT = `SELECT c.id, c.status, c.visitor_id, v.name AS visitor_name, c.agent_id, a.name AS agent_name,
  c.last_seq, c.visitor_read_seq, c.agent_read_seq, c.created_at, c.updated_at
  FROM conversation c JOIN visitor v ON v.id = c.visitor_id LEFT JOIN agent a ON a.id = c.agent_id`;

export function createConsoleRepository(prisma: Prisma) {
  return {
    /** Every waiting or open conversation (the admins' "All" list), newest activity first. */
    active: (limit = 300) =>
      prisma.$queryRawUnsafe<ConversationRow[]>(
        `${SELECT} WHERE c.status IN ('waiting', 'open') ORDER BY c.updated_at DESC LIMIT $1::int`,
        limit,
      ),

    /** Open conversations per agent: the load shown next to capacity. */
    async loads(): Promise<Map<string, number>> {
      const rows = await prisma.conversation.groupBy({ by: ["agentId"], where: { status: "open" }, _count: { _all: true } });
      return new Map(rows.filter((r) => r.agentId).map((r) => [r.agentId!, r._count._all]));
    },

    /** Whether an agent may look at a visitor: the visitor has a conversation that is
     * assigned to that agent or waiting for anyone (what `sync` lets them read). */
    async agentMaySee(agentId: string, visitorId: string): Promise<boolean> {
      const n = await prisma.conversation.count({
        where: { visitorId, OR: [{ agentId, status: "open" }, { status: "waiting" }] },
      });
      return n > 0;
    },

    visitor: (id: string) => prisma.visitor.findUnique({ where: { id } }),

    /** The visitor's conversations, newest first (the panel shows how often they came). */
    visitorConversations: (visitorId: string) =>
      prisma.conversation.findMany({
        where: { visitorId },
        orderBy: { createdAt: "desc" },
        take: 20,
        select: { id: true, status: true, createdAt: true, lastSeq: true },
      }),

    lastVisitorMessageAt: async (visitorId: string): Promise<Date | null> => {
      const rows = await prisma.$queryRawUnsafe<{ at: Date | null }[]>(
        `SELECT max(m.created_at) AS at FROM message m JOIN conversation c ON c.id = m.conversation_id
         WHERE c.visitor_id = $1 AND m.sender_type = 'visitor'`,
        visitorId,
      );
      return rows[0]?.at ? new Date(rows[0].at) : null;
    },
  };
}
export type ConsoleRepository = ReturnType<typeof createConsoleRepository>;
