// Fixed-window rate limiter with a bounded key table. Per node: behind a load balancer
// each node limits on its own, which still caps a password-guessing client.
import { AppError } from "./errors.js";

export function createRateLimiter(opts: { limit: number; windowMs: number; maxKeys?: number }) {
  const hits = new Map<string, { count: number; resetAt: number }>();
  const maxKeys = opts.maxKeys ?? 50_000;
  return {
    /** Counts a hit; throws RATE_LIMITED past the limit. */
    hit(key: string, now = Date.now()) {
      let e = hits.get(key);
      if (!e || e.resetAt <= now) {
        if (!e && hits.size >= maxKeys) {
          // Drop expired entries; if none expired, the oldest (Map keeps insertion order).
          for (const [k, v] of hits) if (v.resetAt <= now) hits.delete(k);
          if (hits.size >= maxKeys) hits.delete(hits.keys().next().value!);
        }
        e = { count: 0, resetAt: now + opts.windowMs };
        hits.set(key, e);
      }
      e.count++;
      if (e.count > opts.limit) throw new AppError("RATE_LIMITED", "too many attempts, try again later", undefined, e.resetAt - now);
    },
    /** Gives one hit back (an attempt that turned out fine). Counting first and refunding
     * after, rather than counting failures afterwards, also caps parallel bursts. */
    refund(key: string) {
      const e = hits.get(key);
      if (e && e.count > 0) e.count--;
    },
    reset(key: string) {
      hits.delete(key);
    },
    size: () => hits.size,
  };
}
