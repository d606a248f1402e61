// Rate limiters from rate-limiter-flexible, in two kinds. `cluster`: one budget across
// every node, in Redis when REDIS_URL is set (HTTP and handshake limits, per address or
// per account), in memory on a single node. `participant`: a socket event's budget per
// participant, in this node's memory first (1-3 µs, where a Redis round trip costs 16-146
// µs of CPU: a flood is refused here), then, when clustered, counted across the cluster
// in Redis (cluster-budgets.ts). A Redis that is down or
// stalls never turns into refusals or a hang: the Redis limiter answers from an
// in-memory insurance limiter at once when the connection is not ready, and after
// REDIS_TIMEOUT_MS when a command does not come back (insuredRedis below).
import type { Redis } from "ioredis";
import { BurstyRateLimiter, RateLimiterMemory, RateLimiterRedis, RateLimiterRes, RLWrapperTimeouts } from "rate-limiter-flexible";
import { AppError } from "../lib/errors.js";
import type { Logger } from "../lib/logger.js";
import { clusterBudget, createPause, type Wait } from "./cluster-budgets.js";
import type { Budget } from "./limits.rules.js";

const REDIS_TIMEOUT_MS = 250;

/** A Redis limiter that answers from `memory` when Redis does not: at once when the
 *  connection is not ready, after `timeoutMs` when a command does not come back. Only the
 *  timeout wrapper is insured, never the Redis limiter inside it: a stalled command that
 *  the wrapper already answered from memory still fails later on its own (ioredis'
 *  commandTimeout, lib/redis.ts, or the reconnect that flushes it), and an insured Redis
 *  limiter would then spend the same request's point in memory a second time (10 handshakes
 *  allowed, 8 let through). The wrapper hands `memory` its blockDuration: give it the same. */
export function insuredRedis(o: {
  client: Redis; memory: RateLimiterMemory; timeoutMs: number; keyPrefix: string; points: number; duration: number; blockDuration?: number;
}): RLWrapperTimeouts {
  const { client, memory, timeoutMs, ...budget } = o;
  const redis = new RateLimiterRedis({ ...budget, storeClient: client, rejectIfRedisNotReady: true });
  return new RLWrapperTimeouts({ limiter: redis, timeoutMs, insuranceLimiter: memory, blockDuration: budget.blockDuration });
}

type Store = {
  consume(key: string, points?: number): Promise<unknown>;
  reward(key: string, points?: number): Promise<unknown>;
  delete(key: string): Promise<unknown>;
};

export interface Limiter {
  /** Counts one; throws RATE_LIMITED with retryAfterMs past the budget. */
  hit(key: string): Promise<void>;
  /** Gives one back (an attempt that turned out fine). */
  refund(key: string): void;
  /** Forgets the key (a success that clears the slate). */
  reset(key: string): void;
}

export const rateLimited = (retryAfterMs: number, message = "too many requests, try again later") =>
  new AppError("RATE_LIMITED", message, undefined, Math.max(1, Math.ceil(retryAfterMs)));

/** A steady rate plus a burst per minute, per key, in this process's memory. */
function inMemory(name: string, b: Budget, failOpen: (name: string, err: unknown) => void): Wait {
  const steady = new RateLimiterMemory({ keyPrefix: `${name}:s`, points: b.perSecond, duration: 1 });
  const burst = new RateLimiterMemory({ keyPrefix: `${name}:b`, points: b.burst, duration: 60 });
  const limiter = new BurstyRateLimiter(steady, burst);
  return {
    wait: (key) =>
      limiter.consume(key).then(
        () => 0,
        (res: unknown) => {
          if (res instanceof RateLimiterRes) return Math.max(1, Math.ceil(res.msBeforeNext));
          failOpen(name, res);
          return 0;
        },
      ),
  };
}

export function createLimiters(d: { redis?: Redis; prefix: string; log: Logger }) {
  let lastWarned = 0;
  /** A limiter that could not answer (a bug, or both stores failing): let it through. */
  const failOpen = (name: string, err: unknown) => {
    if (Date.now() - lastWarned < 10_000) return;
    lastWarned = Date.now();
    d.log.warn("rate limiter failed, request let through", { limiter: name, err: err instanceof Error ? err.message : String(err) });
  };
  const pause = createPause();


  return {
    /** One budget for the whole cluster. */
    cluster(name: string, b: { points: number; durationSec: number }, message?: string): Limiter {
      const keyPrefix = `${d.prefix}rl:${name}`;
      const memory = new RateLimiterMemory({ keyPrefix, points: b.points, duration: b.durationSec });
      let store: Store = memory;
      if (d.redis) store = insuredRedis({ client: d.redis, memory, timeoutMs: REDIS_TIMEOUT_MS, keyPrefix, points: b.points, duration: b.durationSec });
      const quiet = (p: Promise<unknown>) => void p.catch((err: unknown) => failOpen(name, err));
      return {
        async hit(key) {
          try {
            await store.consume(key);
          } catch (res) {
            if (res instanceof RateLimiterRes) throw rateLimited(res.msBeforeNext, message);
            failOpen(name, res);
          }
        },
        refund: (key) => quiet(store.reward(key, 1)),
        reset: (key) => quiet(store.delete(key)),
      };
    },

    /** Per participant: a steady rate plus a burst per minute, on this node and (with
     *  Redis) across the cluster. `wait` answers how long to wait (ms) when over budget,
     *  else 0: a flood is refused thousands of times a second, so no Error (and its
     *  stack) is built per refusal. */
    participant(name: string, b: Budget): Wait {
      const local = inMemory(name, b, failOpen);
      if (!d.redis) return local;
      return clusterBudget({ client: d.redis, keyPrefix: `${d.prefix}rl:ev:${name}`, budget: b, local, pause, onError: (err) => failOpen(name, err) });
    },
  };
}
export type Limiters = ReturnType<typeof createLimiters>;
