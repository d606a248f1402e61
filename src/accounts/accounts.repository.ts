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
  createdAt: Date;
}

export function createAccountsRepository(prisma: Prisma) {
  return {
    countAgents: () => prisma.agent.count(),
    agentById: (id: string): Promise<AgentRow | null> => prisma.agent.findUnique({ where: { id } }),
    agentByEmail: (email: string): Promise<AgentRow | null> =>
      prisma.agent.findUnique({ where: { email: email.toLowerCase() } }),
    listAgents: (): Promise<AgentRow[]> => prisma.agent.findMany({ orderBy: { createdAt: "asc" } }),
    /** The active ones among these ids (assignment's candidates). */
    activeAgents: (ids: string[]): Promise<AgentRow[]> => prisma.agent.findMany({ where: { id: { in: ids }, active: true } }),
    createAgent: (a: Omit<AgentRow, "createdAt" | "lastAssignedAt" | "active">): Promise<AgentRow> =>
      prisma.agent.create({ data: { ...a, email: a.email.toLowerCase() } }),
    updateAgent: (id: string, data: Partial<Pick<AgentRow, "name" | "role" | "maxConcurrent" | "active" | "passwordHash">>) =>
      prisma.agent.update({ where: { id }, data }),
    createVisitor: (v: { id: string; name?: string; email?: string; meta?: object }) =>
      prisma.visitor.create({ data: { id: v.id, name: v.name, email: v.email, meta: v.meta ?? {} } }),
    visitorById: (id: string) => prisma.visitor.findUnique({ where: { id } }),
    touchVisitor: (id: string, meta?: object) =>
      prisma.visitor.update({ where: { id }, data: { lastSeenAt: new Date(), ...(meta ? { meta } : {}) } }),
  };
}
export type AccountsRepository = ReturnType<typeof createAccountsRepository>;
