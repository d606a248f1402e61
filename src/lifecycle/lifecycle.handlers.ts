// Agent-only lifecycle events: snooze and unsnooze (src/events.ts documents them).
import { actorOf, type On } from "../realtime/handlers.js";
import type { AppSocket } from "../realtime/types.js";
import { SnoozeSchema, UnsnoozeSchema } from "./lifecycle.schemas.js";
import type { LifecycleService } from "./lifecycle.service.js";

export function createLifecycleHandlers(on: On, lifecycle: LifecycleService) {
  return function register(socket: AppSocket) {
    on(socket, "conversation:snooze", SnoozeSchema, async (p) => ({
      conversation: await lifecycle.snooze(actorOf(socket), p.conversationId, p.until),
    }));
    on(socket, "conversation:unsnooze", UnsnoozeSchema, async (p) => ({
      conversation: await lifecycle.unsnooze(actorOf(socket), p.conversationId),
    }));
  };
}
