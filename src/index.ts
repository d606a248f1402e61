// Entry point: configuration from the environment, infrastructure, the application,
// and a graceful shutdown on SIGTERM/SIGINT. The port is taken at once; until the
// database (and Redis) can be opened the node answers /healthz 200 and everything else
// 503 UNAVAILABLE, retrying with backoff, so a node started during an outage waits for
// it to end instead of exiting. A dependency failing later never ends the process either.
import { createServer, type RequestListener } from "node:http";
import { createApplication, type Application } from "./app.js";
import { loadConfig } from "./config.js";
import { openInfrastructure, type Infrastructure } from "./infrastructure.js";
import { createLogger } from "./lib/logger.js";
import { RETRY_AFTER_MS } from "./lib/unavailable.js";

const config = loadConfig();
const log = createLogger(config.logLevel);
const httpServer = createServer();

const starting: RequestListener = (req, res) => {
  const live = req.url === "/healthz";
  res.writeHead(live ? 200 : 503, { "content-type": "application/json", ...(live ? {} : { "retry-after": "2" }) });
  res.end(JSON.stringify(live ? { ok: true } : { error: { code: "UNAVAILABLE", message: "starting", retryAfterMs: RETRY_AFTER_MS } }));
};
httpServer.on("request", starting);
await new Promise<void>((resolve) => httpServer.listen(config.port, resolve));
const addr = httpServer.address();
const port = typeof addr === "object" && addr ? addr.port : config.port;
log.info("holdfast starting", { port });

// Not-yet-handled rejections are bugs, but one must not take every conversation down.
process.on("unhandledRejection", (err) => log.error("unhandled rejection", { err }));

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

const infra = await openWhenReachable();
httpServer.off("request", starting);
application = await createApplication(httpServer, infra);
log.info("holdfast listening", { port, database: infra.db.kind, redis: !!config.redisUrl });
