// Read-only queries behind the console's JSON endpoints.
import type { Prisma } from "../lib/db.js";

/** SQL: the agent (`agent`, a parameter) serves the visitor (`visitor`, a column): the
 *  visitor has a conversation open with them or waiting for anyone. */
export const servesVisitorSql = (agent: string, visitor: string) =>
  `EXISTS (SELECT 1 FROM conversation s WHERE s.visitor_id = ${visitor}
    AND ((s.agent_id = ${agent} AND s.status = 'open') OR s.status = 'waiting'))`;

/** SQL: the agent took part in conversation `c`: it is (or was last) assigned to them, or
 *  they wrote in it (a transferred one). */
export const tookPartSql = (agent: string, c = "c") =>
  `(${c}.agent_id = ${agent} OR EXISTS (SELECT 1 FROM message p WHERE p.conversation_id = ${c}.id
    AND p.sender_type = 'agent' AND p.sender_id = ${agent}))`;

/** SQL: what a (non-admin) agent may read of conversation `c`, the rule `sync` applies:
 *  theirs, the queue, and a resolved one they took part in or of a visitor they serve
 *  now (the panel's history). The console search filters by it. */
export const agentMayReadSql = (agent: string, c = "c") =>
  `(${c}.agent_id = ${agent} OR ${c}.status = 'waiting' OR (${c}.status = 'resolved'
    AND (${tookPartSql(agent, c)} OR ${servesVisitorSql(agent, `${c}.visitor_id`)})))`;

export function createConsoleRepository(prisma: Prisma) {
  return {
    /** Whether an agent may look at a visitor: the visitor has a conversation that is
     * assigned to that agent or waiting for anyone (what `sync` lets them read). */
    async agentMaySee(agentId: string, visitorId: string): Promise<boolean> {
      const rows = await prisma.$queryRawUnsafe<{ ok: boolean }[]>(`SELECT ${servesVisitorSql("$1", "$2")} AS ok`, agentId, visitorId);
      return !!rows[0]?.ok;
    },

    /** Whether an agent took part in a conversation (a resolved one is then theirs to read). */
    async tookPart(agentId: string, conversationId: string): Promise<boolean> {
      const rows = await prisma.$queryRawUnsafe<{ ok: boolean }[]>(
        `SELECT ${tookPartSql("$1")} AS ok FROM conversation c WHERE c.id = $2`, agentId, conversationId);
      return !!rows[0]?.ok;
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
