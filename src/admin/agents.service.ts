// Team management by an admin. Guards keep the install manageable: nobody removes their
// own admin role or deactivates themselves, so there is always an admin who can log in.
import { hash } from "@node-rs/argon2";
import type { AccountsService } from "../accounts/accounts.service.js";
import type { PrismaSessionStore } from "../accounts/session-store.js";
import type { AssignmentService } from "../assignment/assignment.service.js";
import type { ConversationsRepository } from "../conversations/conversations.repository.js";
import { conflict, notFound } from "../lib/errors.js";
import type { PresenceStore } from "../presence/presence.types.js";
import type { Realtime } from "../realtime/realtime.js";

export function createAdminAgentsService(d: {
  accounts: AccountsService;
  sessions: PrismaSessionStore;
  assignment: Pick<AssignmentService, "assignWaiting" | "agentGone">;
  realtime: Pick<Realtime, "disconnectAgent">;
  presence: PresenceStore;
  conversations: Pick<ConversationsRepository, "openLoads">;
}) {
  const repo = d.accounts.repo;
  async function existing(id: string) {
    const a = await repo.agentById(id);
    if (!a) throw notFound("agent not found");
    return a;
  }
  /** Ends every way the agent is signed in: cookie sessions and open sockets. */
  async function signOut(id: string, exceptSid?: string) {
    await d.sessions.destroyForAgent(id, exceptSid);
    if (!exceptSid) d.realtime.disconnectAgent(id);
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

    async update(meId: string, id: string, p: { name: string; role: "admin" | "agent"; maxConcurrent: number }) {
      const a = await existing(id);
      if (id === meId && p.role !== "admin") throw conflict("you cannot remove your own admin role");
      await repo.updateAgent(a.id, p);
      // A higher capacity may let the queue move.
      void d.assignment.assignWaiting();
    },

    async setActive(meId: string, id: string, active: boolean) {
      const a = await existing(id);
      if (id === meId && !active) throw conflict("you cannot deactivate yourself");
      if (a.active === active) return;
      await repo.updateAgent(id, { active });
      if (!active) {
        await signOut(id);
        await d.assignment.agentGone(id); // their open conversations go back to the queue
      }
    },

    async resetPassword(meId: string, meSid: string, id: string, password: string) {
      await existing(id);
      await repo.updateAgent(id, { passwordHash: await hash(password) });
      // Whoever knew the old password is out; the admin resetting their own stays in.
      await signOut(id, id === meId ? meSid : undefined);
    },
  };
}
export type AdminAgentsService = ReturnType<typeof createAdminAgentsService>;
