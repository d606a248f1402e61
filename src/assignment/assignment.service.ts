// Who handles which conversation. The database decides (conditional UPDATEs), so
// concurrent claims and auto-assignment on several nodes never give a conversation to
// two agents; this service writes the system messages and announces. Automatic
// assignment works the queue in bulk (assignment.queue.ts).
import { randomUUID } from "node:crypto";
import type { AccountsRepository } from "../accounts/accounts.repository.js";
import { actsOnAll, type Actor } from "../accounts/actor.js";
import type { ConversationViews } from "../conversations/conversation.views.js";
import type { ConversationRow, ConversationsRepository } from "../conversations/conversations.repository.js";
import type { MessageWriter } from "../conversations/message-writer.js";
import { AppError, conflict, forbidden, notFound } from "../lib/errors.js";
import type { Logger } from "../lib/logger.js";
import type { PresenceStore } from "../presence/presence.types.js";
import type { Realtime } from "../realtime/realtime.js";
import { unseenAssignments } from "./requeue.rules.js";
import type { AssignmentRepository, Claimed } from "./assignment.repository.js";
import { createAssignmentQueue } from "./assignment.queue.js";
import { systemText } from "./system-messages.js";

export interface AssignmentDeps {
  conversations: ConversationsRepository;
  claims: AssignmentRepository;
  accounts: Pick<AccountsRepository, "agentById" | "activeAgents" | "updateAgent">;
  views: Pick<ConversationViews, "view" | "views">;
  writer: MessageWriter;
  realtime: Pick<Realtime, "deliver" | "conversationChanged" | "toAgent" | "joinConversation" | "leaveConversation" | "conversationEnded" | "ownerOnly">;
  presence: Pick<PresenceStore, "availableAgents">;
  log: Logger;
  /** Business hours (hours/): closed, new conversations wait in the queue. */
  isOpen?: () => boolean;
  /** The admin's offline message, the text of the "no agent" line (empty: the stock one). */
  offlineMessage?: () => Promise<string>;
}

