// Node liveness for the Redis presence store, and the duties of every node's poll.
// Each node refreshes its entry in the `nodes` zset every pollMs (stamped with Redis's
// clock); one silent for longer than nodeTtlMs is dead:
// - availableAgents() stops counting agents whose devices all sit on silent nodes at
//   once (it reads `nodes` for the available agents' devices only);
// - the next poll of a node that has itself been alive for nodeTtlMs reaps it: its devices
//   (listed in its `nd:` set) leave every participant, the last one as disconnected at
//   the dead node's last refresh, so with nodeTtlMs above the disconnect grace those
//   participants are offline at once, and they are made due now, so the same poll
//   evaluates and announces them. A node that just started or was itself cut off reaps
//   nobody for nodeTtlMs: after a Redis-wide outage every node gets that long to refresh.
// - a node that finds itself reaped (wrongly: it was frozen or cut off) or finds Redis
//   empty registers all its devices again.
// kill -9 at K: the last refresh was after K - pollMs, so the reap comes before
// K + nodeTtlMs + pollMs; a live node is declared dead only after ~nodeTtlMs - pollMs
// without a refresh (an event-loop stall, a Redis hiccup).
import type { Redis } from "ioredis";
import type { DeviceInfo, Participant } from "./presence.types.js";
import type { Local, LocalEntries } from "./redis.local.js";
import type { PresenceScripts, ScriptPipeline } from "./redis.scripts.js";

/** Lua for CONNECT and DISCONNECT (redis.scripts.ts): a node's `nd:` set follows its
 *  devices. A node is listed before it registers any (its first poll); one that is not
 *  (reaped meanwhile, or Redis lost its data) is listed as silent, score 0: within a
 *  poll it is reaped again, or it refreshes and registers everything again. */
export const NODE_DEVICES = `
local function nodeGains(P, node, pk, ttl)
  redis.call('SADD', P .. 'nd:' .. node, pk); redis.call('PEXPIRE', P .. 'nd:' .. node, ttl)
  if redis.call('ZADD', P .. 'nodes', 'NX', 0, node) == 1 then redis.call('PEXPIRE', P .. 'nodes', ttl) end
end
local function nodeLoses(P, node, pk)
  local pre = node .. '|'
  for _, f in ipairs(redis.call('HKEYS', P .. 'd:' .. pk)) do if string.sub(f, 1, #pre) == pre then return end end
  redis.call('SREM', P .. 'nd:' .. node, pk)
end
`;

const NOW_MS = `
local function nowMs()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
`;

const REAP = `${NOW_MS}
local P = ARGV[1]
local function reap(node, diedAt)
  local pre = node .. '|'
  for _, pk in ipairs(redis.call('SMEMBERS', P .. 'nd:' .. node)) do
    local s, d = P .. 'p:' .. pk, P .. 'd:' .. pk
    local removed = 0
    for _, f in ipairs(redis.call('HKEYS', d)) do
      if string.sub(f, 1, #pre) == pre then redis.call('HDEL', d, f); removed = removed + 1 end
    end
    if removed > 0 and redis.call('EXISTS', s) == 1 then
      if redis.call('HLEN', d) == 0 and (redis.call('HGET', s, 'ds') or '') == '' then redis.call('HSET', s, 'ds', diedAt) end
      redis.call('HINCRBY', s, 'v', 1)
      redis.call('ZADD', P .. 'due', 0, pk)
    end
  end
  redis.call('DEL', P .. 'nd:' .. node)
  redis.call('ZREM', P .. 'nodes', node)
end
`;

/** ARGV: P, node, nodeTtl, keyTtl, mayReap, seen. Returns { was, now }: what this node
 *  was (2 alive, 1 silent past nodeTtl or listed by a registration only, 0 absent: reaped,
 *  or Redis lost its data) and the stamp it now has. Liveness runs on Redis's clock: no
 *  skew, and a refresh that was held up on the way (a stalled link) counts from when it
 *  arrives. It reaps only if this node's entry still holds `seen`, the stamp its previous
 *  refresh returned, and that stamp is recent (under nodeTtl / 2): a refresh that waited
 *  through an outage or a stall (in ioredis' offline queue, or on a stalled socket, its
 *  promise long rejected by the command timeout) finds an old stamp, or a newer one left by
 *  another such refresh, and reaps nobody. When every node's stamp is old after an outage,
 *  no node loses its devices; a dead node was silent for nodeTtl while the reaper was not. */
const ALIVE = `${REAP}
local node, nodes = ARGV[2], P .. 'nodes'
local now = nowMs()
local cutoff = now - tonumber(ARGV[3])
local prev = redis.call('ZSCORE', nodes, node)
local was = 0
if prev then was = (tonumber(prev) >= cutoff) and 2 or 1 end
redis.call('ZADD', nodes, now, node)
redis.call('PEXPIRE', nodes, ARGV[4]); redis.call('PEXPIRE', P .. 'nd:' .. node, ARGV[4])
-- The reaper itself refreshed within half the TTL (its own refreshes were not held up
-- with the others'), and nothing refreshed it since (not a stale queued command).
if ARGV[5] == '1' and prev and now - tonumber(prev) < tonumber(ARGV[3]) / 2 and tonumber(prev) == tonumber(ARGV[6]) then
  local dead = redis.call('ZRANGEBYSCORE', nodes, '-inf', string.format('(%d', cutoff), 'WITHSCORES', 'LIMIT', 0, 10)
  for i = 1, #dead, 2 do reap(dead[i], dead[i + 1]) end
end
return { was, now }`;

