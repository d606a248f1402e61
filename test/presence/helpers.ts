// Shared test helpers: short timings, a change recorder, polling waits; the Redis probe
// (an error rather than a skip where Redis is required) comes from test/helpers/server.ts.
import { Redis } from "ioredis";
import type { PresenceChange, PresenceStore, PresenceTimings } from "../../src/presence/presence.types.js";

export const T: PresenceTimings = {
  offlineAfterMs: 300,
  releaseAfterMs: 900,
  unstableRttMs: 800,
  unstableReconnects: 3,
  reconnectWindowMs: 5 * 60_000,
  disconnectGraceMs: 100,
};
/** Timer tick + a Redis read and commit on a loaded test machine. */
export const SLACK_MS = 150;

export type Recorded = PresenceChange & { at: number };
export function record(...stores: PresenceStore[]): Recorded[] {
  const log: Recorded[] = [];
  for (const s of stores) s.onChange((c) => log.push({ ...c, at: Date.now() }));
  return log;
}
export const states = (log: Recorded[], id?: string) =>
  log.filter((c) => id === undefined || c.participant.id === id).map((c) => c.presence);

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 3000, what = "condition") {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}

export { connectRedis, REDIS_URL } from "../helpers/server.js";

/** Keys under a prefix, and those of them without a TTL (which would live forever). */
export async function keysUnder(r: Redis, prefix: string) {
  const keys: string[] = [];
  let cursor = "0";
  do {
    const [next, batch] = await r.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== "0");
  const ttls = keys.length ? await Promise.all(keys.map((k) => r.pttl(k))) : [];
  return { keys, forever: keys.filter((_, i) => ttls[i] === -1) }; // -2: expired meanwhile
}
