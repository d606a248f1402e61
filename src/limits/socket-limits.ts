// The limits of the two Socket.IO namespaces (PROTOCOL.md section 3): the node's
// handshakes per second (admission.ts, cheapest first), handshakes per
// address (before any credential is read, so a flood of forged tokens costs nothing
// more), concurrent sockets per participant and per address (once the handshake named
// who it is), and each participant's budget per kind of event. Refused handshakes fail
// with connect_error `{ code: "RATE_LIMITED", retryAfterMs }`, refused events are
// answered RATE_LIMITED with retryAfterMs by the handler wrapper.
import type { IncomingMessage } from "node:http";
import type { ExtendedError } from "socket.io";
import { fail as handshakeError } from "../accounts/socket-auth.js";
import type { ClientToServerEvents, ParticipantType } from "../events.js";
import type { AppError } from "../lib/errors.js";
import type { AppSocket } from "../realtime/types.js";
import type { Admission } from "./admission.js";

/** The longest an admitted handshake counts as in flight when its end was not seen. */
const ADMISSION_HOLD_MS = 10_000;
import type { Limiter, Limiters } from "./limiter.js";
import { ABUSE, EVENT_BUDGETS, eventKind, SOCKET_CAP_RETRY_MS, type EventKind } from "./limits.rules.js";
import type { SocketCaps } from "./socket-caps.js";

type Next = (err?: ExtendedError) => void;

export function handshakeLimits(d: {
  admission: Admission; perIp: Pick<Limiter, "hit">; caps: SocketCaps; coolDowns: Pick<CoolDowns, "left">; ipOf: (req: IncomingMessage) => string;
}) {
  // An admitted handshake holds its admission until it ends (ready, or refused further
  // on: `ended`), or at most ADMISSION_HOLD_MS (one whose end nobody saw).
  const held = new WeakMap<AppSocket, () => void>();
  const ended = (socket: AppSocket) => held.get(socket)?.();
  function hold(socket: AppSocket) {
    const release = () => {
      clearTimeout(timer);
      held.delete(socket);
      d.admission.done();
    };
    const timer = setTimeout(release, ADMISSION_HOLD_MS);
    timer.unref();
    held.set(socket, release);
  }
  return {
    /** First of each namespace's middlewares: the node's and the address's handshake budgets. */
    async before(socket: AppSocket, next: Next) {
      const wait = d.admission.admit();
      if (wait > 0) return next(handshakeError("RATE_LIMITED", "too many connections to this server right now", wait));
      hold(socket);
      // hit() fails open (a limiter that cannot answer lets the handshake through): the
      // only error it throws is the refusal.
      const refused = await d.perIp.hit(d.ipOf(socket.request)).then(() => null, (err: AppError) => err);
      if (!refused) return next();
      ended(socket);
      next(handshakeError("RATE_LIMITED", "too many connection attempts from this address", refused.retryAfterMs));
    },
    /** The handshake is over (its socket is ready, or it was refused): its admission is free. */
    ended,
    /** Last: a participant cut off for flooding, and the participant's and the address's socket caps. */
    async after(socket: AppSocket, next: Next) {
      const cooling = d.coolDowns.left(socket);
      if (cooling > 0) return next(handshakeError("RATE_LIMITED", "cut off for flooding, try again later", cooling));
      if (await d.caps.admit(socket, d.ipOf(socket.request))) return next();
      next(handshakeError("RATE_LIMITED", "too many connections for this participant or address", SOCKET_CAP_RETRY_MS));
    },
  };
}

/** Participants cut off for flooding, until when (ms); only abusers are ever in here. */
export function createCoolDowns(now = () => Date.now()) {
  const until = new Map<string, number>();
  const key = (socket: AppSocket) => `${socket.data.type}:${socket.data.id}`;
  return {
    start(socket: AppSocket, ms: number) {
      const t = now();
      for (const [k, end] of until) if (end <= t) until.delete(k); // each entry is an abuser: few
      until.set(key(socket), t + ms);
    },
    /** Milliseconds left for this socket's participant, 0 when none. */
    left(socket: AppSocket): number {
      const end = until.get(key(socket));
      return end === undefined ? 0 : Math.max(0, end - now());
    },
    size: () => until.size,
  };
}
export type CoolDowns = ReturnType<typeof createCoolDowns>;

/** Per participant (across the cluster when clustered): how long (ms) the socket's
 *  participant must wait before its next event of this kind, 0 while within its budget. A socket that goes on past
 *  ABUSE.refusals refusals is disconnected and its participant cooled down. */
export function eventLimits(limiters: Pick<Limiters, "participant">, coolDowns: CoolDowns) {
  const by = new Map<string, ReturnType<Limiters["participant"]>>();
  const limiter = (type: ParticipantType, kind: EventKind) => {
    const name = `${type}:${kind}`;
    let l = by.get(name);
    if (!l) by.set(name, (l = limiters.participant(name, EVENT_BUDGETS[type][kind])));
    return l;
  };
  const refusals = new WeakMap<AppSocket, { n: number; since: number }>();
  return async (socket: AppSocket, event: keyof ClientToServerEvents): Promise<number> => {
    const wait = await limiter(socket.data.type, eventKind(event)).wait(socket.data.id);
    if (wait === 0) return 0;
    const now = Date.now();
    let r = refusals.get(socket);
    if (!r || now - r.since > ABUSE.windowMs) refusals.set(socket, (r = { n: 0, since: now }));
    if (++r.n >= ABUSE.refusals && socket.connected) {
      coolDowns.start(socket, ABUSE.coolDownMs);
      // At once: events already read behind this one are dropped with the socket.
      socket.disconnect(true);
    }
    return wait;
  };
}
