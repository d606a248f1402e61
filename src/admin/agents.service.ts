// Team management by an admin, for the admin forms and PATCH /api/agents/:id alike.
// Guards keep the install manageable: nobody removes their own admin role or deactivates
// themselves, so there is always an admin who can log in. Access ends when it should: a
// new password or a deactivation revokes every token and session of the agent and closes
// its sockets on every node; a role change closes its sockets, which reconnect (the
// console does so by itself) with the new role, so no socket keeps rights it lost.
import { hash } from "@node-rs/argon2";
import { publicAgent, type AccountsService, type PublicAgent } from "../accounts/accounts.service.js";
import type { PrismaSessionStore } from "../accounts/session-store.js";
import type { AssignmentService } from "../assignment/assignment.service.js";
import type { ConversationsRepository } from "../conversations/conversations.repository.js";
import { conflict, notFound } from "../lib/errors.js";
import type { PresenceStore } from "../presence/presence.types.js";
import type { Realtime } from "../realtime/realtime.js";

export interface AgentChanges {
  name?: string;
  role?: "admin" | "agent";
  maxConcurrent?: number;
  active?: boolean;
  password?: string;
  takesChats?: boolean;
}
/** Who makes the change: their agent id, and their console session when by a form. */
export interface Changer {
  id: string;
  sid?: string;
}

export function createAdminAgentsService(d: {
  accounts: AccountsService;
  sessions: PrismaSessionStore;
  assignment: Pick<AssignmentService, "assignWaiting" | "agentGone">;
  realtime: Pick<Realtime, "disconnectAgent">;
  presence: PresenceStore;
  conversations: Pick<ConversationsRepository, "openLoads">;
}) {
  const repo = d.accounts.repo;

  /** Ends every way the agent is signed in: tokens, cookie sessions, open sockets; all
   *  but one console session, if given (an admin who changed their own password). */
  async function signOut(id: string, keepSid?: string) {
    await d.accounts.revokeAgentTokens(id);
    await d.sessions.destroyForAgent(id, keepSid);
    d.realtime.disconnectAgent(id, keepSid);
  }

  return {
    /** Every agent, inactive ones too, with presence and load for the table. */
    async list() {
      const agents = await repo.listAgents();
      const [presence, loads] = await Promise.all([
        d.presence.presenceMany(agents.map((a) => ({ type: "agent" as const, id: a.id }))),
        d.conversations.openLoads(agents.map((a) => a.id)),
      ]);
      return agents.map((a, i) => ({ ...a, presence: a.active ? presence[i] : "left", load: loads.get(a.id) ?? 0 }));
    },
    create: (input: Parameters<AccountsService["createAgent"]>[0]) => d.accounts.createAgent(input),

    async update(by: Changer, id: string, c: AgentChanges): Promise<PublicAgent> {
      const before = await repo.agentById(id);
      if (!before) throw notFound("agent not found");
      if (id === by.id && c.role === "agent") throw conflict("you cannot remove your own admin role");
      if (id === by.id && c.active === false) throw conflict("you cannot deactivate yourself");
      const { password, ...fields } = c;
      // A new password replaces a generated first one too (web-auth.ts stops sending them to change it).
      const after = await repo.updateAgent(id, { ...fields, ...(password !== undefined ? { passwordHash: await hash(password), mustChangePassword: false } : {}) });

      if (password !== undefined || c.active === false) {
        // Whoever knew the old password is out; the admin resetting their own stays in.
        await signOut(id, id === by.id ? by.sid : undefined);
      } else if (c.role !== undefined && c.role !== before.role) {
        d.realtime.disconnectAgent(id);
      }
      if (c.active === false && before.active) await d.assignment.agentGone(id); // their open conversations go back to the queue
      // A higher capacity, or an agent back, may let the queue move.
      if (c.maxConcurrent !== undefined || c.active || c.takesChats) void d.assignment.assignWaiting();
      return publicAgent(after);
    },
  };
}
export type AdminAgentsService = ReturnType<typeof createAdminAgentsService>;
