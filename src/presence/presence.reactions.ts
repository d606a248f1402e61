// What a presence change means for others: visitors' changes go to the agents of their
// conversation (`presence` + `conversation`), agents' changes to their visitors; `left`
// frees slots (visitor: the conversation stays, out of the agent's load, until they come
// back, src/lifecycle) or requeues conversations (agent), and an agent going offline
// requeues what they never saw (assignment/requeue.rules.ts). Runs on the one node that
// observed the change (the store guarantees once per change cluster-wide).
import type { AssignmentService } from "../assignment/assignment.service.js";
import type { ConversationViews } from "../conversations/conversation.views.js";
import type { ConversationsRepository } from "../conversations/conversations.repository.js";
import type { LifecycleService } from "../lifecycle/lifecycle.service.js";
import type { Logger } from "../lib/logger.js";
import type { Realtime } from "../realtime/realtime.js";
import type { PresenceChange, PresenceStore } from "./presence.types.js";

export function reactToPresence(d: {
  presence: Pick<PresenceStore, "onChange" | "health">;
  conversations: Pick<ConversationsRepository, "activeForVisitor" | "forAgent">;
  views: Pick<ConversationViews, "view">;
  assignment: Pick<AssignmentService, "agentGone" | "agentOffline" | "assignWaiting">;
  lifecycle: Pick<LifecycleService, "visitorLeft" | "visitorReturned">;
  realtime: Pick<Realtime, "presence" | "conversationChanged">;
  log: Logger;
}) {
  async function handle(c: PresenceChange) {
    const { participant: p, presence: state, rttMs } = c;
    const payload = { participant: p, presence: state, ...(rttMs != null ? { rttMs } : {}) };
    if (p.type === "visitor") {
      const row = await d.conversations.activeForVisitor(p.id);
      if (row) {
        d.realtime.presence({ conversationId: row.id, ...payload }, "agent");
        d.realtime.conversationChanged(await d.views.view(row));
      }
      if (state === "left") await d.lifecycle.visitorLeft(p.id);
      else if (row?.visitor_left_at && (state === "online" || state === "unstable")) await d.lifecycle.visitorReturned(p.id);
    } else {
      for (const row of await d.conversations.forAgent(p.id)) {
        d.realtime.presence({ conversationId: row.id, ...payload }, "visitor");
      }
      if (state === "left") await d.assignment.agentGone(p.id);
      else if (state === "online" && c.previous !== "unstable") void d.assignment.assignWaiting();
      else if (state === "offline") await agentOffline(p.id);
    }
  }

  /** Read now, not at the change: an agent who is back meanwhile keeps everything. */
  async function agentOffline(agentId: string) {
    const now = await d.presence.health({ type: "agent", id: agentId });
    if (now.presence === "offline") await d.assignment.agentOffline(agentId, now.lastTrafficAt);
  }

  d.presence.onChange((c) => {
    handle(c).catch((err) => d.log.error("presence reaction failed", { err, participant: c.participant }));
  });
}
