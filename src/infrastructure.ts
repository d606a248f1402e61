// What the application needs from the outside world, opened once by index.ts (or by a
// test, with its own configuration): configuration, logger, database, Redis, the
// presence store, and this node's identity and session secret.
import { randomBytes, randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import type { Config } from "./config.js";
import { openDatabase, type Database } from "./lib/db.js";
import { createLogger, type Logger } from "./lib/logger.js";
import { migrate } from "./lib/migrate.js";
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
  redis?: { pub: Redis; sub: Redis; cmd: Redis };
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
  const db = await openDatabase(config);
  await migrate(db, log);
  const settings = createSettingsRepository(db.prisma);
  const sessionSecret =
    config.sessionSecret ?? (await settings.getOrCreate("sessionSecret", () => randomBytes(32).toString("hex")));
  const nodeId = randomUUID();
  let redis: Infrastructure["redis"];
  let presence: PresenceStore;
  if (config.redisUrl) {
    const opts = { maxRetriesPerRequest: 3, lazyConnect: false };
    // The adapter subscribes at once, while the connection may still be in its handshake;
    // ioredis then sends its INFO ready check / CLIENT SETINFO after the SUBSCRIBE, the
    // check fails in subscriber mode and the subscriptions are silently lost (ioredis#2037:
    // the node never hears the others). A subscriber connection needs neither.
    const subOpts = { ...opts, enableReadyCheck: false, disableClientInfo: true };
    redis = { pub: new Redis(config.redisUrl, opts), sub: new Redis(config.redisUrl, subOpts), cmd: new Redis(config.redisUrl, opts) };
    // ioredis reconnects by itself; without a listener an error event would be thrown as
    // "Unhandled error event" (and is, at shutdown, for commands racing the close).
    for (const [name, client] of Object.entries(redis)) {
      client.on("error", (err: Error) => log.warn("redis connection error", { connection: name, err: err.message }));
    }
    const { createRedisPresenceStore } = await import("./presence/redis.store.js");
    presence = createRedisPresenceStore(redis.cmd, presenceTimings(config), { nodeId });
  } else {
    presence = createMemoryPresenceStore(presenceTimings(config));
  }
  return {
    config, log, db, presence, redis, nodeId, sessionSecret,
    async close() {
      await presence.close();
      if (redis) await Promise.all([redis.pub.quit(), redis.sub.quit(), redis.cmd.quit()]).catch(() => {});
      await db.close();
    },
  };
}
