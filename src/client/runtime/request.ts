// Acknowledged emits as promises. Never emits while disconnected: socket.io-client would
// buffer the packet and replay it on reconnect, behind the outbox's back, so a send
// would go out twice (harmless thanks to clientMsgId, but it muddles attempt counts).
import type { Ack, ClientToServerEvents, ErrorCode } from "../../events.js";
import type { AppSocket } from "./socket.js";

/** The contract's codes, plus the two ways an ack can fail to arrive at all. */
export type ClientError = ErrorCode | "TIMEOUT" | "DISCONNECTED";
export type ClientAck<T extends object> =
  | ({ ok: true } & T)
  | { ok: false; error: { code: ClientError; message: string; retryAfterMs?: number } };

type Event = keyof ClientToServerEvents;
type PayloadOf<E extends Event> = Parameters<ClientToServerEvents[E]>[0];
type ResultOf<E extends Event> = Parameters<Parameters<ClientToServerEvents[E]>[1]>[0] extends Ack<infer T> ? T : never;

// Loose view of the emitter: the typed overloads of socket.timeout().emit do not
// compose with a generic event name.
type LooseEmitter = { emit(ev: string, payload: unknown, cb: (err: Error | null, res: unknown) => void): void };

export const DEFAULT_TIMEOUT_MS = 15_000;

export function emitAck<E extends Event>(
  socket: AppSocket,
  event: E,
  payload: PayloadOf<E>,
  timeoutMs = DEFAULT_TIMEOUT_MS,
): Promise<ClientAck<ResultOf<E>>> {
  return new Promise((resolve) => {
    if (!socket.connected) {
      return resolve({ ok: false, error: { code: "DISCONNECTED", message: "not connected" } });
    }
    (socket.timeout(timeoutMs) as unknown as LooseEmitter).emit(event, payload, (err, res) => {
      if (err) {
        // socket.io fails pending acks at once when the socket closes; a timeout is a stall.
        const code = socket.connected ? "TIMEOUT" : "DISCONNECTED";
        return resolve({ ok: false, error: { code, message: err.message } });
      }
      const ack = res as ClientAck<ResultOf<E>> | undefined;
      resolve(ack && typeof ack === "object" ? ack : { ok: false, error: { code: "INTERNAL", message: "malformed ack" } });
    });
  });
}
