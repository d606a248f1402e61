// Concurrent sockets per participant and per address, summed over the cluster's live
// nodes in Redis. Each key is a hash with one field per node: the count that node holds,
// written as an absolute value (never an increment), so a write may be repeated or
// reordered after a retry without drifting. A node that dies stops counting once its
// liveness entry expires (LIVE_MS): the admit script drops the fields of nodes that are
// not live. After Redis failed a write (down, stalled), this node's fields may be wrong,
// so it starts a new epoch: it writes all its counts under a new field name and lets the
// old one die with its liveness. Until then, and whenever Redis does not answer, the
// node's own caps decide alone (socket-caps.ts): an outage never refuses a socket.
import type { Redis } from "ioredis";

/** A node's liveness lasts this long unless refreshed (every REFRESH_MS). */
export const LIVE_MS = 30_000;
const REFRESH_MS = 5000;
/** A count hash outlives its last write by this much (for participants who never return). */
const KEY_TTL_MS = 24 * 3600_000;
const ADMIT_TIMEOUT_MS = 250;

// KEYS[1]: the live-node set (epoch -> expiry, ms); KEYS[2..]: count hashes.
// ARGV: epoch, now, key ttl, then per hash: this node's count with the new socket, cap.
// Returns 0 and records the counts, or the (1-based) index of the first hash at its cap.
const ADMIT = `
local epoch, now = ARGV[1], tonumber(ARGV[2])
for i = 2, #KEYS do
  local fields, others = redis.call('HGETALL', KEYS[i]), 0
  for j = 1, #fields, 2 do
    if fields[j] ~= epoch then
      local alive = redis.call('ZSCORE', KEYS[1], fields[j])
      if alive and tonumber(alive) > now then others = others + tonumber(fields[j + 1])
      else redis.call('HDEL', KEYS[i], fields[j]) end
    end
  end
  if others + tonumber(ARGV[2 * i]) > tonumber(ARGV[2 * i + 1]) then return i - 1 end
end
for i = 2, #KEYS do
  redis.call('HSET', KEYS[i], epoch, ARGV[2 * i])
  redis.call('PEXPIRE', KEYS[i], ARGV[3])
end
return 0`;

type AdmitClient = Redis & { hfCapsAdmit(...args: (string | number)[]): Promise<number> };

export interface SharedCounts {
  /** With this node's counts after the new socket: true if within every cap across the
   *  cluster (recorded), false if one is full, null when Redis did not answer. */
  admit(counts: [key: string, n: number, cap: number][]): Promise<boolean | null>;
  /** This node's count for a key changed (a socket went, or a refusal was given back). */
  record(key: string, n: number): void;
  close(): Promise<void>;
}

export function createSharedCounts(o: {
  client: Redis; prefix: string; nodeId: string; localCounts: () => Iterable<[string, number]>; now?: () => number;
}): SharedCounts {
  const now = o.now ?? Date.now;
  const client = o.client as AdmitClient;
  if (!client.hfCapsAdmit) client.defineCommand("hfCapsAdmit", { lua: ADMIT });
  const nodes = `${o.prefix}caps:nodes`;
  const hash = (key: string) => `${o.prefix}caps:${key}`;
  let generation = 0;
  let epoch = `${o.nodeId}:${generation}`;
  let stale = true; // nothing written yet: the first refresh registers this node
  let closed = false;

  const failed = () => void (stale = true);
  const usable = () => !stale && client.status === "ready";

  /** Liveness, and after a failure a new epoch carrying every count this node holds. */
  async function refresh() {
    if (client.status !== "ready") return;
    try {
      // The set itself expires too, once no node refreshes it (every key has a TTL).
      if (!stale) return void (await client.multi().zadd(nodes, now() + LIVE_MS, epoch).pexpire(nodes, 2 * LIVE_MS).exec());
      const next = `${o.nodeId}:${++generation}`;
      const batch = client.multi().zadd(nodes, now() + LIVE_MS, next).zrem(nodes, epoch).zremrangebyscore(nodes, "-inf", now()).pexpire(nodes, 2 * LIVE_MS);
      for (const [key, n] of o.localCounts()) batch.hset(hash(key), next, n).pexpire(hash(key), KEY_TTL_MS);
      await batch.exec();
      [epoch, stale] = [next, false];
    } catch {
      failed();
    }
  }
  // At once when the connection is (again) ready: the sooner the counts are right again.
  const onReady = () => void refresh();
  client.on("ready", onReady);
  if (client.status === "ready") onReady();
  const timer = setInterval(onReady, REFRESH_MS);
  timer.unref();

  return {
    admit(counts) {
      // Admitted by this node alone, its count goes unrecorded: rewrite them all later.
      if (!usable()) return (failed(), Promise.resolve(null));
      const args = counts.flatMap(([, n, cap]) => [n, cap]);
      return new Promise((resolve) => {
        const timer = setTimeout(() => (failed(), resolve(null)), ADMIT_TIMEOUT_MS);
        client.hfCapsAdmit(1 + counts.length, nodes, ...counts.map(([key]) => hash(key)), epoch, now(), KEY_TTL_MS, ...args).then(
          (full) => (clearTimeout(timer), resolve(full === 0)),
          () => (clearTimeout(timer), failed(), resolve(null)),
        );
      });
    },
    record(key, n) {
      if (!usable()) return failed();
      const write = n > 0 ? client.hset(hash(key), epoch, n) : client.hdel(hash(key), epoch);
      write.catch(failed);
    },
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      client.off("ready", onReady);
      // The others stop counting this node's sockets at once, not after LIVE_MS.
      if (client.status === "ready") await client.zrem(nodes, epoch).catch(() => {});
    },
  };
}
