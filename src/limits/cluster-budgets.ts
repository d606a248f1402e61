// A participant's event budget across the cluster (PROTOCOL.md section 3): a visitor with
// a socket on each of two nodes gets one budget, not two. Each event is judged first by
// this node's in-memory budget (the same budget, 1-3 µs): a flood from one socket is
// refused there and never reaches Redis. An event this node lets through is then counted
// in Redis, where every node's counts for the participant meet; the limits connection is
// auto-pipelined (lib/redis.ts), so all the counts of one tick leave in one write.
// Redis that is down or slow never delays nor refuses an event for its own sake: when the
// connection is not ready, or a count has not come back within COUNT_TIMEOUT_MS, this
// node's verdict stands, and Redis is left alone for PAUSE_MS before it is asked again
// (a stall would otherwise cost every event the whole timeout).
import type { Redis } from "ioredis";
import { BurstyRateLimiter, RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import { createDeadlines } from "./deadlines.js";
import type { Budget } from "./limits.rules.js";

export const COUNT_TIMEOUT_MS = 100;
export const PAUSE_MS = 1000;

export interface Wait {
  /** How long (ms) the key must wait before its next event, 0 within its budget. */
  wait(key: string): Promise<number>;
}

/** One pause shared by every budget of a node: a Redis that stalls for one stalls for all. */
export function createPause(now = () => Date.now()) {
  let until = 0;
  return { active: () => now() < until, start: () => void (until = now() + PAUSE_MS) };
}
export type Pause = ReturnType<typeof createPause>;

const LATE = Symbol("late");

export function clusterBudget(o: {
  client: Redis; keyPrefix: string; budget: Budget; local: Wait; pause: Pause; onError(err: unknown): void;
}): Wait {
  const redis = (points: number, duration: number, suffix: string) =>
    new RateLimiterRedis({ storeClient: o.client, keyPrefix: `${o.keyPrefix}:${suffix}`, points, duration, rejectIfRedisNotReady: true });
  const shared = new BurstyRateLimiter(redis(o.budget.perSecond, 1, "s"), redis(o.budget.burst, 60, "b"));

  const deadlines = createDeadlines(COUNT_TIMEOUT_MS);

  const count = (key: string): Promise<number | typeof LATE> =>
    new Promise((resolve) => {
      const inTime = deadlines.start(() => resolve(LATE));
      shared.consume(key).then(
        () => inTime() && resolve(0),
        (res: unknown) => {
          const open = inTime();
          if (!(res instanceof RateLimiterRes)) return void (o.onError(res), open && resolve(LATE));
          if (open) resolve(Math.max(1, Math.ceil(res.msBeforeNext)));
        },
      );
    });

  return {
    async wait(key) {
      const local = await o.local.wait(key);
      if (local > 0 || o.client.status !== "ready" || o.pause.active()) return local;
      const shared = await count(key);
      if (shared !== LATE) return shared;
      o.pause.start();
      return 0;
    },
  };
}
