// Wires the two namespaces: handshake limits and auth, the rooms a new socket joins, presence
// tracking, the `ready` event (PROTOCOL.md section 3), and every feature's handlers.
// A socket whose setup fails is closed, never left half set up: while a dependency is
// down its transport is closed, which every Socket.IO client answers by reconnecting with
// its backoff (a server-side disconnect would make a stock client give up for good).
import type { ExtendedError } from "socket.io";
import type { Actor } from "../accounts/actor.js";
import type { Conversation, PresencePayload, ReadyPayload } from "../events.js";
import type { Logger } from "../lib/logger.js";
import { isUnavailable } from "../lib/unavailable.js";
import { actorOf } from "./handlers.js";
import { ADMINS, AGENTS, conversationRoom, participantRoom, sessionRoom, tokenRoom } from "./rooms.js";
import { isClientEvent } from "../limits/limits.rules.js";
import type { AppServer, AppSocket } from "./types.js";

type Middleware = (socket: AppSocket, next: (err?: ExtendedError) => void) => void;
type Register = (socket: AppSocket) => void;

export interface ConnectionDeps {
  auth: { visitor: Middleware; agent: Middleware };
  /** Around auth in both namespaces: `before` (per address, no credential read yet) and
   *  `after` (once the socket's participant is known). */
  limits: { before: Middleware; after: Middleware; ended: (socket: AppSocket) => void };
  /** Each namespace's feature handlers. */
  handlers: { visitor: Register[]; agent: Register[] };
  /** Presence input for the socket's lifetime; resolves once the connect is recorded. */
  track: (socket: AppSocket) => Promise<void>;
  /** What `ready` carries, and the agent presence a visitor needs at once (the socket:
   *  what its handshake already read). */
  opening: (actor: Actor, socket: AppSocket) => Promise<{ conversations: Conversation[]; agentPresence: PresencePayload | null }>;
  /** After an agent's `ready`: the queue may move. */
  agentArrived: () => void;
  heartbeatIntervalMs: number;
  /** Additions to `ready` (issue 15): the heartbeat floor, a visitor's diagnostics ticket. */
  readyExtras: (socket: AppSocket) => Pick<ReadyPayload, "heartbeatMinIntervalMs" | "diagnosticsTicket">;
  log: Logger;
}

/** The rooms a socket belongs to by who it is (not by what it follows). */
function ownRooms(socket: AppSocket): string[] {
  const { type, id, role, tokenId, sessionId } = socket.data;
  if (type === "visitor") return [participantRoom("visitor", id)];
  return [
    participantRoom("agent", id), AGENTS,
    ...(role === "admin" ? [ADMINS] : []),
    ...(sessionId ? [sessionRoom(sessionId)] : []),
    ...(tokenId ? [tokenRoom(tokenId)] : []),
  ];
}

export function registerConnections(io: AppServer, d: ConnectionDeps) {
  async function open(socket: AppSocket) {
    socket.join(ownRooms(socket));
    // Presence is bookkeeping: with Redis down the socket still works (sends are stored
    // and delivered on this node); the store catches up when Redis is back.
    await d.track(socket).catch((err: unknown) => {
      if (!isUnavailable(err)) throw err;
      d.log.warn("presence unavailable on connect", { socket: socket.id });
    });
    const { conversations, agentPresence } = await d.opening(actorOf(socket), socket);
    socket.join(conversations.map((c) => conversationRoom(c.id)));
    socket.emit("ready", {
      you: { type: socket.data.type, id: socket.data.id, name: socket.data.name },
      heartbeatIntervalMs: d.heartbeatIntervalMs,
      serverTime: Date.now(),
      conversations,
      ...d.readyExtras(socket),
    });
    if (agentPresence) socket.emit("presence", agentPresence);
    if (socket.data.type === "agent") d.agentArrived();
  }

  for (const kind of ["visitor", "agent"] as const) {
    const nsp = io.of(`/${kind}`);
    // A handshake refused past `before` ends there: its node-wide admission is free again.
    const ending = (mw: Middleware): Middleware => (socket, next) => mw(socket, (err) => (err && d.limits.ended(socket), next(err)));
    nsp.use(d.limits.before);
    nsp.use(ending(d.auth[kind]));
    nsp.use(ending(d.limits.after));
    nsp.on("connection", (socket) => {
      for (const register of d.handlers[kind]) register(socket);
      answerUnknownEvents(socket);
      open(socket).finally(() => d.limits.ended(socket)).catch((err: unknown) => {
        if (isUnavailable(err)) {
          d.log.warn(`${kind} connect: dependency unavailable`, { socket: socket.id });
          return void socket.conn.close();
        }
        d.log.error(`${kind} connect failed`, { err, socket: socket.id });
        socket.disconnect(true);
      });
    });
  }
}

/** An event this namespace has no handler for is answered when it asks for an ack, instead
 *  of leaving the client waiting for its timeout: FORBIDDEN for the other side's events (a
 *  visitor's `conversation:claim`), VALIDATION for a name the contract does not have. */
function answerUnknownEvents(socket: AppSocket): void {
  socket.onAny((event: unknown, ...args: unknown[]) => {
    if (typeof event === "string" && socket.listeners(event as "disconnect").length > 0) return;
    const ack = args.at(-1);
    if (typeof ack !== "function") return;
    const name = String(event).slice(0, 64);
    ack(isClientEvent(name)
      ? { ok: false, error: { code: "FORBIDDEN", message: `${name}: not for ${socket.data.type}s` } }
      : { ok: false, error: { code: "VALIDATION", message: `unknown event: ${name}` } });
  });
}
