// The email module's small reads and writes outside the outbox: unsubscribes and the
// agents' opt-in to waiting-conversation notices.
import type { Prisma } from "../lib/db.js";

export function createEmailRepository(prisma: Prisma) {
  return {
    visitorExists: async (id: string) => (await prisma.visitor.count({ where: { id } })) > 0,
    /** Idempotent: a second click changes nothing. */
    unsubscribe: async (visitorId: string) => {
      await prisma.$executeRawUnsafe(
        `INSERT INTO email_unsubscribe (visitor_id) SELECT id FROM visitor WHERE id = $1 ON CONFLICT (visitor_id) DO NOTHING`, visitorId);
    },
    unsubscribedCount: () => prisma.emailUnsubscribe.count(),
    agents: () => prisma.agent.findMany({ select: { id: true, name: true, email: true, active: true, notifyEmail: true }, orderBy: { email: "asc" } }),
    /** Exactly these agents are opted in afterwards. */
    setNotified: async (ids: string[]) => {
      await prisma.$transaction([
        prisma.agent.updateMany({ where: { id: { in: ids } }, data: { notifyEmail: true } }),
        prisma.agent.updateMany({ where: { id: { notIn: ids } }, data: { notifyEmail: false } }),
      ]);
    },
  };
}
export type EmailRepository = ReturnType<typeof createEmailRepository>;
