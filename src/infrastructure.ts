// What the application needs from the outside world, opened once by index.ts (or by a
// test, with its own configuration): configuration, logger, database, Redis, the
// presence store, and this node's identity and session secret.
import { randomBytes, randomUUID } from "node:crypto";
import type { Config } from "./config.js";
import { openDatabase, type Database } from "./lib/db.js";
import { createLogger, type Logger } from "./lib/logger.js";
import { migrate } from "./lib/migrate.js";
import { closeRedis, openRedis, type RedisConnections } from "./lib/redis.js";
import { createMemoryPresenceStore } from "./presence/memory.store.js";
import type { PresenceStore, PresenceTimings } from "./presence/presence.types.js";
import { createSettingsRepository } from "./settings/settings.repository.js";

export interface Infrastructure {
  config: Config;
  log: Logger;
  db: Database;
  presence: PresenceStore;
  /** When REDIS_URL is set: the Socket.IO adapter's two connections (pub, sub) and one
   *  for commands (presence, readiness). */
  redis?: RedisConnections;
  nodeId: string;
  sessionSecret: string;
  close(): Promise<void>;
}

export function presenceTimings(c: Config): PresenceTimings {
  return {
    offlineAfterMs: c.offlineAfterMs,
    releaseAfterMs: c.releaseAfterMs,
    unstableRttMs: 800,
    unstableReconnects: 3,
    reconnectWindowMs: 5 * 60_000,
  };
}

export async function openInfrastructure(config: Config, log: Logger = createLogger(config.logLevel)): Promise<Infrastructure> {
  // The embedded database's thread died and a fresh one serves (lib/pglite/host.ts): the
  // queries in flight failed UNAVAILABLE; the operator should hear of it.
  const db = await openDatabase({ ...config, onRestart: (err) => log.error("embedded database thread restarted", { err }) });
  let sessionSecret: string;
  try {
    await migrate(db, log);
    const settings = createSettingsRepository(db.prisma);
    sessionSecret = config.sessionSecret ?? (await settings.getOrCreate("sessionSecret", () => randomBytes(32).toString("hex")));
  } catch (err) {
    await db.close().catch(() => {}); // unreachable: the caller retries with a fresh pool
    throw err;
  }
  const nodeId = randomUUID();
  let redis: Infrastructure["redis"];
  let presence: PresenceStore;
  if (config.redisUrl) {
    redis = openRedis(config.redisUrl, log);
    const { createRedisPresenceStore } = await import("./presence/redis.store.js");
    let lastWarned = 0; // the store retries every flush: one line per 10 s is enough
    presence = createRedisPresenceStore(redis.cmd, presenceTimings(config), {
      nodeId,
      prefix: config.redisPrefix,
      onError: (err) => {
        if (Date.now() - lastWarned < 10_000) return;
        lastWarned = Date.now();
        log.warn("presence store: redis failed", { err: err instanceof Error ? err.message : String(err) });
      },
    });
  } else {
    presence = createMemoryPresenceStore(presenceTimings(config));
  }
  return {
    config, log, db, presence, redis, nodeId, sessionSecret,
    async close() {
      await presence.close();
      if (redis) await closeRedis(redis);
      await db.close();
    },
  };
}
