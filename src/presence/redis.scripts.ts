// Lua for the Redis presence store: each script is one atomic step, so nodes never
// interleave half-updates. Keys (P = prefix, pk = "type:id"):
//   P p:pk   hash  pr presence · lt last traffic · v input version · ds disconnected since
//                  · rt RTT csv · rc reconnect times csv · rn last handshake reconnects
//   P d:pk   hash  "nodeId|socketId" -> "transport|reconnects|connectedAt"
//   P nodes  zset  nodeId -> its last liveness refresh; P nd:node  set  pk with a device there
//                  (liveness and reaping of dead nodes: redis.nodes.ts)
//   P due    zset  pk -> next deadline: lets a live node adopt the participants of a dead one
//   P avail / P away  sets of agent ids
// Keys are built inside the scripts from the prefix, so this targets a standalone Redis
// (or one Sentinel-managed primary), not Redis Cluster; ZADD GT needs Redis >= 6.2.
import type { ChainableCommander, Redis } from "ioredis";
import type { Presence } from "../events.js";
import type { DeviceInfo } from "./presence.types.js";
import { NODE_DEVICES, NODE_SCRIPTS } from "./redis.nodes.js";

const CSV = `
local P = ARGV[1]
local function csvAppend(cur, add, max)
  local all = {}
  if cur and cur ~= '' then for x in string.gmatch(cur, '[^,]+') do all[#all + 1] = x end end
  for x in string.gmatch(add, '[^,]+') do all[#all + 1] = x end
  return table.concat(all, ',', math.max(1, #all - max + 1), #all)
end
`;

/** ARGV: P, keyTtl, offlineAfterMs, then (pk, lastTraffic, rttCsv)*. Per participant: its
 *  stored presence, or "skip" when there is nothing to keep alive (unknown, or left with no
 *  device). Newer traffic also pushes the participant's `due` score later (XX GT: only an
 *  existing member, only forward), as a watching node may re-arm without a read. */
const TOUCH = `${CSV}
local out = {}
for i = 4, #ARGV, 3 do
  local pk = ARGV[i]
  local s, d = P .. 'p:' .. pk, P .. 'd:' .. pk
  local pr = redis.call('HGET', s, 'pr')
  if redis.call('EXISTS', s) == 0 or (pr == 'left' and redis.call('HLEN', d) == 0) then
    out[#out + 1] = 'skip'
  else
    local changed = false
    if tonumber(ARGV[i + 1]) > (tonumber(redis.call('HGET', s, 'lt')) or 0) then
      redis.call('HSET', s, 'lt', ARGV[i + 1]); changed = true
      redis.call('ZADD', P .. 'due', 'XX', 'GT', tonumber(ARGV[i + 1]) + tonumber(ARGV[3]), pk)
    end
    if ARGV[i + 2] ~= '' then
      redis.call('HSET', s, 'rt', csvAppend(redis.call('HGET', s, 'rt'), ARGV[i + 2], 20)); changed = true
    end
    if changed then redis.call('HINCRBY', s, 'v', 1) end
    redis.call('PEXPIRE', s, ARGV[2]); redis.call('PEXPIRE', d, ARGV[2])
    out[#out + 1] = pr or 'offline'
  end
end
return out`;

/** ARGV: P, pk, now. Returns { state hash flat, live devices flat }. A device counts while
 *  its node is listed in `nodes`: reaping removes a dead node's devices with it; this drops
 *  what reaping could not list (a device registered by a node after it was reaped). */
