// Shared test helpers: short timings, a change recorder, polling waits, and a Redis probe
// that fails (instead of skipping) when CI=true and Redis does not answer.
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

export const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
/** A connected client, or null when Redis does not answer (an error under CI=true). */
export async function connectRedis(): Promise<Redis | null> {
  const r = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 1000, retryStrategy: () => null });
  r.on("error", () => {});
  try {
    await r.connect();
    await r.ping();
    return r;
  } catch (err) {
    r.disconnect();
    if (process.env.CI === "true") throw new Error(`Redis at ${REDIS_URL} does not answer and CI=true: ${err}`);
    return null;
  }
}

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
