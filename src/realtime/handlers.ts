// The one try/catch for every socket handler (Socket.IO has none). `on` is typed by the
// shared events file: the event is a client-to-server event, the schema's output is that
// event's payload and the handler's result is that event's ack. It validates the payload,
// counts the event as traffic, calls the handler and answers the ack: { ok: true,
// ...result } or { ok: false, error }. Events without an ack callback are still
// processed; junk never throws out of here.
import type { z } from "zod";
import type { Actor } from "../accounts/actor.js";
import type { Ack, AckError, ClientToServerEvents } from "../events.js";
import { AppError, formatZodError } from "../lib/errors.js";
import type { Logger } from "../lib/logger.js";
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
  log.error("socket handler failed", { ...ctx, err });
  return { ok: false, error: { code: "INTERNAL", message: "internal error" } };
}

export function createHandlerFactory(log: Logger, onTraffic: (socket: AppSocket) => void) {
  return function on<E extends ClientEvent>(
    socket: AppSocket,
    event: E,
    schema: z.ZodType<PayloadOf<E>, unknown>,
    handler: (payload: PayloadOf<E>) => Promise<ResultOf<E>> | ResultOf<E>,
  ) {
    // What arrives is whatever the client sent: the declared parameter types are a
    // promise the client may break, so the listener reads its arguments as unknown.
    const listener = async (...args: unknown[]) => {
      const last = args[args.length - 1];
      const ack = typeof last === "function" ? (last as (res: Ack<ResultOf<E>>) => void) : undefined;
      onTraffic(socket);
      const parsed = schema.safeParse(args.length > (ack ? 1 : 0) ? args[0] : undefined);
      if (!parsed.success) {
        ack?.({ ok: false, error: { code: "VALIDATION", message: formatZodError(parsed.error) } });
        return;
      }
      try {
        const result = await handler(parsed.data);
        ack?.({ ok: true, ...result });
      } catch (err) {
        ack?.(errorAck(err, log, { event, socket: socket.id }));
      }
    };
    socket.on(event, listener as Parameters<typeof socket.on<E>>[1]);
  };
}
export type On = ReturnType<typeof createHandlerFactory>;
