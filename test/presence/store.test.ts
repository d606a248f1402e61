// Runs the shared PresenceStore suite against both implementations. The Redis run needs
// Redis (REDIS_URL or redis://127.0.0.1:6379): skipped when absent, a failure under CI=true.
import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { createMemoryPresenceStore } from "../../src/presence/memory.store.js";
import type { PresenceStore } from "../../src/presence/presence.types.js";
import { createRedisPresenceStore } from "../../src/presence/redis.store.js";
import { connectRedis, keysUnder, T } from "./helpers.js";
import { presenceStoreSuite } from "./store.suite.js";

const made: PresenceStore[] = [];
const closeAll = async () => {
  await Promise.all(made.map((s) => s.close()));
  made.length = 0;
};

presenceStoreSuite("memory", {
  setup: async () => true,
  create({ timings, ...opts } = {}) {
    const store = createMemoryPresenceStore({ ...T, ...timings }, opts);
    made.push(store);
    return { store, keys: async () => ({ keys: [], forever: [] }) };
  },
  cleanup: closeAll,
  teardown: async () => {},
});

let redis: Redis | null = null;
presenceStoreSuite("redis", {
  async setup() {
    redis = await connectRedis();
    return redis !== null;
  },
  create({ timings, ...opts } = {}) {
    const prefix = `hftest:${randomUUID()}:`;
    const store = createRedisPresenceStore(redis!, { ...T, ...timings }, {
      nodeId: randomUUID(), prefix, flushMs: 50, pollMs: 100, orphanSlackMs: 200, ...opts,
    });
    made.push(store);
    return { store, keys: () => keysUnder(redis!, prefix) };
  },
  cleanup: closeAll,
  async teardown() {
    await redis?.quit();
  },
});
