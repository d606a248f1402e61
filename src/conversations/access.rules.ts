// Which agent may read a conversation (its messages with `sync`, its private notes): its
// agent, any agent while it waits (the queue is everyone's), admins and API keys. Visitors never
// through this rule (their own conversation is theirs: conversations.service `readable`).
// The one copy of the rule: conversations.service asks it, notes ask conversations.service.
import { actsOnAll, type Actor } from "../accounts/actor.js";

export function agentMayRead(actor: Actor, c: { agent_id: string | null; status: string }): boolean {
  if (actor.type !== "agent") return false;
  // Admins and integrations (API keys) act on every conversation.
  return actsOnAll(actor) || c.agent_id === actor.id || c.status === "waiting";
}
