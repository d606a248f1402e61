// The real-time gateway: every emit to a namespace and every room change goes through
// here, so other modules say what happened ("this conversation changed", "deliver this
// message", "this agent is signed out") and never touch Socket.IO or a room name.
// With the Redis adapter, `to(...)` emits and room changes reach every node; per-conversation
// traffic (messages, receipts, typing, presence) goes only to the nodes that hold a socket
// of the conversation, on its own channel (room-channels.ts).
import type { Redis } from "ioredis";
import type { Conversation, Message, Note, PresencePayload, ReceiptPayload, TypingPayload, VisitorContextPayload } from "../events.js";
import { createDelivery, type FanoutObserver } from "./delivery.js";
import { createRecentJoins } from "./recent-joins.js";
import { createRoomChannels, type RoomEvent } from "./room-channels.js";
import { ADMINS, AGENTS, conversationRoom, conversationsIn, participantRoom, sessionRoom, tokenRoom } from "./rooms.js";
import type { AppNamespace, AppServer, AppSocket, ParticipantKind } from "./types.js";

/** Clustered: the adapter's Redis connections (the channels share its subscriber). */
export interface ClusterLinks {
  pub: Redis;
  sub: Redis;
  prefix: string;
  onError?: (err: unknown) => void;
}

export function createRealtime(io: AppServer, opts: { retryMs: number; clustered: boolean; observeFanout?: FanoutObserver; cluster?: ClusterLinks }) {
  const visitors = io.of("/visitor");
  const agents = io.of("/agent");
  const nsp = (kind: ParticipantKind) => (kind === "visitor" ? visitors : agents);
  const room = conversationRoom;
  // Per-conversation events reach this node's sockets at once, and the other nodes that
  // follow the room on its channel; just after this node joined sockets to it elsewhere,
  // through the adapter to every node, in order with the join (recent-joins.ts).
  const emitTo = (n: AppNamespace, cid: string, everywhere: boolean) => (everywhere ? n : n.local).to(room(cid));
  const c = opts.cluster;
  const recent = c && createRecentJoins();
  const wide = (cid: string) => !!recent?.has(cid);
  const local = {
    receipt: (p: ReceiptPayload, all = false) => { for (const n of [visitors, agents]) emitTo(n, p.conversationId, all).emit("receipt", p); },
    typing: (p: TypingPayload, to: ParticipantKind, all = false) => emitTo(nsp(to), p.conversationId, all).volatile.emit("typing", p),
    presence: (p: PresencePayload & { conversationId: string }, to: ParticipantKind, all = false) => emitTo(nsp(to), p.conversationId, all).emit("presence", p),
  };
  const fromOthers = (e: RoomEvent) => {
    if (e.k === "message") delivery.deliverLocal(e.m, e.except);
    else if (e.k === "receipt") local.receipt(e.p);
    else if (e.k === "typing") local.typing(e.p, e.to);
    else local.presence(e.p, e.to);
  };
  const channels = c && createRoomChannels({ pub: c.pub, sub: c.sub, prefix: c.prefix, visitors, agents, onEvent: fromOthers, onError: c.onError });
  /** Answers whether the event went through the adapter instead (to every node). */
  const publish = (cid: string, e: RoomEvent) => {
    if (wide(cid)) return true;
    channels?.publish(cid, e);
    return false;
  };
  const delivery = createDelivery(visitors, agents, {
    retryMs: opts.retryMs, observe: opts.observeFanout, broadcast: wide,
    publish: channels && ((m, except) => channels.publish(m.conversationId, { k: "message", m, except })),
  });
  // Room changes on this node's sockets apply at once; the Redis adapter applies the
  // cluster-wide ones only when its pub/sub request comes back (here too), and a message
  // delivered meanwhile (the "joined" system message) would miss the new owner.
  const everywhere = (kind: ParticipantKind) => (opts.clustered ? [nsp(kind).local, nsp(kind)] : [nsp(kind).local]);

  return {
    /** Delivery counters (emitted, retried, gave up, pending acks). */
    stats: delivery.stats,
    /** Cluster fan-out counters: events published, received from other nodes (only for
     *  conversations this node holds a socket of), own echoes dropped, channels. */
    fanout: channels && recent ? { channels: channels.stats, recentJoins: recent.size } : undefined,
    deliver: delivery.deliver,

    /** Read receipts go to both sides of the conversation. */
    receipt(p: ReceiptPayload) {
      local.receipt(p, publish(p.conversationId, { k: "receipt", p }));
    },
    /** Typing reaches the other side only, volatile (a lost one is replaced by the next). */
    typing(p: TypingPayload, to: ParticipantKind) {
      local.typing(p, to, publish(p.conversationId, { k: "typing", p, to }));
    },
    /** One side's presence to the other side of a conversation. */
    presence(p: PresencePayload & { conversationId: string }, to: ParticipantKind) {
      local.presence(p, to, publish(p.conversationId, { k: "presence", p, to }));
    },
    /** A visitor's new context, to the agents following their conversations. */
    visitorContext(p: VisitorContextPayload) {
      agents.to(p.conversationIds.map(conversationRoom)).emit("visitor:context", p);
    },
    /** A private note: to the agents following the conversation and admins, never its visitor. */
    note(n: Note) {
      agents.to(ADMINS).to(conversationRoom(n.conversationId)).emit("note", n);
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
      const cids = typeof cid === "string" ? [cid] : cid;
      recent?.joined(cids);
      for (const n of everywhere(kind)) n.in(participantRoom(kind, ownerId)).socketsJoin(cids.map(conversationRoom));
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
