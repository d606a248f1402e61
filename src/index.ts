// Entry point: configuration from the environment, infrastructure, the application,
// and a graceful shutdown on SIGTERM/SIGINT. The port is taken at once, before the rest
// of the code is even loaded; until the database (and Redis) can be opened and the
// application is built, the node answers /healthz 200, everything else 503 UNAVAILABLE,
// and Socket.IO handshakes UNAVAILABLE with retryAfterMs (realtime/starting.ts), retrying
// the dependencies with backoff, so a node started during an outage waits for it to end
// instead of exiting. A dependency failing later never ends the process either.
import { createServer } from "node:http";
import type { Application } from "./app.js";
import { loadConfig } from "./config.js";
import type { Infrastructure } from "./infrastructure.js";
import { createLogger } from "./lib/logger.js";
import { startAnswering } from "./realtime/starting.js";

const config = loadConfig();
const log = createLogger(config.logLevel);
const httpServer = createServer();
const starting = startAnswering(httpServer, config);
await new Promise<void>((resolve) => httpServer.listen(config.port, resolve));
const addr = httpServer.address();
const port = typeof addr === "object" && addr ? addr.port : config.port;
log.info("holdfast starting", { port });

// Not-yet-handled rejections are bugs, but one must not take every conversation down.
process.on("unhandledRejection", (err) => log.error("unhandled rejection", { err }));

let application: Application | undefined;
let stopping = false;
for (const sig of ["SIGTERM", "SIGINT"] as const) {
  process.on(sig, async () => {
    if (stopping) return;
    stopping = true;
    log.info("shutting down", { signal: sig });
    httpServer.close();
    await application?.close().catch((err) => log.error("shutdown failed", { err }));
    process.exit(0);
  });
}

// Loaded once the port answers: the whole application's modules (Prisma, Express, every
// feature) take a noticeable part of a restart, which clients now wait out as told.
const [{ createApplication }, { openInfrastructure }] = await Promise.all([import("./app.js"), import("./infrastructure.js")]);

async function openWhenReachable(): Promise<Infrastructure> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await openInfrastructure(config, log);
    } catch (err) {
      const waitMs = Math.min(30_000, 500 * 2 ** Math.min(attempt, 6));
      log.warn("dependencies unreachable at start, retrying", { attempt, waitMs, err: String((err as Error)?.message ?? err) });
      await new Promise((r) => setTimeout(r, waitMs));
    }
  }
}

const infra = await openWhenReachable();
application = await createApplication(httpServer, infra, {}, starting);
// The address to open, for whoever just started it (PUBLIC_URL behind a proxy).
const open = `${config.publicUrl ?? `http://localhost:${port}`}/login`;
log.info("holdfast listening", { port, open, database: infra.db.kind, redis: !!config.redisUrl });