/** ARGV: P, node. A node that shuts down reaps itself (its sockets closed just now). */
const LEAVE = `${REAP}
reap(ARGV[2], nowMs())
return 1`;

/** ARGV: P, nodeTtl. Available agents with a device on a node that refreshed within nodeTtl. */
const AVAILABLE = `${NOW_MS}
local P, fresh, out = ARGV[1], {}, {}
local cutoff = nowMs() - tonumber(ARGV[2])
for _, id in ipairs(redis.call('SDIFF', P .. 'avail', P .. 'away')) do
  for _, f in ipairs(redis.call('HKEYS', P .. 'd:agent:' .. id)) do
    local node = string.match(f, '^([^|]*)|') or ''
    if fresh[node] == nil then
      local s = redis.call('ZSCORE', P .. 'nodes', node)
      fresh[node] = s ~= false and tonumber(s) >= cutoff
    end
    if fresh[node] then out[#out + 1] = id; break end
  end
end
return out`;

export const NODE_SCRIPTS = { hfpAlive: ALIVE, hfpLeave: LEAVE, hfpAvailable: AVAILABLE };

/** Due participants evaluated per Redis read, and at most ten such pages per poll. */
const PAGE = 1000;

export function createNodeDuties(g: {
  redis: Redis & PresenceScripts; P: string; nodeId: string; now: () => number;
  nodeTtlMs: number; orphanSlackMs: number; keyTtl: number;
  entries: LocalEntries; closing: () => boolean;
  connectArgs: (e: Local, d: DeviceInfo) => (string | number)[];
  recompute: (list: Local[]) => Promise<void>;
  unwrap: <T>(res: [Error | null, unknown][] | null) => T[];
}) {
  const { redis, P, nodeId, now } = g;
  const pipe = () => redis.pipeline() as unknown as ScriptPipeline;
  let aliveSince: number | null = null; // since when this node's refreshes found it alive
  let seen = ""; // the stamp (Redis's clock) that this node's last refresh left
  let refreshing = false, adopting = false, registering = false;
  let lost = false; // this node's devices must be registered again
  let first = true; // the poll made at creation, queued before any device of this node

  const entry = (pk: string) => {
    const i = pk.indexOf(":");
    return g.entries.get({ type: pk.slice(0, i) as Participant["type"], id: pk.slice(i + 1) });
  };

  /** Every device this node holds, registered again, then evaluated. */
  async function register() {
    registering = true;
    try {
      const list = g.entries.withDevices();
      for (let i = 0; i < list.length; i += PAGE) {
        const pl = pipe();
        for (const e of list.slice(i, i + PAGE)) for (const d of e.devices.values()) pl.hfpConnect(...g.connectArgs(e, d));
        g.unwrap(await pl.exec());
      }
      lost = false;
      await g.recompute(list);
    } finally {
      registering = false;
    }
  }

  /** Deadlines that no live node handled (overdue by orphanSlackMs, or made due by a reap). */
  async function adopt(overdue: string[]) {
    adopting = true;
    try {
      let page = overdue;
      for (let n = 0; n < 10 && page.length; n++) {
        await g.recompute(page.map(entry));
        if (page.length < PAGE) break;
        page = await redis.zrangebyscore(`${P}due`, "-inf", now() - g.orphanSlackMs, "LIMIT", 0, PAGE);
      }
    } finally {
      adopting = false;
    }
  }

  /** Every pollMs: this node's liveness (never held up by the slower duties), reaping, adoption. */
  async function poll() {
    if (refreshing || g.closing()) return;
    refreshing = true;
    let due: string[] = [];
    const initial = first;
    first = false;
    try {
      const at = now();
      const mayReap = aliveSince !== null && at - aliveSince >= g.nodeTtlMs ? 1 : 0;
      const m = (redis.multi() as unknown as ScriptPipeline)
        .hfpAlive(P, nodeId, g.nodeTtlMs, g.keyTtl, mayReap, seen)
        .pexpire(`${P}due`, g.keyTtl).pexpire(`${P}avail`, g.keyTtl).pexpire(`${P}away`, g.keyTtl);
      if (!adopting) m.zrangebyscore(`${P}due`, "-inf", at - g.orphanSlackMs, "LIMIT", 0, PAGE);
      let res: unknown[];
      try {
        res = g.unwrap<unknown>(await m.exec());
      } catch (err) {
        // Redis did not answer: whether this node still counts as alive is unknown, and the
        // others may be cut off too. It reaps again only after nodeTtlMs of answered
        // refreshes, which gives every node that long to reconnect.
        aliveSince = null;
        throw err;
      }
      const [was, stamp] = res[0] as [number, number];
      seen = String(stamp);
      if (was !== 2) {
        // Not alive as far as the others know: reaped, cut off, or Redis lost its data. Our
        // devices may be gone from Redis (not on the very first refresh: none predates it).
        if (!initial) lost = true;
        aliveSince = at;
      } else if (aliveSince === null) aliveSince = at;
      due = (res[4] as string[] | undefined) ?? [];
    } finally {
      refreshing = false;
    }
    if (lost && !registering) await register();
    if (due.length) await adopt(due);
  }

  return {
    poll,
    leave: () => redis.hfpLeave(P, nodeId),
    available: () => redis.hfpAvailable(P, g.nodeTtlMs),
  };
}
