// Messaging events of both namespaces. Each handler: validated payload in (by `on`),
// service call, awaited write, ack. A new message fans out after its ack; receipts and
// typing are announced by the service as they happen (nothing durable to wait for).
import type { PresenceStore } from "../presence/presence.types.js";
import { actorOf, type On } from "../realtime/handlers.js";
import type { Realtime } from "../realtime/realtime.js";
import type { AppSocket } from "../realtime/types.js";
import { HbSchema, ReadSchema, SendSchema, SyncSchema, TypingSchema } from "./conversations.schemas.js";
import type { ConversationsService } from "./conversations.service.js";

export function createConversationHandlers(
  on: On,
  service: ConversationsService,
  presence: Pick<PresenceStore, "rtt">,
  realtime: Pick<Realtime, "follow" | "following">,
) {
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
      if (conversationId && live) realtime.follow(socket, conversationId);
      return res;
    });

    on(socket, "message:read", ReadSchema, (p) => service.read(actorOf(socket), p));
    on(socket, "typing", TypingSchema, (p) => service.typing(actorOf(socket), realtime.following(socket), p));

    on(socket, "hb", HbSchema, (p) => {
      if (p.rtt !== undefined) presence.rtt(me, p.rtt);
      return { t: p.t, serverTime: Date.now() };
    });
  };
}