const READ = `
local P, pk = ARGV[1], ARGV[2]
local s, d = P .. 'p:' .. pk, P .. 'd:' .. pk
local devs = redis.call('HGETALL', d)
local live, alive, removed = {}, {}, 0
for i = 1, #devs, 2 do
  local node = string.match(devs[i], '^([^|]*)|') or ''
  local ok = alive[node]
  if ok == nil then ok = redis.call('ZSCORE', P .. 'nodes', node) ~= false; alive[node] = ok end
  if ok then live[#live + 1] = devs[i]; live[#live + 1] = devs[i + 1]
  else redis.call('HDEL', d, devs[i]); removed = removed + 1 end
end
if removed > 0 and redis.call('EXISTS', s) == 1 then
  if #live == 0 and (redis.call('HGET', s, 'ds') or '') == '' then redis.call('HSET', s, 'ds', ARGV[3]) end
  redis.call('HINCRBY', s, 'v', 1)
end
return { redis.call('HGETALL', s), live }`;

/** ARGV: P, pk, type, id, version read, previous, next, nextAt|'', keyTtl, releasedTtl.
 *  The compare-and-set: a change is written only if neither the presence nor any input
 *  changed since the read, so exactly one node announces each change. 1 = done, 0 = retry. */
const COMMIT = `
local P, pk, kind, id, prev, nxt = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[6], ARGV[7]
local s, d = P .. 'p:' .. pk, P .. 'd:' .. pk
if redis.call('EXISTS', s) == 0 then
  redis.call('ZREM', P .. 'due', pk)
  if nxt == prev then return 1 else return 0 end
end
if nxt ~= prev then
  local pr = redis.call('HGET', s, 'pr') or 'offline'
  if pr ~= prev or (redis.call('HGET', s, 'v') or '0') ~= ARGV[5] then return 0 end
  redis.call('HSET', s, 'pr', nxt)
  if kind == 'agent' then
    if nxt == 'online' or nxt == 'unstable' then redis.call('SADD', P .. 'avail', id)
    else redis.call('SREM', P .. 'avail', id) end
  end
end
if nxt == 'left' and redis.call('HLEN', d) == 0 then
  redis.call('ZREM', P .. 'due', pk)
  redis.call('PEXPIRE', s, ARGV[10])
  if kind == 'agent' then redis.call('SREM', P .. 'away', id) end
  return 1
end
if ARGV[8] == '' then redis.call('ZREM', P .. 'due', pk) else redis.call('ZADD', P .. 'due', ARGV[8], pk) end
redis.call('PEXPIRE', s, ARGV[9]); redis.call('PEXPIRE', d, ARGV[9])
return 1`;

/** ARGV: P, pk, node, socketId, device, now, reconnects, keyTtl, countReconnect. */
const CONNECT = `${CSV}${NODE_DEVICES}
local pk = ARGV[2]
local s, d = P .. 'p:' .. pk, P .. 'd:' .. pk
redis.call('HSET', d, ARGV[3] .. '|' .. ARGV[4], ARGV[5])
nodeGains(P, ARGV[3], pk, ARGV[8])
if tonumber(ARGV[6]) > (tonumber(redis.call('HGET', s, 'lt')) or 0) then redis.call('HSET', s, 'lt', ARGV[6]) end
redis.call('HSET', s, 'ds', '', 'rn', ARGV[7])
if ARGV[9] == '1' then redis.call('HSET', s, 'rc', csvAppend(redis.call('HGET', s, 'rc'), ARGV[6], 20)) end
redis.call('HINCRBY', s, 'v', 1)
redis.call('PEXPIRE', s, ARGV[8]); redis.call('PEXPIRE', d, ARGV[8])
return 1`;

/** ARGV: P, pk, node, socketId, now. */
const DISCONNECT = `${NODE_DEVICES}
local P, pk = ARGV[1], ARGV[2]
local s, d = P .. 'p:' .. pk, P .. 'd:' .. pk
if redis.call('HDEL', d, ARGV[3] .. '|' .. ARGV[4]) == 0 then return 0 end
nodeLoses(P, ARGV[3], pk)
if redis.call('EXISTS', s) == 1 then
  if redis.call('HLEN', d) == 0 then redis.call('HSET', s, 'ds', ARGV[5]) end
  redis.call('HINCRBY', s, 'v', 1)
end
return 1`;

