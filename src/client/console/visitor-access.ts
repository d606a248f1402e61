// Whose visitor details the console may ask for: the server's rule (GET /api/visitors/:id,
// console.repo agentMaySee) mirrored here so the panel never asks for what it would be
// refused. A refused fetch is a console error in every browser, and it came after each
// transfer (the panel kept polling a visitor who was no longer this agent's).
import type { Conversation } from "../../events.js";

export function mayReadVisitor(c: Pick<Conversation, "status" | "agent"> | undefined, me: { id: string; role: string }): boolean {
  if (!c) return false;
  if (me.role === "admin") return true;
  return c.status === "waiting" || (c.status === "open" && c.agent?.id === me.id);
}