export function createAssignmentService(d: AssignmentDeps) {
  async function system(conversationId: string, key: Parameters<typeof systemText>[0], name = "") {
    const out = await d.writer
      .write({
        conversationId,
        sender: { type: "system", id: "system", name: "Holdfast" },
        clientMsgId: `sys-${randomUUID()}`,
        type: "system",
        body: systemText(key, name),
      })
      // Only a conversation that vanished refuses a system line: nothing to announce.
      .catch((err: unknown) => {
        if (err instanceof AppError && err.code === "NOT_FOUND") return null;
        throw err;
      });
    if (out) d.realtime.deliver(out.message, null);
  }

  async function announceAll(conversationIds: string[]) {
    const rows = await d.conversations.byIds(conversationIds);
    for (const c of await d.views.views(rows)) d.realtime.conversationChanged(c);
  }
  const announce = (conversationId: string) => announceAll([conversationId]);

  function byOwner(claimed: Claimed[]) {
    const byAgent = new Map<string, string[]>();
    for (const c of claimed) {
      if (!byAgent.has(c.agentId)) byAgent.set(c.agentId, []);
      byAgent.get(c.agentId)!.push(c.conversationId);
    }
    return byAgent;
  }
  /** New owners follow their conversations: one room change per agent, before anything
   *  of theirs is delivered. */
  function follow(claimed: Claimed[]) {
    for (const [agentId, cids] of byOwner(claimed)) d.realtime.joinConversation("agent", agentId, cids);
  }
  /** The system lines, written together (the writer batches them), then the announcements.
   *  The assignments stand whatever befalls their lines: announced anyway, logged once. */
  async function tell(claimed: Claimed[], key: "assigned" | "transferred") {
    const written = await Promise.allSettled(claimed.map((c) => system(c.conversationId, key, c.agentName)));
    const failed = written.filter((w) => w.status === "rejected");
    if (failed.length) d.log.error("system messages not written", { count: failed.length, err: failed[0].reason });
    await announceAll(claimed.map((c) => c.conversationId));
    // Agents who read them in the queue may no longer: their sockets leave the rooms.
    for (const [agentId, cids] of byOwner(claimed)) d.realtime.ownerOnly(agentId, cids);
  }
  async function onAssigned(conversationId: string, agentId: string, key: "assigned" | "transferred") {
    const agent = await d.accounts.agentById(agentId);
    const claimed = [{ conversationId, agentId, agentName: agent?.name ?? "An agent" }];
    follow(claimed);
    await tell(claimed, key);
  }

  const queue = createAssignmentQueue({
    ...d,
    follow,
    tell: (claimed) => tell(claimed, "assigned").catch((err: unknown) => d.log.error("assignment not announced", { err })),
  });
  const { assignWaiting } = queue;

  /** Back to the queue, each with a system line; the caller runs the queue. */
  async function requeue(agentId: string, rows: ConversationRow[]) {
    for (const row of rows) {
      if (!(await d.conversations.setStatus(row.id, "waiting", { agentId }))) continue;
      d.realtime.leaveConversation(agentId, row.id);
      await system(row.id, "requeued", row.agent_name ?? "");
      await announce(row.id);
    }
  }

  /** After a conversation was set resolved: its system line (a seq), the announcement to
   *  agents, the rooms let go, and the freed slot to the queue. */
  async function ended(conversationId: string, key: "resolved" | "auto-resolved", name = "") {
    await system(conversationId, key, name);
    await announce(conversationId);
    d.realtime.conversationEnded(conversationId);
    void assignWaiting();
  }

  async function owned(actor: Actor, conversationId: string) {
    const row = await d.conversations.byId(conversationId);
    if (!row) throw notFound("conversation not found");
    if (row.agent_id !== actor.id && !actsOnAll(actor)) throw forbidden("not your conversation");
    if (row.status === "resolved") throw conflict("conversation is resolved");
    return row;
  }

  return {
    assignWaiting,
    /** The conversation, if the actor may manage it (owner or admin, not resolved). */
    owned,
    announce,
    /** The queue is also worked every `ms`, so it never strands: a run that failed (the
     *  database or Redis was down) or an event this node never heard is made up for. One
     *  indexed read per node per period while nothing waits. */
    startSweep(ms: number) {
      const timer = setInterval(() => void assignWaiting(), ms);
      timer.unref();
      return () => clearInterval(timer);
    },
    /** A visitor's first message is stored: assign now, or tell the visitor to wait, in
     *  the admin's own words. */
    async conversationCreated(conversationId: string) {
      if (await queue.assigns(conversationId)) return;
      const row = await d.conversations.byId(conversationId);
      if (row?.status === "waiting") await system(conversationId, "no-agent", (await d.offlineMessage?.()) ?? "");
    },
    /** Whether the agent answers chats (assignable.ts); taking them on may move the queue. */
    async setTakesChats(agentId: string, takesChats: boolean) {
      await d.accounts.updateAgent(agentId, { takesChats });
      if (takesChats) void assignWaiting();
    },
    async claim(actor: Actor, conversationId: string) {
      // An integration has no agent row to hold a conversation: it hands it over instead.
      if (actor.role === "integration") throw forbidden("an API key cannot hold a conversation: transfer it to an agent");
      const row = await d.conversations.byId(conversationId);
      if (!row) throw notFound("conversation not found");
      if (row.agent_id === actor.id && row.status === "open") return d.views.view(row);
      if (row.status !== "waiting") throw conflict(row.status === "open" ? "another agent has it" : "conversation is resolved");
      const ok = await d.conversations.assign(conversationId, actor.id, { status: "waiting", agentId: null }, false);
      if (!ok) {
        // The queue may have given it to this very agent meanwhile (it just came online):
        // that is the claim's outcome too, not a conflict.
        const now = await d.conversations.byId(conversationId);
        if (now?.agent_id === actor.id && now.status === "open") return d.views.view(now);
        throw conflict("another agent has it");
      }
      await onAssigned(conversationId, actor.id, "assigned");
      return d.views.view((await d.conversations.byId(conversationId))!);
    },
    async transfer(actor: Actor, conversationId: string, toAgentId: string) {
      const row = await owned(actor, conversationId);
      const to = await d.accounts.agentById(toAgentId);
      if (!to || !to.active) throw notFound("agent not found");
      if (to.id === row.agent_id) return d.views.view(row);
      const ok = await d.conversations.assign(conversationId, to.id, { status: row.status, agentId: row.agent_id }, false);
      if (!ok) throw conflict("the conversation changed meanwhile");
      if (row.agent_id) d.realtime.leaveConversation(row.agent_id, conversationId);
      await onAssigned(conversationId, to.id, "transferred");
      const view = await d.views.view((await d.conversations.byId(conversationId))!);
      if (row.agent_id) d.realtime.toAgent(row.agent_id, view);
      void assignWaiting(); // the giver's slot is free: the queue may move
      return view;
    },
    async resolve(actor: Actor, conversationId: string) {
      const row = await owned(actor, conversationId);
      if (!(await d.conversations.setStatus(conversationId, "resolved", { agentId: row.agent_id })))
        throw conflict("the conversation changed meanwhile");
      await ended(conversationId, "resolved", actor.name);
      return d.views.view((await d.conversations.byId(conversationId))!);
    },
    /** Conversations already set resolved by AUTO_RESOLVE_AFTER_MS (src/lifecycle): what a
     *  resolve does after its update, each with the "auto-resolved" line. Never rejects. */
    async autoResolved(conversationIds: string[]) {
      const done = await Promise.allSettled(conversationIds.map((id) => ended(id, "auto-resolved")));
      const failed = done.filter((x) => x.status === "rejected");
      if (failed.length) d.log.error("auto-resolve not announced", { count: failed.length, err: failed[0].reason });
    },
    /** The agent is gone RELEASE_AFTER_MS: their open conversations go back to the queue. */
    async agentGone(agentId: string) {
      await requeue(agentId, await d.conversations.forAgent(agentId));
      void assignWaiting();
    },
    /** The agent went offline: what they never saw is requeued now (why: requeue.rules.ts). */
    async agentOffline(agentId: string, lastTrafficAt: number | null) {
      const unseen = unseenAssignments(await d.conversations.forAgent(agentId), lastTrafficAt);
      if (!unseen.length) return;
      await requeue(agentId, unseen);
      void assignWaiting();
    },
  };
}
export type AssignmentService = ReturnType<typeof createAssignmentService>;
