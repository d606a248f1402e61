// What the console shows besides the socket's live events: the team with presence and
// load (for transfer and the status bar), the conversation lists on page load, and
// the visitor panel with connection health.
import type { AccountsRepository, AgentRow } from "../accounts/accounts.repository.js";
import type { ConversationsRepository } from "../conversations/conversations.repository.js";
import type { ConversationViews } from "../conversations/conversation.views.js";
import { forbidden, notFound } from "../lib/errors.js";
import type { PresenceStore } from "../presence/presence.types.js";
import type { ConsoleRepository } from "./console.repository.js";

export type ListScope = "mine" | "waiting" | "all";

/** visitor.meta as stored by POST /api/visitor/session; anything else is dropped. */
function metaOf(raw: unknown) {
  const m = (raw && typeof raw === "object" ? raw : {}) as Record<string, unknown>;
  const s = (k: string) => (typeof m[k] === "string" ? (m[k] as string) : null);
  return {
    pageUrl: s("pageUrl"), pageTitle: s("pageTitle"), referrer: s("referrer"), language: s("language"), timezone: s("timezone"), userAgent: s("userAgent"),
  };
}

export function createConsoleService(d: {
  repo: ConsoleRepository;
  accounts: AccountsRepository;
  conversations: ConversationsRepository;
  views: Pick<ConversationViews, "views">;
  presence: PresenceStore;
}) {
  return {
    async team() {
      const agents = (await d.accounts.listAgents()).filter((a) => a.active);
      const [presence, statuses, loads] = await Promise.all([
        d.presence.presenceMany(agents.map((a) => ({ type: "agent" as const, id: a.id }))),
        Promise.all(agents.map((a) => d.presence.agentStatus(a.id))),
        d.conversations.openLoads(agents.map((a) => a.id)),
      ]);
      return agents.map((a, i) => ({
        id: a.id,
        name: a.name,
        role: a.role === "admin" ? "admin" : "agent",
        presence: presence[i],
        status: statuses[i],
        load: loads.get(a.id) ?? 0,
        maxConcurrent: a.maxConcurrent,
      }));
    },

    /** A list with each conversation's unread count as the server knows it (the agent
     * side's read position); the console refines it live. */
    async list(me: AgentRow, scope: ListScope) {
      if (scope === "all" && me.role !== "admin") throw forbidden("admins only");
      const rows =
        scope === "mine" ? await d.conversations.forAgent(me.id)
        : scope === "waiting" ? await d.conversations.waiting(200)
        : await d.conversations.active();
      const views = await d.views.views(rows);
      return views.map((c, i) => ({ ...c, unread: Math.max(0, c.lastSeq - Number(rows[i].agent_read_seq)) }));
    },

    async visitor(me: AgentRow, visitorId: string) {
      const v = await d.repo.visitor(visitorId);
      if (!v) throw notFound("visitor not found");
      if (me.role !== "admin" && !(await d.repo.agentMaySee(me.id, visitorId))) throw forbidden("not your visitor");
      const [health, lastMessageAt, conversations, history] = await Promise.all([
        d.presence.health({ type: "visitor", id: visitorId }),
        d.repo.lastVisitorMessageAt(visitorId),
        d.repo.visitorConversations(visitorId),
        d.conversations.forVisitor(visitorId).then((rows) => d.views.views(rows)),
      ]);
      const seen = [v.lastSeenAt.getTime(), health.lastTrafficAt ?? 0, lastMessageAt?.getTime() ?? 0];
      return {
        visitor: {
          id: v.id,
          name: v.name,
          email: v.email,
          ...metaOf(v.meta),
          // The embedding site's user id, for a visitor verified with IDENTITY_SECRET.
          userId: v.externalUserId ?? null,
          firstSeenAt: v.createdAt.toISOString(),
          lastSeenAt: new Date(Math.max(...seen)).toISOString(),
          conversations: conversations.map((c) => ({ ...c, createdAt: c.createdAt.toISOString() })),
        },
        health,
        /** The same conversations as views (an addition): the panel opens an earlier one
         *  read-only (`sync` lets the agent serving this visitor read them). */
        history,
      };
    },
  };
}
export type ConsoleService = ReturnType<typeof createConsoleService>;
