// Login throttling: ONE budget for every password sign-in (the console's POST /login and
// POST /api/agent/token), kept in Redis when there is one, so that every node counts the
// same attempts (rate-limiter-flexible's brute-force recipe: consecutive failures per
// username and address, and failures per address). The rules are login-throttle.rules.ts.
//
// An attempt is counted before its password is checked and given back when it succeeds,
// so that a burst of parallel guesses cannot all slip past a count nobody has raised yet.
// While Redis cannot be reached each node counts in memory: sign-in keeps working, with
// per-node budgets meanwhile, rather than every login failing with the outage.
import type { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import { AppError } from "../lib/errors.js";
import { insuredRedis } from "../limits/limiter.js";
import {
  ADDRESS_BLOCK_S, ADDRESS_FAILURES, ADDRESS_WINDOW_S, addressKey, delaySeconds, FAILURES_WINDOW_S, FREE_FAILURES, MAX_DELAY_S,
} from "./login-throttle.rules.js";

/** A Redis command that takes longer than this (a stalled link) is answered from memory. */
const REDIS_TIMEOUT_MS = 500;

type Limiter = Pick<RateLimiterAbstract, "consume" | "penalty" | "reward" | "delete">;
interface LimiterOptions {
  keyPrefix: string;
  points: number;
  duration: number;
  blockDuration?: number;
}

function limiter(opts: LimiterOptions, redis: { client: Redis; prefix: string } | undefined): Limiter {
  const memory = new RateLimiterMemory({ ...opts });
  if (!redis) return memory;
  return insuredRedis({ ...opts, keyPrefix: `${redis.prefix}${opts.keyPrefix}`, client: redis.client, memory, timeoutMs: REDIS_TIMEOUT_MS });
}

function limited(rejection: unknown): unknown {
  if (!(rejection instanceof RateLimiterRes)) return rejection; // not a limit: a store failure
  const ms = Math.max(1, Math.ceil(rejection.msBeforeNext));
  return new AppError("RATE_LIMITED", `Too many attempts. Try again in ${Math.ceil(ms / 1000)} s.`, undefined, ms);
}

export function createLoginThrottle(opts: { redis?: Redis; redisPrefix: string }) {
  const redis = opts.redis ? { client: opts.redis, prefix: opts.redisPrefix } : undefined;
  // Failures of each address, all accounts together.
  const perAddress = limiter({ keyPrefix: "login:address", points: ADDRESS_FAILURES, duration: ADDRESS_WINDOW_S, blockDuration: ADDRESS_BLOCK_S }, redis);
  // Consecutive failures of each (account, address): a count, never refused by itself.
  const failures = limiter({ keyPrefix: "login:failures", points: FREE_FAILURES, duration: FAILURES_WINDOW_S }, redis);
  // One attempt per delay window once the free failures are spent.
  const gate = limiter({ keyPrefix: "login:gate", points: 1, duration: MAX_DELAY_S }, redis);

  return {
    /** Runs `check` (the password check: a result, or null for wrong credentials) under
     *  the budget of this account and client address; throws RATE_LIMITED instead while
     *  that budget says wait. */
    async attempt<T>(email: string, ip: string, check: () => Promise<T | null>): Promise<T | null> {
      const address = addressKey(ip);
      const pair = `${address} ${email}`;
      await perAddress.consume(address).catch((rej: unknown) => Promise.reject(limited(rej)));
      const giveBack = () => Promise.all([perAddress.reward(address), failures.reward(pair)]);
      const n = (await failures.penalty(pair)).consumedPoints;
      if (n >= FREE_FAILURES) {
        // The window opens with this attempt: the next one waits it out.
        await gate.consume(pair, 1, { customDuration: delaySeconds(n) }).catch(async (rej: unknown) => {
          await giveBack(); // a refused attempt checks nothing, so it costs nothing
          throw limited(rej);
        });
      }
      let result: T | null;
      try {
        result = await check();
      } catch (err) {
        await giveBack().catch(() => {}); // the password was never judged
        throw err;
      }
      if (result !== null) await Promise.all([perAddress.reward(address), failures.delete(pair), gate.delete(pair)]);
      return result;
    },
  };
}
export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
