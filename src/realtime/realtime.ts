// The real-time gateway: every emit to a namespace and every room change goes through
// here, so other modules say what happened ("this conversation changed", "deliver this
// message", "this agent is signed out") and never touch Socket.IO or a room name.
// With the Redis adapter, `to(...)` emits and room changes reach every node.
import type { Conversation, Message, PresencePayload, ReceiptPayload, TypingPayload, VisitorContextPayload } from "../events.js";
import { createDelivery, type FanoutObserver } from "./delivery.js";
import { ADMINS, AGENTS, conversationRoom, conversationsIn, participantRoom, sessionRoom, tokenRoom } from "./rooms.js";
import type { AppServer, AppSocket, ParticipantKind } from "./types.js";

export function createRealtime(io: AppServer, opts: { retryMs: number; clustered: boolean; observeFanout?: FanoutObserver }) {
  const visitors = io.of("/visitor");
  const agents = io.of("/agent");
  const nsp = (kind: ParticipantKind) => (kind === "visitor" ? visitors : agents);
  const delivery = createDelivery(visitors, agents, { retryMs: opts.retryMs, clustered: opts.clustered, observe: opts.observeFanout });
  // Room changes on this node's sockets apply at once; the Redis adapter applies the
  // cluster-wide ones only when its pub/sub request comes back (here too), and a message
  // delivered meanwhile (the "joined" system message) would miss the new owner.
  const everywhere = (kind: ParticipantKind) => (opts.clustered ? [nsp(kind).local, nsp(kind)] : [nsp(kind).local]);

  return {
    /** Delivery counters (emitted, retried, gave up, pending acks). */
    stats: delivery.stats,
    deliver: delivery.deliver,

    /** Read receipts go to both sides of the conversation. */
    receipt(p: ReceiptPayload) {
      for (const n of [visitors, agents]) n.to(conversationRoom(p.conversationId)).emit("receipt", p);
    },
    /** Typing reaches the other side only, volatile (a lost one is replaced by the next). */
    typing(p: TypingPayload, to: ParticipantKind) {
      nsp(to).to(conversationRoom(p.conversationId)).volatile.emit("typing", p);
    },
    /** One side's presence to the other side of a conversation. */
    presence(p: PresencePayload & { conversationId: string }, to: ParticipantKind) {
      nsp(to).to(conversationRoom(p.conversationId)).emit("presence", p);
    },
    /** A visitor's new context, to the agents following their conversations. */
    visitorContext(p: VisitorContextPayload) {
      agents.to(p.conversationIds.map(conversationRoom)).emit("visitor:context", p);
    },
    /** Every device of one agent. */
    toAgent(agentId: string, c: Conversation) {
      agents.to(participantRoom("agent", agentId)).emit("conversation", c);
    },
    /** The `conversation` event goes to the agents who should see it: the assignee,
     * admins, and for a waiting one every agent (it is their queue). */
    conversationChanged(c: Conversation) {
      let target = agents.to(ADMINS).to(conversationRoom(c.id));
      if (c.agent) target = target.to(participantRoom("agent", c.agent.id));
      if (c.status === "waiting") target = target.to(AGENTS);
      target.emit("conversation", c);
    },

    /** Every device of the participant follows the conversation(s) from now on (one room
     *  change, however many conversations). */
    joinConversation(kind: ParticipantKind, ownerId: string, cid: string | string[]) {
      const rooms = typeof cid === "string" ? conversationRoom(cid) : cid.map(conversationRoom);
      for (const n of everywhere(kind)) n.in(participantRoom(kind, ownerId)).socketsJoin(rooms);
    },
    /** The conversations have their owner: every other agent socket that followed them
     *  (it read them while they waited) leaves, on every node; the owner's devices and
     *  admins stay. Call after the announcement, which went out through the room. */
    ownerOnly(ownerId: string, cids: string[]) {
      if (!cids.length) return;
      const rooms = cids.map(conversationRoom);
      for (const n of everywhere("agent")) n.in(rooms).except([participantRoom("agent", ownerId), ADMINS]).socketsLeave(rooms);
    },
    leaveConversation(agentId: string, cid: string) {
      for (const n of everywhere("agent")) n.in(participantRoom("agent", agentId)).socketsLeave(conversationRoom(cid));
    },
    /** A resolved conversation: every agent socket (assignee, admins who followed it) leaves
     *  its room, or a console open all day would keep one room per conversation it saw.
     *  Call after the last message and announcement; those went out through the room. */
    conversationEnded(cid: string) {
      (opts.clustered ? agents : agents.local).in(conversationRoom(cid)).socketsLeave(conversationRoom(cid));
    },

    /** One socket follows a conversation (an agent reading a live one). */
    follow(socket: AppSocket, cid: string) {
      if (!socket.rooms.has(conversationRoom(cid))) socket.join(conversationRoom(cid));
    },
    /** The conversations a socket follows (typing is authorised by this, no database). */
    following: (socket: AppSocket) => conversationsIn(socket.rooms),

    /** Every socket of the agent, on every node, is closed (deactivated, password reset,
     *  role changed: a console reconnects by itself and is judged anew), except those of
     *  one console session (an admin who changed their own password stays in). */
    disconnectAgent(agentId: string, exceptSid?: string) {
      const all = agents.in(participantRoom("agent", agentId));
      (exceptSid ? all.except(sessionRoom(exceptSid)) : all).disconnectSockets(true);
    },
    /** The console sockets opened with one cookie session (logout). */
    disconnectSession(sid: string) {
      agents.in(sessionRoom(sid)).disconnectSockets(true);
    },
    /** The sockets opened with these agent tokens (revoked). */
    disconnectTokens(tokenIds: string[]) {
      if (tokenIds.length) agents.in(tokenIds.map(tokenRoom)).disconnectSockets(true);
    },

    /** The conversations some socket on this node follows (a recovery walks them). */
    localConversations(): string[] {
      const ids = new Set<string>();
      for (const n of [visitors, agents]) for (const id of conversationsIn(n.adapter.rooms.keys())) ids.add(id);
      return [...ids];
    },
    /** To this node's followers only: a message they may have missed (clients dedupe by id). */
    redeliverLocal: (m: Message) => delivery.deliverLocal(m, null),

    /** Sockets connected to this node. */
    socketCounts: () => ({ visitor: visitors.sockets.size, agent: agents.sockets.size }),
    /** Distinct participants connected across the cluster (fetchSockets goes through the
     *  adapter), at most `max`: the health dashboard's sample. */
    async connected(kind: ParticipantKind, max: number) {
      const byId = new Map<string, string>();
      for (const s of await nsp(kind).fetchSockets()) if (s.data?.id) byId.set(s.data.id, s.data.name);
      return [...byId].slice(0, max).map(([id, name]) => ({ id, name }));
    },
  };
}
export type Realtime = ReturnType<typeof createRealtime>;
