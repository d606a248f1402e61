// Which of an agent's open conversations go back to the queue the moment the agent goes
// offline, instead of RELEASE_AFTER_MS later (when all of them do).
//
// The rule: those they never saw, i.e. assigned at or after the agent's last traffic. Any
// packet from any of the agent's devices is traffic (an event, a transport pong, the
// delivery ack of a message), and the assignment's "joined" message is delivered to the
// agent's devices with an ack; so a device that was working when the conversation arrived
// answered something after it, and an agent with no traffic since has shown no sign of
// having it. That is the agent whose only socket sat on a node that died before the death
// was noticed (kill -9: up to the store's nodeTtlMs), or whose link stalled before
// OFFLINE_AFTER_MS ran out: without this the visitor waits RELEASE_AFTER_MS for nobody.
//
// What the agent did see stays theirs until RELEASE_AFTER_MS, as before: a person may be
// back in a minute. And an agent whose client reconnects to another node within seconds
// (the usual failover through the load balancer) never goes offline at all, because the
// new socket registers before the dead node's sockets stop counting: they keep everything.
// A conversation with no recorded assignment time (assigned before it was recorded) is
// kept too: the safe side is the behaviour before this rule.

/** The rows among `rows` that the agent never saw, given their last traffic (ms; null:
 *  never any). `assigned_at` as the database answers it (a Date, or a string). */
export function unseenAssignments<T extends { assigned_at: Date | string | null }>(rows: readonly T[], lastTrafficAt: number | null): T[] {
  return rows.filter((r) => r.assigned_at !== null && (lastTrafficAt === null || new Date(r.assigned_at).getTime() >= lastTrafficAt));
}
