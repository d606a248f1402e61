// The one try/catch for every socket handler (Socket.IO has none). `on` is typed by the
// shared events file: the event is a client-to-server event, the schema's output is that
// event's payload and the handler's result is that event's ack. It counts the event as
// traffic, checks the participant's budget for it (`limit`, before anything is parsed),
// validates the payload, calls the handler and answers the ack: { ok: true, ...result }
// or { ok: false, error }. Events without an ack callback are still processed; junk
// never throws out of here.
import type { z } from "zod";
import type { Actor } from "../accounts/actor.js";
import type { Ack, AckError, ClientToServerEvents } from "../events.js";
import { AppError, formatZodError } from "../lib/errors.js";
import type { Logger } from "../lib/logger.js";
import type { Metrics } from "../lib/metrics.js";
import { isUnavailable, unavailable } from "../lib/unavailable.js";
import type { AppSocket } from "./types.js";

export type ClientEvent = keyof ClientToServerEvents;
export type PayloadOf<E extends ClientEvent> = Parameters<ClientToServerEvents[E]>[0];
/** The success fields of an event's ack (without `ok`). */
export type ResultOf<E extends ClientEvent> =
  Parameters<ClientToServerEvents[E]>[1] extends (res: Ack<infer T>) => void ? T : never;

/** Who is acting on this socket, as its handshake established. */
export const actorOf = (socket: AppSocket): Actor => ({
  type: socket.data.type,
  id: socket.data.id,
  name: socket.data.name,
  role: socket.data.role,
});

export function errorAck(err: unknown, log: Logger, ctx: object): AckError {
  if (err instanceof AppError) return { ok: false, error: err.toJSON() };
  if (isUnavailable(err)) {
    log.warn("socket handler: dependency unavailable", { ...ctx, err: String((err as Error)?.message ?? err) });
    return { ok: false, error: unavailable().toJSON() };
  }
  log.error("socket handler failed", { ...ctx, err });
  return { ok: false, error: { code: "INTERNAL", message: "internal error" } };
}

/** `metrics`: times every acked event (handler start to ack) and counts the dependency
 *  errors that reach the handler's catch. */
export function createHandlerFactory(
  log: Logger,
  onTraffic: (socket: AppSocket) => void,
  metrics?: Pick<Metrics, "ackObserver" | "observeError">,
  /** How long (ms) the socket's participant must wait before `event` again: 0 within its budget. */
  limit?: (socket: AppSocket, event: ClientEvent) => Promise<number>,
) {
  return function on<E extends ClientEvent>(
    socket: AppSocket,
    event: E,
    schema: z.ZodType<PayloadOf<E>, unknown>,
    handler: (payload: PayloadOf<E>) => Promise<ResultOf<E>> | ResultOf<E>,
  ) {
    // What arrives is whatever the client sent: the declared parameter types are a
    // promise the client may break, so the listener reads its arguments as unknown.
    const observeAck = metrics?.ackObserver(event); // bound once per registration
    const listener = async (...args: unknown[]) => {
      const t0 = performance.now();
      const last = args[args.length - 1];
      const ack = typeof last === "function" ? (last as (res: Ack<ResultOf<E>>) => void) : undefined;
      onTraffic(socket);
      const wait = limit ? await limit(socket, event) : 0;
      if (wait > 0) {
        // Cheap on purpose (a flood is refused thousands of times a second): no Error built.
        ack?.({ ok: false, error: { code: "RATE_LIMITED", message: `too many ${event} events, slow down`, retryAfterMs: wait } });
        if (ack) observeAck?.((performance.now() - t0) / 1000);
        return;
      }
      try {
        const parsed = schema.safeParse(args.length > (ack ? 1 : 0) ? args[0] : undefined);
        if (!parsed.success) throw new AppError("VALIDATION", formatZodError(parsed.error));
        const result = await handler(parsed.data);
        ack?.({ ok: true, ...result });
      } catch (err) {
        metrics?.observeError(err);
        ack?.(errorAck(err, log, { event, socket: socket.id }));
      }
      if (ack) observeAck?.((performance.now() - t0) / 1000);
    };
    socket.on(event, listener as Parameters<typeof socket.on<E>>[1]);
  };
}
export type On = ReturnType<typeof createHandlerFactory>;
