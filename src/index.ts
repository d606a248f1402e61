// Entry point: configuration from the environment, infrastructure, the application,
// and a graceful shutdown on SIGTERM/SIGINT.
import { createServer } from "node:http";
import { createApplication } from "./app.js";
import { loadConfig } from "./config.js";
import { openInfrastructure } from "./infrastructure.js";
import { createLogger } from "./lib/logger.js";

const config = loadConfig();
const log = createLogger(config.logLevel);
const infra = await openInfrastructure(config, log);
const httpServer = createServer();
const application = await createApplication(httpServer, infra);
httpServer.listen(config.port, () => {
  const addr = httpServer.address();
  const port = typeof addr === "object" && addr ? addr.port : config.port;
  log.info("holdfast listening", { port, database: infra.db.kind, redis: !!config.redisUrl });
});

let stopping = false;
for (const sig of ["SIGTERM", "SIGINT"] as const) {
  process.on(sig, async () => {
    if (stopping) return;
    stopping = true;
    log.info("shutting down", { signal: sig });
    httpServer.close();
    await application.close().catch((err) => log.error("shutdown failed", { err }));
    process.exit(0);
  });
}
