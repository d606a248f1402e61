// Connection lifecycle as presence input: connect/disconnect with device details, and
// every packet the device sends: events (also counted by the handler wrapper), the acks
// of delivered messages (what tells that an agent received a conversation, see
// assignment/requeue.rules.ts), and Socket.IO's own transport pongs, which keep a
// visitor whose tab is hidden (timers throttled to ~1/min) honestly online.
import type { AppSocket } from "../realtime/types.js";
import type { PresenceStore } from "./presence.types.js";

/** A whole number in [min, max] from the handshake, else undefined (junk is ignored). */
function authNumber(socket: AppSocket, key: string, min: number, max: number): number | undefined {
  const raw = Number((socket.handshake.auth as Record<string, unknown> | undefined)?.[key]);
  return Number.isFinite(raw) && raw >= min && raw <= max ? Math.floor(raw) : undefined;
}

/** `heartbeat`: the server's bounds, within which a learned keepalive is believed. */
export function trackConnection(socket: AppSocket, presence: PresenceStore, heartbeat: { minMs: number; maxMs: number }) {
  const me = { type: socket.data.type, id: socket.data.id };
  const reconnects = authNumber(socket, "reconnects", 0, 1_000_000) ?? 0;
  const keepaliveMs = authNumber(socket, "keepaliveMs", heartbeat.minMs, heartbeat.maxMs);
  const transport = () => (socket.conn.transport.name === "websocket" ? "websocket" : "polling") as "websocket" | "polling";

  const ready = presence.connect(me, {
    socketId: socket.id, transport: transport(), reconnects, connectedAt: Date.now(), ...(keepaliveMs ? { keepaliveMs } : {}),
  });
  socket.conn.on("packet", () => presence.traffic(me));
  socket.conn.on("upgrade", () => presence.transport(me, socket.id, transport()));
  // Whether the connect was recorded or not (Redis down: the caller was told), the
  // disconnect is attempted; a store that cannot be reached catches up on its own, so
  // nothing here may reject unhandled.
  socket.on("disconnect", () => {
    void ready.catch(() => {}).then(() => presence.disconnect(me, socket.id)).catch(() => {});
  });
  return ready;
}
