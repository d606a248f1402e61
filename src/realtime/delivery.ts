// Messages to devices, with acks. A message goes to every socket in the conversation's
// room of both namespaces, emitted with an ack and re-emitted every DELIVERY_RETRY_MS
// while that socket stays connected and has not acked (a few times; the client's `sync`
// covers the rest). Each node delivers to its own sockets: the writer's node tells the
// others on the conversation's Redis channel, which only the nodes holding a socket of its
// room hear (room-channels.ts); just after this node joined other nodes' sockets to the
// conversation, on serverSideEmit to every node, in order with the join (recent-joins.ts).
import type { Message } from "../events.js";
import { conversationRoom } from "./rooms.js";
import type { AppNamespace, AppSocket } from "./types.js";

const MAX_ATTEMPTS = 4;

/** Seconds from deliver() on this node to one recipient socket's ack (retries included). */
export type FanoutObserver = (seconds: number) => void;

export function createDelivery(
  visitors: AppNamespace,
  agents: AppNamespace,
  o: {
    retryMs: number;
    observe?: FanoutObserver;
    /** Clustered: to the other nodes that follow the conversation. */
    publish?: (m: Message, exceptSocketId: string | null) => void;
    /** Clustered: true while this node's messages of the conversation go to every node. */
    broadcast?: (conversationId: string) => boolean;
  },
) {
  const { retryMs, observe, publish, broadcast } = o;
  // pending: emits whose ack or timeout has not come back yet (each holds a timer).
  // wide: messages another node sent to every node (serverSideEmit), handled here.
  const stats = { emitted: 0, retried: 0, gaveUp: 0, pending: 0, wide: 0 };

  /** `t0`: when deliver() was called on this node (performance.now()). */
  function sendTo(socket: AppSocket, m: Message, attempt: number, t0: number) {
    stats.emitted++;
    stats.pending++;
    socket.timeout(retryMs).emit("message", m, (err) => {
      stats.pending--;
      if (!err) return void observe?.((performance.now() - t0) / 1000);
      if (!socket.connected) return;
      if (attempt + 1 >= MAX_ATTEMPTS) return void stats.gaveUp++;
      stats.retried++;
      sendTo(socket, m, attempt + 1, t0);
    });
  }

  /** Delivers to this node's sockets only: O(sockets in the room). */
  function deliverLocal(m: Message, exceptSocketId: string | null) {
    const t0 = performance.now();
    for (const nsp of [visitors, agents]) {
      const ids = nsp.adapter.rooms.get(conversationRoom(m.conversationId));
      if (!ids) continue;
      for (const sid of ids) {
        if (sid === exceptSocketId) continue;
        const socket = nsp.sockets.get(sid);
        if (socket) sendTo(socket, m, 0, t0);
      }
    }
  }

  // Just after a join on the writer's node (or from a node of the previous release).
  agents.on("deliver", (m, except) => {
    stats.wide++;
    deliverLocal(m, except);
  });

  return {
    stats,
    deliverLocal,
    /** To every device following the conversation, on every node, except the sender's socket. */
    deliver(m: Message, exceptSocketId: string | null) {
      deliverLocal(m, exceptSocketId);
      if (!publish) return; // one node: no one else to tell
      if (broadcast?.(m.conversationId)) agents.serverSideEmit("deliver", m, exceptSocketId);
      else publish(m, exceptSocketId);
    },
  };
}
export type Delivery = ReturnType<typeof createDelivery>;
