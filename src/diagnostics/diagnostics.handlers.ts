// The `/diagnostics` namespace: the connection test page opens it on each transport in
// turn (WebSocket alone, long-polling alone, long-polling left to upgrade) and times
// `diag:ping`, whose ack carries the server's clock for the offset. No credential: the
// node's and the address's handshake budgets apply, and a socket is bounded in rate and
// in life, so the namespace costs no more than a visitor's.
import type { Namespace, Socket } from "socket.io";
import type { ExtendedError } from "socket.io";
import type { DiagnosticsClientEvents } from "../events.js";
import { AppError, formatZodError } from "../lib/errors.js";
import type { AppServer } from "../realtime/types.js";
import { DiagPingSchema } from "./diagnostics.schemas.js";

type DiagSocket = Socket<DiagnosticsClientEvents>;
type Next = (err?: ExtendedError) => void;

const MAX_LIFE_MS = 10 * 60_000;
const MAX_PINGS = 2_000;
const MIN_GAP_MS = 50;

export function registerDiagnosticsNamespace(
  io: AppServer,
  limits: { before: (socket: never, next: Next) => void; ended: (socket: never) => void },
) {
  const nsp = io.of("/diagnostics") as unknown as Namespace<DiagnosticsClientEvents>;
  nsp.use((socket, next) => limits.before(socket as never, next));
  nsp.on("connection", (socket: DiagSocket) => {
    limits.ended(socket as never);
    const life = setTimeout(() => socket.disconnect(true), MAX_LIFE_MS);
    let pings = 0;
    let last = 0;
    socket.on("diag:ping", (p, ack) => {
      if (typeof ack !== "function") return;
      const now = Date.now();
      if (++pings > MAX_PINGS) return void socket.disconnect(true);
      const parsed = DiagPingSchema.safeParse(p);
      if (!parsed.success) return ack({ ok: false, error: new AppError("VALIDATION", formatZodError(parsed.error)).toJSON() });
      // Told, not silent: the page counts a refused ping as lost.
      if (now - last < MIN_GAP_MS) return ack({ ok: false, error: new AppError("RATE_LIMITED", "one ping per 50 ms", undefined, MIN_GAP_MS - (now - last)).toJSON() });
      last = now;
      ack({ ok: true, t: parsed.data.t, serverTime: now });
    });
    socket.on("disconnect", () => clearTimeout(life));
  });
}
