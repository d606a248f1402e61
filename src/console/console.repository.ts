// Read-only queries behind the console's JSON endpoints.
import type { Prisma } from "../lib/db.js";

export function createConsoleRepository(prisma: Prisma) {
  return {
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
        select: { id: true, status: true, createdAt: true, lastSeq: true, csatRating: true, csatComment: true },
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
