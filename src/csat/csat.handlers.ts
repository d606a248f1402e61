// The visitor's `csat:submit`: validated by `on`, stored by the service, acked. Nobody
// else is told live: the rating shows in the transcript, the console panel and reports.
import { actorOf, type On } from "../realtime/handlers.js";
import type { AppSocket } from "../realtime/types.js";
import { CsatSubmitSchema } from "./csat.schemas.js";
import type { CsatService } from "./csat.service.js";

export function createCsatHandlers(on: On, csat: CsatService) {
  return function register(socket: AppSocket) {
    on(socket, "csat:submit", CsatSubmitSchema, async (p) => {
      await csat.submit(actorOf(socket), p);
      return {};
    });
  };
}
