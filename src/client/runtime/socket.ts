// The socket of both namespaces, how it is opened, and the view of it the sending side
// gets. Its own module so that everything talking over the socket (connection.ts,
// heartbeat.ts, request.ts, the sending parts) shares one type without importing the
// connection that owns it.
import { io, type Socket } from "socket.io-client";
import type { ClientToServerEvents, ServerToClientEvents } from "../../events.js";

export type AppSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** What the sending parts need of the link (the receiver provides it). */
export interface Link {
  readonly socket: AppSocket;
  /** Connected, `ready` received and caught up: sends may go out. */
  readonly ready: boolean;
}

/** A socket that never connects or reconnects by itself: connection.ts decides when. */
export function openSocket(url: string, auth: () => Record<string, unknown>): AppSocket {
  return io(url, {
    autoConnect: false,
    reconnection: false,
    forceNew: true,
    transports: ["websocket", "polling"],
    // WebSocket blocked by a proxy or firewall: fall back to long-polling.
    tryAllTransports: true,
    timeout: 10_000,
    auth: (cb) => cb(auth()),
  });
}
