// Messaging events of both namespaces. Each handler: validated payload in (by `on`),
// service call, awaited write, ack; fan-out to rooms only after the ack.
import type { AppSocket, On } from "../lib/socket.js";
import type { PresenceStore } from "../presence/presence.types.js";
import { HbSchema, ReadSchema, SendSchema, SyncSchema, TypingSchema } from "./conversations.schemas.js";
import { convRoom } from "./delivery.js";
import type { Actor, ConversationsService } from "./conversations.service.js";

export const actorOf = (socket: AppSocket): Actor => ({
  type: socket.data.type,
  id: socket.data.id,
  name: socket.data.name,
  role: socket.data.role,
  socketId: socket.id,
  rooms: socket.rooms,
});

export function createConversationHandlers(on: On, service: ConversationsService, presence: PresenceStore) {
  return function register(socket: AppSocket) {
    const me = { type: socket.data.type, id: socket.data.id };

    on(socket, "message:send", SendSchema, async (p) => {
      const res = await service.send(actorOf(socket), p);
      // Ack first (the sender learns its message is durable), then fan out.
      setImmediate(() => void service.afterSend(res.message, res.duplicate, socket.id));
      return res;
    });

    on(socket, "sync", SyncSchema, async (p) => {
      const { conversationId, live, ...res } = await service.sync(actorOf(socket), p);
      // An agent reading a live conversation follows it from now on; a resolved one is
      // only read (joining its room would keep one room per transcript ever opened).
      if (conversationId && live && !socket.rooms.has(convRoom(conversationId))) socket.join(convRoom(conversationId));
      return res;
    });

    on(socket, "message:read", ReadSchema, (p) => service.read(actorOf(socket), p));
    on(socket, "typing", TypingSchema, (p) => service.typing(actorOf(socket), p));

    on(socket, "hb", HbSchema, (p) => {
      if (p.rtt !== undefined) presence.rtt(me, p.rtt);
      return { t: p.t, serverTime: Date.now() };
    });
  };
}
