// Who performs an action, as every service authorises it: a visitor or an agent (with
// the agent's role), as established by the socket handshake or the HTTP credentials.
// An API key (src/integrations) acts as an agent whose role is "integration": a named
// integration with agent rights on every conversation, and no admin rights.
export interface Actor {
  type: "visitor" | "agent";
  id: string;
  name: string;
  role?: "admin" | "agent" | "integration";
}

/** Admins and integrations may act on every conversation; an agent on its own and the queue. */
export const actsOnAll = (actor: Pick<Actor, "role">) => actor.role === "admin" || actor.role === "integration";
