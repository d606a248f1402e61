// Who may read and write a conversation's private notes: the agents who may read the
// conversation itself (the same rule as `sync` for agents): its agent, any agent while it
// waits (the queue is everyone's), and admins. Visitors never: notes are not messages.
import type { Actor } from "../accounts/actor.js";

export function mayAnnotate(actor: Actor, c: { agent_id: string | null; status: string }): boolean {
  if (actor.type !== "agent") return false;
  return actor.role === "admin" || c.agent_id === actor.id || c.status === "waiting";
}
