// The Socket.IO server: transports, frame limit, the transport's own liveness timers
// (derived from OFFLINE_AFTER_MS), CORS from the allowed origins, session ids that name
// their node (NODE_NAME), and the Redis adapter when several nodes share the rooms (set
// once Redis is open: a starting node makes its server before, realtime/starting.ts).
import { randomBytes } from "node:crypto";
import type { Server as HttpServer } from "node:http";
import { createAdapter } from "@socket.io/redis-adapter";
import type { Redis } from "ioredis";
import { Server } from "socket.io";
import type { Origins } from "../widget/origins.js";
import type { AppServer } from "./types.js";

export function createIo(
  httpServer: HttpServer,
  o: {
    offlineAfterMs: number;
    origins: Pick<Origins, "allowed">;
    nodeName?: string;
    /** Frames from this many bytes go out deflated; 0: none (config.ts). */
    deflateThresholdBytes?: number;
  },
): AppServer {
  const io: AppServer = new Server(httpServer, {
    path: "/socket.io",
    transports: ["polling", "websocket"],
    // Frames up to 1 MB are read, so an over-long message is answered VALIDATION by its
    // handler (PROTOCOL.md, Acks); only a larger frame closes the connection.
    maxHttpBufferSize: 1024 * 1024,
    // The transport's own liveness: a ping every third of OFFLINE_AFTER_MS, so pongs
    // (which count as presence traffic) arrive well inside the offline window even from
    // hidden tabs; and a transport timeout that ends at about OFFLINE_AFTER_MS, so the
    // socket is not torn down (and reconnected) before presence has said "offline".
    pingInterval: Math.max(100, Math.floor(o.offlineAfterMs / 3)),
    pingTimeout: Math.max(200, Math.floor((o.offlineAfterMs * 2) / 3)),
    // Cross-origin polling needs CORS headers; the namespace handshake (visitorAuth) is
    // what refuses a visitor socket from an origin that is not allowed, WebSocket included.
    cors: { origin: (origin, cb) => cb(null, o.origins.allowed(origin)), credentials: true },
    // permessage-deflate for the large frames only (a 500-message `sync` answer shrinks
    // several times; see BENCHMARKS.md, "Pages"). The context is not kept between
    // messages, so an idle socket holds no deflate window: memory stays per frame.
    perMessageDeflate: o.deflateThresholdBytes
      ? { threshold: o.deflateThresholdBytes, serverNoContextTakeover: true, clientNoContextTakeover: true }
      : false,
  });
  // A polling client sends its session id (`?sid=`) with every request, and only the node
  // that created the session knows it. With the node's name in front, the load balancer
  // sends each request to that node whatever its hash says now (deploy/nginx.conf.template),
  // so a client that failed over is not dropped again when its first node returns.
  // The random part is as strong as engine.io's own: 15 random bytes.
  const { nodeName } = o;
  if (nodeName) io.engine.generateId = () => `${nodeName}.${randomBytes(15).toString("base64url")}`;
  return io;
}

/** Rooms shared through Redis; also for a server made before Redis was open (starting.ts). */
export function useRedisAdapter(io: AppServer, redis: { pub: Redis; sub: Redis }, redisPrefix?: string) {
  io.adapter(createAdapter(redis.pub, redis.sub, { key: `${redisPrefix ?? "hf:"}socket.io` }));
}
