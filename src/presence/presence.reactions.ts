// What a presence change means for others: visitors' changes go to the agents of their
// conversation (`presence` + `conversation`), agents' changes to their visitors; `left`
// frees slots (visitor) or requeues conversations (agent). Runs on the one node that
// observed the change (the store guarantees once per change cluster-wide).
import type { Deps } from "../services.js";
import { convRoom } from "../conversations/delivery.js";
import type { PresenceChange } from "./presence.types.js";

export function reactToPresence(d: Deps) {
  const { presence, delivery, repos, log } = d;

  async function handle(c: PresenceChange) {
    const { participant: p, presence: state, rttMs } = c;
    const payload = { participant: p, presence: state, ...(rttMs != null ? { rttMs } : {}) };
    if (p.type === "visitor") {
      const row = await repos.conversations.activeForVisitor(p.id);
      if (row) {
        delivery.agents.to(convRoom(row.id)).emit("presence", { conversationId: row.id, ...payload });
        delivery.conversationChanged(await d.conversations.view(row));
      }
      if (state === "left") await d.assignment.visitorLeft(p.id);
    } else {
      for (const row of await repos.conversations.forAgent(p.id)) {
        delivery.visitors.to(convRoom(row.id)).emit("presence", { conversationId: row.id, ...payload });
      }
      if (state === "left") await d.assignment.agentGone(p.id);
      else if (state === "online" && c.previous !== "unstable") void d.assignment.assignWaiting();
    }
  }

  presence.onChange((c) => {
    handle(c).catch((err) => log.error("presence reaction failed", { err, participant: c.participant }));
  });
}
