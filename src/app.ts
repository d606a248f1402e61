// createApplication(httpServer, infra): the whole product on a given HTTP server, so
// index.ts listens on PORT and tests on port 0 with their own configuration.
import type { Server as HttpServer } from "node:http";
import path from "node:path";
import express from "express";
import { Server } from "socket.io";
import { createAdapter } from "@socket.io/redis-adapter";
import { accountsRoutes } from "./accounts/accounts.routes.js";
import { conversationsRoutes } from "./conversations/conversations.routes.js";
import type { Io } from "./conversations/delivery.js";
import type { Infra } from "./deps.js";
import { healthRoutes } from "./health/health.routes.js";
import { errorHandler, notFoundHandler } from "./lib/http.js";
import { reactToPresence } from "./presence/presence.reactions.js";
import { buildServices } from "./services.js";
import { setupSockets } from "./sockets.js";
import { uploadsRoutes } from "./uploads/uploads.routes.js";
import { createWeb } from "./web.js";

const root = path.resolve(import.meta.dirname, "..");

export async function createApplication(httpServer: HttpServer, infra: Infra) {
  const { config, log } = infra;
  // Express must be the server's request listener before Socket.IO attaches: Socket.IO
  // then answers /socket.io itself and hands every other request on.
  const app = express();
  httpServer.on("request", app);
  const io: Io = new Server(httpServer, {
    path: "/socket.io",
    transports: ["polling", "websocket"],
    // Oversized frames are refused by the transport before any handler sees them.
    maxHttpBufferSize: 64 * 1024,
    // The transport's own liveness: a ping every third of OFFLINE_AFTER_MS, so pongs
    // (which count as presence traffic) arrive well inside the offline window even from
    // hidden tabs; and a transport timeout that ends at about OFFLINE_AFTER_MS, so the
    // socket is not torn down (and reconnected) before presence has said "offline".
    pingInterval: Math.max(100, Math.floor(config.offlineAfterMs / 3)),
    pingTimeout: Math.max(200, Math.floor((config.offlineAfterMs * 2) / 3)),
    // Cross-origin polling needs CORS headers; the namespace handshake (visitorAuth) is
    // what refuses a visitor socket from an origin that is not allowed, WebSocket included.
    cors: {
      origin: (origin, cb) => cb(null, !origin || config.allowedOrigins.includes(origin)),
      credentials: true,
    },
  });
  if (infra.redis) io.adapter(createAdapter(infra.redis.pub, infra.redis.sub));

  const deps = buildServices(infra, io);
  await deps.accounts.ensureAdmin(config.adminEmail, config.adminPassword);
  const web = await createWeb(deps);
  io.engine.use(web.handshake);

  if (config.trustProxy) app.set("trust proxy", config.trustProxy);
  app.disable("x-powered-by");
  app.use(web.security);
  app.set("view engine", "ejs");
  app.set("views", path.join(root, "views"));
  app.use(express.json({ limit: "64kb" }));
  app.use(express.static(path.join(root, "public"), { maxAge: config.production ? "1h" : 0 }));
  app.use(web.session);
  app.use(healthRoutes(deps));
  app.use(accountsRoutes(deps.accounts));
  app.use(conversationsRoutes(deps.accounts, deps.conversations, deps.repos));
  app.use(uploadsRoutes({ accounts: deps.accounts, prisma: infra.db.prisma, dataDir: config.dataDir, maxBytes: config.uploadMaxBytes }));
  app.use(web.routes);
  app.use(notFoundHandler);
  app.use(errorHandler(log));

  setupSockets(deps);
  reactToPresence(deps);

  return {
    app,
    io,
    deps,
    /** Stops taking work, writes what is queued, closes sockets and connections. */
    async close() {
      io.close();
      web.close();
      await deps.writer.drain();
      await infra.close();
    },
  };
}
export type Application = Awaited<ReturnType<typeof createApplication>>;