/** ARGV: P, pk, node, socketId, device. Updates a device only if it is still registered. */
const SETDEV = `
local d, f = ARGV[1] .. 'd:' .. ARGV[2], ARGV[3] .. '|' .. ARGV[4]
if redis.call('HEXISTS', d, f) == 1 then redis.call('HSET', d, f, ARGV[5]) end
return 1`;

type Call<R> = (...args: (string | number)[]) => Promise<R>;
export interface PresenceScripts {
  hfpTouch: Call<string[]>;
  hfpRead: Call<[string[], string[]]>;
  hfpCommit: Call<number>;
  hfpConnect: Call<number>;
  hfpDisconnect: Call<number>;
  hfpSetDev: Call<number>;
  hfpAlive: Call<[number, number]>;
  hfpLeave: Call<number>;
  hfpAvailable: Call<string[]>;
}
export type ScriptPipeline = ChainableCommander & { [K in keyof PresenceScripts]: (...a: (string | number)[]) => ScriptPipeline };

/** Registers the scripts on the connection (ioredis sends EVALSHA, falling back to EVAL). */
export function withScripts(redis: Redis): Redis & PresenceScripts {
  const own = { hfpTouch: TOUCH, hfpRead: READ, hfpCommit: COMMIT, hfpConnect: CONNECT, hfpDisconnect: DISCONNECT, hfpSetDev: SETDEV };
  for (const [name, lua] of Object.entries({ ...own, ...NODE_SCRIPTS })) {
    if (!(name in redis)) redis.defineCommand(name, { numberOfKeys: 0, lua });
  }
  return redis as Redis & PresenceScripts;
}

/** One participant's state as read by hfpRead; `devices` is the live count (PresenceInput). */
export interface RemoteState {
  presence: Presence;
  version: string;
  lastTrafficAt: number | null;
  disconnectedSince: number | null;
  rtts: number[];
  reconnectTimes: number[];
  reconnects: number;
  devices: number;
  deviceList: DeviceInfo[];
}

const PRESENCES = new Set<string>(["online", "unstable", "offline", "left"]);
const csv = (s: string | undefined) => (s ? s.split(",").map(Number) : []);
const num = (s: string | undefined) => (s ? Number(s) : null);
export const encodeDevice = (d: DeviceInfo) => `${d.transport}|${d.reconnects}|${d.connectedAt}|${d.keepaliveMs ?? ""}`;
/** A missing hash or field reads as "offline": never seen, or released long enough ago to expire. */
export const storedPresence = (pr: string | null | undefined): Presence =>
  pr && PRESENCES.has(pr) ? (pr as Presence) : "offline";

export function decodeState([flat, devs]: [string[], string[]]): RemoteState {
  const h: Record<string, string> = {};
  for (let i = 0; i < flat.length; i += 2) h[flat[i]] = flat[i + 1];
  const deviceList: DeviceInfo[] = [];
  for (let i = 0; i < devs.length; i += 2) {
    const [transport, reconnects, connectedAt, keepaliveMs] = devs[i + 1].split("|");
    deviceList.push({
      socketId: devs[i].slice(devs[i].indexOf("|") + 1),
      transport: transport === "websocket" ? "websocket" : "polling",
      reconnects: Number(reconnects) || 0,
      connectedAt: Number(connectedAt) || 0,
      ...(Number(keepaliveMs) > 0 ? { keepaliveMs: Number(keepaliveMs) } : {}),
    });
  }
  deviceList.sort((a, b) => a.connectedAt - b.connectedAt); // most recent last, like the memory store
  return {
    presence: storedPresence(h.pr), version: h.v ?? "0", lastTrafficAt: num(h.lt), disconnectedSince: num(h.ds),
    rtts: csv(h.rt), reconnectTimes: csv(h.rc), reconnects: Number(h.rn) || 0, devices: deviceList.length, deviceList,
  };
}
