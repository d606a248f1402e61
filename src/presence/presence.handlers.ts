// Connection lifecycle as presence input: connect/disconnect with device details, and
// every packet the device sends: events (also counted by the handler wrapper), the acks
// of delivered messages (what tells that an agent received a conversation, see
// assignment/requeue.rules.ts), and Socket.IO's own transport pongs, which keep a
// visitor whose tab is hidden (timers throttled to ~1/min) honestly online.
import type { AppSocket } from "../realtime/types.js";
import type { PresenceStore } from "./presence.types.js";

export function trackConnection(socket: AppSocket, presence: PresenceStore) {
  const me = { type: socket.data.type, id: socket.data.id };
  const raw = Number((socket.handshake.auth as { reconnects?: unknown })?.reconnects);
  const reconnects = Number.isFinite(raw) && raw >= 0 ? Math.min(Math.floor(raw), 1_000_000) : 0;
  const transport = () => (socket.conn.transport.name === "websocket" ? "websocket" : "polling") as "websocket" | "polling";

  const ready = presence.connect(me, { socketId: socket.id, transport: transport(), reconnects, connectedAt: Date.now() });
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
