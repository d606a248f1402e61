// The three Redis connections of a node (the Socket.IO adapter's pub and sub, and one for
// commands), made to survive Redis going away: ioredis reconnects by itself with backoff;
// a command issued meanwhile waits in its offline queue and fails after a few reconnect
// attempts (maxRetriesPerRequest), and one on a stalled connection (open, but nothing
// comes back) fails after COMMAND_TIMEOUT_MS, so nothing waits for ever; every
// connection has an error listener (without one an 'error' event ends the process); and
// the adapter's fire-and-forget publish is given a catch, since a rejected publish nobody
// handles would end the process too. An outage is logged once when it starts and once
// when it ends.
import { Redis, type RedisOptions } from "ioredis";
import type { Logger } from "./logger.js";

export interface RedisConnections {
  pub: Redis;
  sub: Redis;
  cmd: Redis;
  /** Rate limits and socket caps (src/limits): commands auto-pipelined, so the counts of
   *  every event of one tick go to Redis in one write. */
  limits: Redis;
}

/** Publishes that fail (Redis down) are dropped: cross-node fan-out for that moment is
 *  lost, which the catch-up after the outage repairs (realtime/catch-up.ts); the write
 *  itself is durable. The outage is counted through the connections' error events. */
function guardPublish(client: Redis) {
  const publish = client.publish.bind(client) as (channel: string, message: string) => Promise<number>;
  const guarded = (channel: string, message: string) => {
    const p = publish(channel, message);
    p.catch(() => {});
    return p;
  };
  Object.assign(client, { publish: guarded });
}

/** Presence and readiness commands: Redis answers in a millisecond or two; a stall must
 *  not hold a handshake's `ready` (presence is recorded before it) for longer than this. */
const COMMAND_TIMEOUT_MS = 2000;

export function openRedis(url: string, log: Logger): RedisConnections {
  const opts: RedisOptions = { maxRetriesPerRequest: 3, lazyConnect: false };
  // The adapter subscribes at once, while the connection may still be in its handshake;
  // ioredis then sends its INFO ready check / CLIENT SETINFO after the SUBSCRIBE, the
  // check fails in subscriber mode and the subscriptions are silently lost (ioredis#2037:
  // the node never hears the others). A subscriber connection needs neither.
  const subOpts: RedisOptions = { ...opts, enableReadyCheck: false, disableClientInfo: true };
  const conns: RedisConnections = {
    pub: new Redis(url, opts),
    sub: new Redis(url, subOpts),
    cmd: new Redis(url, { ...opts, commandTimeout: COMMAND_TIMEOUT_MS }),
    limits: new Redis(url, { ...opts, commandTimeout: COMMAND_TIMEOUT_MS, enableAutoPipelining: true }),
  };
  for (const [name, client] of Object.entries(conns) as [keyof RedisConnections, Redis][]) {
    let down = false;
    client.on("error", (err: Error) => {
      if (down) return;
      down = true;
      log.warn("redis unreachable, reconnecting", { connection: name, err: err.message });
    });
    client.on("ready", () => {
      if (!down) return;
      down = false;
      log.info("redis reachable again", { connection: name });
    });
  }
  guardPublish(conns.pub);
  return conns;
}

export async function closeRedis(conns: RedisConnections) {
  await Promise.all(Object.values(conns).map((c: Redis) => c.quit())).catch(() => {});
}
