// The one try/catch for every socket handler (Socket.IO has none). It validates the
// payload with the event's schema, counts the event as traffic, calls the handler and
// answers the ack: { ok: true, ...result } or { ok: false, error }. Events without an
// ack callback are still processed; junk never throws out of here.
import type { Socket } from "socket.io";
import type { z } from "zod";
import type { AckError, ClientToServerEvents, ServerToClientEvents, SocketData } from "../events.js";
import { AppError } from "./errors.js";
import type { Logger } from "./logger.js";

export type AppSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

export function formatZodError(err: z.ZodError): string {
  return err.issues
    .slice(0, 3)
    .map((i) => `${i.path.length ? i.path.join(".") : "payload"}: ${i.message}`)
    .join("; ");
}

export function errorAck(err: unknown, log: Logger, ctx: object): AckError {
  if (err instanceof AppError) return { ok: false, error: err.toJSON() };
  log.error("socket handler failed", { ...ctx, err });
  return { ok: false, error: { code: "INTERNAL", message: "internal error" } };
}

export function createHandlerFactory(log: Logger, onTraffic: (socket: AppSocket) => void) {
  return function on<S extends z.ZodType, R extends object>(
    socket: AppSocket,
    event: string,
    schema: S,
    handler: (payload: z.infer<S>) => Promise<R> | R,
  ) {
    socket.on(event as never, (async (...args: unknown[]) => {
      const last = args[args.length - 1];
      const ack = typeof last === "function" ? (last as (r: unknown) => void) : undefined;
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
    }) as never);
  };
}
export type On = ReturnType<typeof createHandlerFactory>;
