import type { Prisma } from "../lib/db.js";

export interface AgentRow {
  id: string;
  email: string;
  name: string;
  passwordHash: string;
  role: string;
  maxConcurrent: number;
  active: boolean;
  lastAssignedAt: Date | null;
  /** The generated first password is still the one (web-auth.ts sends them to change it). */
  mustChangePassword: boolean;
  /** Answers chats (assignment/assignable.ts); null: not chosen yet, as false. */
  takesChats: boolean | null;
  createdAt: Date;
  /** The language the agent chose for the console and admin (src/i18n); null: the browser's. */
  locale?: string | null;
}

const count = (p: Promise<{ count: number }>) => p.then((r) => r.count);

export function createAccountsRepository(prisma: Prisma) {
  return {
    countAgents: () => prisma.agent.count(),
    agentById: (id: string): Promise<AgentRow | null> => prisma.agent.findUnique({ where: { id } }),
    agentByEmail: (email: string): Promise<AgentRow | null> =>
      prisma.agent.findUnique({ where: { email: email.toLowerCase() } }),
    listAgents: (): Promise<AgentRow[]> => prisma.agent.findMany({ orderBy: { createdAt: "asc" } }),
    /** The active ones among these ids (assignment's candidates). */
    activeAgents: (ids: string[]): Promise<AgentRow[]> => prisma.agent.findMany({ where: { id: { in: ids }, active: true } }),
    createAgent: (a: Omit<AgentRow, "createdAt" | "lastAssignedAt" | "active" | "mustChangePassword" | "takesChats"> & { mustChangePassword?: boolean; takesChats?: boolean | null }): Promise<AgentRow> =>
      prisma.agent.create({ data: { ...a, email: a.email.toLowerCase() } }),
    updateAgent: (id: string, data: Partial<Pick<AgentRow, "name" | "role" | "maxConcurrent" | "active" | "passwordHash" | "mustChangePassword" | "takesChats">>) =>
      prisma.agent.update({ where: { id }, data }),
    /** The active ones among these ids who take chats (assignment/assignable.ts). */
    takingChats: async (ids: string[]): Promise<string[]> =>
      (await prisma.agent.findMany({ where: { id: { in: ids }, active: true, takesChats: true }, select: { id: true } })).map((a) => a.id),
    // Agent tokens (tokens.ts): a row per token that may still be used.
    /** Stores a token only while its agent is active with the password just checked (and
     *  its console session, if any, still exists). One statement that share-locks those
     *  rows: a deactivation, password change or logout either commits first (no token) or
     *  waits for this insert and then revokes it, so no token outlives them. */
    async createToken(t: { id: string; agent: Pick<AgentRow, "id" | "passwordHash">; sessionSid?: string; expiresAt: Date }): Promise<boolean> {
      const sid = t.sessionSid ?? null;
      const inserted = await prisma.$executeRaw`
        INSERT INTO agent_token (id, agent_id, session_sid, expires_at)
        SELECT ${t.id}, a.id, ${sid}::text, ${t.expiresAt}::timestamptz FROM agent a
        WHERE a.id = ${t.agent.id} AND a.active AND a.password_hash = ${t.agent.passwordHash}
          AND (${sid}::text IS NULL OR EXISTS (SELECT 1 FROM session s WHERE s.sid = ${sid}::text FOR SHARE))
        FOR SHARE OF a`;
      return inserted === 1;
    },
    /** The active agent holding this unexpired token, in one statement: the token's
     *  primary key, then the agent's (the hot path of every bearer request and handshake). */
    agentByToken: (tokenId: string, now: Date): Promise<AgentRow | null> =>
      prisma.agent.findFirst({ where: { active: true, tokens: { some: { id: tokenId, expiresAt: { gt: now } } } } }),
    /** How many tokens were deleted. */
    deleteToken: (id: string) => count(prisma.agentToken.deleteMany({ where: { id } })),
    deleteAgentTokens: (agentId: string) => count(prisma.agentToken.deleteMany({ where: { agentId } })),
    /** The ids of the deleted tokens (their sockets are to be closed). */
    async deleteSessionTokens(sessionSid: string): Promise<string[]> {
      const rows = await prisma.agentToken.findMany({ where: { sessionSid }, select: { id: true } });
      await prisma.agentToken.deleteMany({ where: { sessionSid } });
      return rows.map((r) => r.id);
    },
    deleteExpiredTokens: (now: Date) => count(prisma.agentToken.deleteMany({ where: { expiresAt: { lte: now } } })),
    createVisitor: (v: { id: string; name?: string; email?: string; meta?: object }) =>
      prisma.visitor.create({ data: { id: v.id, name: v.name, email: v.email, meta: v.meta ?? {} } }),
    visitorById: (id: string) => prisma.visitor.findUnique({ where: { id } }),
    touchVisitor: (id: string, meta?: object) =>
      prisma.visitor.update({ where: { id }, data: { lastSeenAt: new Date(), ...(meta ? { meta } : {}) } }),
  };
}
export type AccountsRepository = ReturnType<typeof createAccountsRepository>;
