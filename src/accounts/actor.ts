// Who performs an action, as every service authorises it: a visitor or an agent (with
// the agent's role), as established by the socket handshake or the HTTP credentials.
export interface Actor {
  type: "visitor" | "agent";
  id: string;
  name: string;
  role?: "admin" | "agent";
}
