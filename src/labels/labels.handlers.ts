// The agents' label event (src/events.ts documents it).
import { actorOf, type On } from "../realtime/handlers.js";
import type { AppSocket } from "../realtime/types.js";
import { SetLabelsSchema } from "./labels.schemas.js";
import type { LabelsService } from "./labels.service.js";

export function createLabelsHandlers(on: On, labels: LabelsService) {
  return function register(socket: AppSocket) {
    on(socket, "conversation:labels", SetLabelsSchema, (p) => labels.setLabels(actorOf(socket), p.conversationId, p.labelIds));
  };
}
