// `visitor:context` (visitors only): validated by `on`, within the participant's
// "context" budget (limits.rules.ts); the write is awaited, the sender acked, then the
// agents of the visitor's conversations are told.
import { type On } from "../realtime/handlers.js";
import type { Realtime } from "../realtime/realtime.js";
import type { AppSocket } from "../realtime/types.js";
import type { VisitorContext } from "./visitor-context.service.js";
import { VisitorContextSchema } from "./visitors.schemas.js";

export function createVisitorContextHandlers(on: On, service: VisitorContext, realtime: Pick<Realtime, "following">) {
  return function register(socket: AppSocket) {
    if (socket.data.type !== "visitor") return;
    on(socket, "visitor:context", VisitorContextSchema, async (p) => {
      const announce = await service.update(socket.data.id, realtime.following(socket), p);
      setImmediate(announce);
      return {};
    });
  };
}
