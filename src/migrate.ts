// `npm run migrate` / Procfile `release`: apply migrations and exit.
import { loadConfig } from "./config.js";
import { openDatabase } from "./lib/db.js";
import { createLogger } from "./lib/logger.js";
import { migrate } from "./lib/migrate.js";

const config = loadConfig();
const log = createLogger(config.logLevel);
const db = await openDatabase(config);
const applied = await migrate(db, log);
log.info("migrations done", { applied: applied.length });
await db.close();
