// Cluster-wide PresenceStore on Redis: the same behaviour as the memory store, holding
// across nodes (one participant's sockets may sit on several). How: redis.engine.ts
// (batching, deadlines, compare-and-set, adoption) and redis.scripts.ts (keys, Lua).
// A released participant's state hash lives on for releasedTtlMs, so presence() answers
// "left" that long, then "offline" (like the memory store). Every key has a TTL that is
// refreshed while some node watches the participant: a crashed cluster leaves nothing.
// Timestamps come from the nodes' clocks (node liveness from Redis's own, redis.nodes.ts):
// skew must stay well below offlineAfterMs (NTP).
import type { Redis } from "ioredis";
import { pushBounded, RTT_HISTORY, sanitizeRtt, toHealth } from "./presence.rules.js";
import type { PresenceStore, PresenceTimings } from "./presence.types.js";
import { createEngine } from "./redis.engine.js";
import { decodeState, encodeDevice, storedPresence } from "./redis.scripts.js";

export interface RedisStoreOptions {
  nodeId: string;
  /** Key prefix (default "hf:"); tests isolate with a random one. */
  prefix?: string;
  now?: () => number;
  /** Batch interval for traffic (default 250 ms). */
  flushMs?: number;
  /** Liveness refresh and adoption of orphaned deadlines (default 1000 ms). */
  pollMs?: number;
  /** A node silent this long is dead and its devices stop counting (default 6000 ms):
   *  with pollMs 1000, a killed node is reaped within 7 s, and a live one survives a
   *  5 s stall (event loop, Redis); above the 5 s disconnect grace (see redis.nodes.ts). */
  nodeTtlMs?: number;
  /** A deadline this overdue is adopted by any live node (default 2000 ms). */
  orphanSlackMs?: number;
  /** How long a released participant still reads "left" (default releaseAfterMs). */
  releasedTtlMs?: number;
  onError?: (err: unknown) => void;
}

export function createRedisPresenceStore(client: Redis, t: PresenceTimings, opts: RedisStoreOptions): PresenceStore {
  const now = opts.now ?? Date.now;
  const g = createEngine(client, t, {
    nodeId: opts.nodeId, prefix: opts.prefix ?? "hf:", now, flushMs: opts.flushMs ?? 250, pollMs: opts.pollMs ?? 1_000,
    nodeTtlMs: opts.nodeTtlMs ?? 6_000, orphanSlackMs: opts.orphanSlackMs ?? 2_000,
    releasedTtlMs: opts.releasedTtlMs ?? t.releaseAfterMs,
    onError: opts.onError ?? ((err) => console.error("presence store failed", err)),
  });
  const { redis, P } = g;
  const stateKey = (p: { type: string; id: string }) => `${P}p:${p.type}:${p.id}`;

  const store: PresenceStore = {
    async connect(p, device) {
      if (g.closing) return;
      const e = g.entries.get(p);
      e.devices.set(device.socketId, { ...device });
      e.lt = Math.max(e.lt, now()); // the handshake is traffic
      // A reconnect of this page (auth.reconnects > 0) is recorded; a reload starts from 0.
      await g.registerDevice(e, device, device.reconnects > 0);
      await g.recompute([e]);
    },
    async disconnect(p, socketId) {
      const e = g.entries.find(p);
      if (g.closing || !e || !e.devices.delete(socketId)) return;
      await redis.hfpDisconnect(P, e.pk, g.nodeId, socketId, now());
      await g.recompute([e]);
    },
    traffic(p) {
      // Hot path: a timestamp and a Set insert; the flush does the rest.
      if (g.closing) return;
      const e = g.entries.get(p);
      e.lt = now();
      g.dirty.add(e);
    },
    rtt(p, ms) {
      const v = sanitizeRtt(ms);
      if (g.closing || v === null) return;
      store.traffic(p);
      const e = g.entries.get(p);
      pushBounded((e.rtts ??= []), v, RTT_HISTORY);
      if (v > t.unstableRttMs) e.rttHigh = true;
    },
    transport(p, socketId, transport) {
      const e = g.entries.find(p);
      const d = e?.devices.get(socketId);
      if (e && d && !g.closing) {
        d.transport = transport;
        redis.hfpSetDev(P, e.pk, g.nodeId, socketId, encodeDevice(d)).catch(g.report);
      }
      store.traffic(p);
    },
    async presence(p) {
      return storedPresence(await redis.hget(stateKey(p), "pr"));
    },
    async presenceMany(ps) {
      if (ps.length === 0) return [];
      const pl = redis.pipeline();
      for (const p of ps) pl.hget(stateKey(p), "pr");
      return g.unwrap<string | null>(await pl.exec()).map(storedPresence);
    },
    async health(p) {
      const s = decodeState(await redis.hfpRead(P, `${p.type}:${p.id}`, now()));
      return toHealth(s.presence, s, s.deviceList, now(), t);
    },
    async setAgentStatus(agentId, status) {
      if (status === "away") await redis.sadd(`${P}away`, agentId);
      else await redis.srem(`${P}away`, agentId);
    },
    async agentStatus(agentId) {
      return (await redis.sismember(`${P}away`, agentId)) ? "away" : "online";
    },
    availableAgents: () => g.availableAgents(),
    onChange(listener) {
      g.listeners.push(listener);
    },
    async size() {
      return { ...g.counts(), due: await redis.zcard(`${P}due`) };
    },
    close: () => g.close(),
  };
  return store;
}
