// Server-to-client fan-out. Messages go to every socket in the conversation's rooms of
// both namespaces, each emitted with an ack and re-emitted every DELIVERY_RETRY_MS while
// that socket stays connected and has not acked (a few times; the client's `sync` covers
// the rest). Each node delivers to its own sockets: the writer's node tells the others
// with serverSideEmit, which the Redis adapter carries.
import type { Namespace, Server } from "socket.io";
import type { Conversation, InterServerEvents, Message, ServerToClientEvents } from "../events.js";
import type { AppSocket } from "../lib/socket.js";

const MAX_ATTEMPTS = 4;

export type Io = Server<Record<string, never>, ServerToClientEvents, InterServerEvents>;
export const convRoom = (id: string) => `conversation:${id}`;
export const agentRoom = (id: string) => `agent:${id}`;
export const visitorRoom = (id: string) => `visitor:${id}`;
export const AGENTS = "agents";
export const ADMINS = "admins";

export function createDelivery(io: Io, retryMs: number, clustered: boolean) {
  const visitors = io.of("/visitor") as unknown as Namespace;
  const agents = io.of("/agent") as unknown as Namespace;
  // pending: emits whose ack or timeout has not come back yet (each holds a timer).
  const stats = { emitted: 0, retried: 0, gaveUp: 0, pending: 0 };

  function sendTo(socket: AppSocket, m: Message, attempt: number) {
    stats.emitted++;
    stats.pending++;
    socket.timeout(retryMs).emit("message", m, (err: unknown) => {
      stats.pending--;
      if (!err || !socket.connected) return;
      if (attempt + 1 >= MAX_ATTEMPTS) return void stats.gaveUp++;
      stats.retried++;
      sendTo(socket, m, attempt + 1);
    });
  }

  /** Delivers to this node's sockets only: O(sockets in the room). */
  function deliverLocal(m: Message, exceptSocketId: string | null) {
    for (const nsp of [visitors, agents]) {
      const ids = nsp.adapter.rooms.get(convRoom(m.conversationId));
      if (!ids) continue;
      for (const sid of ids) {
        if (sid === exceptSocketId) continue;
        const socket = nsp.sockets.get(sid) as AppSocket | undefined;
        if (socket) sendTo(socket, m, 0);
      }
    }
  }

  // Another node wrote a message: deliver it to the sockets held here.
  agents.on("deliver" as never, ((m: Message, except: string | null) => deliverLocal(m, except)) as never);

  return {
    stats,
    deliver(m: Message, exceptSocketId: string | null) {
      deliverLocal(m, exceptSocketId);
      // The in-memory adapter has no other nodes (and warns on serverSideEmit).
      if (clustered) agents.serverSideEmit("deliver" as never, m as never, exceptSocketId as never);
    },
    toConversation<E extends keyof ServerToClientEvents>(
      cid: string,
      event: E,
      payload: Parameters<ServerToClientEvents[E]>[0],
      opts: { only?: "visitor" | "agent"; volatile?: boolean } = {},
    ) {
      for (const nsp of [visitors, agents]) {
        if (opts.only && nsp !== (opts.only === "visitor" ? visitors : agents)) continue;
        const target = nsp.to(convRoom(cid));
        (opts.volatile ? target.volatile : target).emit(event, payload as never);
      }
    },
    /** The `conversation` event goes to the agents who should see it: the assignee,
     * admins, and for a waiting one every agent (it is their queue). */
    conversationChanged(c: Conversation) {
      let target = agents.to(ADMINS).to(convRoom(c.id));
      if (c.agent) target = target.to(agentRoom(c.agent.id));
      if (c.status === "waiting") target = target.to(AGENTS);
      target.emit("conversation", c);
    },
    // This node's sockets at once, then the other nodes': the Redis adapter applies a
    // cluster-wide join only when its pub/sub request comes back (here too), and a message
    // delivered meanwhile (the "joined" system message) would miss the new owner.
    joinConversation(kind: "visitor" | "agent", ownerId: string, cid: string) {
      const nsp = kind === "visitor" ? visitors : agents;
      const owner = kind === "visitor" ? visitorRoom(ownerId) : agentRoom(ownerId);
      nsp.local.in(owner).socketsJoin(convRoom(cid));
      if (clustered) nsp.in(owner).socketsJoin(convRoom(cid));
    },
    leaveConversation(agentId: string, cid: string) {
      agents.local.in(agentRoom(agentId)).socketsLeave(convRoom(cid));
      if (clustered) agents.in(agentRoom(agentId)).socketsLeave(convRoom(cid));
    },
    /** A resolved conversation: every agent socket (assignee, admins who followed it) leaves
     *  its room, or a console open all day would keep one room per conversation it saw.
     *  Call after the last message and announcement; those went out through the room. */
    conversationEnded(cid: string) {
      (clustered ? agents : agents.local).in(convRoom(cid)).socketsLeave(convRoom(cid));
    },
    visitors,
    agents,
  };
}
export type Delivery = ReturnType<typeof createDelivery>;
