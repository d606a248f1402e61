// Cost of presence bookkeeping at 10,000 connected visitors, memory store and Redis store.
//   npm run bench:presence [-- --seconds 10 --no-redis]     (writes the "presence" section)
// Time is compressed 10x: every visitor sends `hb` (traffic + rtt) and answers a transport
// ping (traffic) every 2.5 s instead of 25 s, with offline/release at 3 s / 12 s instead
// of 30 s / 120 s, so deadlines fire and re-arm as they would in production. One driver
// timer spreads the load evenly (no timer per visitor); its own cost is measured against
// a no-op store and subtracted. 2% of visitors sit on a bad link (RTT 900-1500 ms).
// Bounded: a fixed number of visitors and seconds; Redis only at REDIS_URL (default local).
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { createMemoryPresenceStore } from "../src/presence/memory.store.js";
import type { Participant, PresenceStore, PresenceTimings } from "../src/presence/presence.types.js";
import { createRedisPresenceStore } from "../src/presence/redis.store.js";
import { writePresenceSection } from "./presence-report.mjs";
import { machine } from "./report.mjs";

const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === "--seconds") i++;
  else if (argv[i] !== "--no-redis") throw new Error(`unknown argument ${argv[i]} (takes --seconds N, --no-redis)`);
}
const N = 10_000;
const COMPRESS = 10;
const SECONDS = argv.includes("--seconds") ? Number(argv[argv.indexOf("--seconds") + 1]) : 10;
if (!(SECONDS > 0 && SECONDS <= 600)) throw new Error("--seconds takes 1..600");
const HB_MS = 25_000 / COMPRESS;
const TICK_MS = 10;
const timings: PresenceTimings = {
  offlineAfterMs: 30_000 / COMPRESS, releaseAfterMs: 120_000 / COMPRESS,
  unstableRttMs: 800, unstableReconnects: 3, reconnectWindowMs: 300_000 / COMPRESS,
};
const host = machine();
const startedAt = new Date();

const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const heapMb = () => (gc(), process.memoryUsage().heapUsed / 2 ** 20);
const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const noop: PresenceStore = {
  connect: async () => {}, disconnect: async () => {}, traffic() {}, rtt() {}, transport() {},
  presence: async () => "online", presenceMany: async () => [], health: async () => { throw new Error("n/a"); },
  setAgentStatus: async () => {}, agentStatus: async () => "online", availableAgents: async () => [],
  onChange() {}, size: async () => ({}), close: async () => {},
};

interface Row {
  store: string; phase: string; wallS: number; cpuMs: number; heapMb: number; rssMb: number;
  redisCpuMs: number; redisKeys?: { count: number; mb: number } | null; note: string;
}
const rows: Row[] = [];
interface RedisProbe { cpuMs(): Promise<number>; keys(): Promise<{ count: number; mb: number }> }

async function run(name: string, store: PresenceStore, probe?: RedisProbe) {
  const visitors: Participant[] = Array.from({ length: N }, (_, i) => ({ type: "visitor", id: `bench-${i}` }));
  let changes = 0;
  const kinds = new Map<string, number>();
  store.onChange((c) => { changes++; const k = `${c.previous}>${c.presence}`; kinds.set(k, (kinds.get(k) ?? 0) + 1); });
  const heap0 = heapMb();
  // The load starts with the first connect: each visitor's slot comes round every HB_MS,
  // and a slot of a visitor not connected yet is skipped. Slots are served by elapsed time,
  // so a late tick does not stretch anyone's heartbeat interval.
  const connected = new Uint8Array(N);
  let cursor = 0, carry = 0, events = 0, last = Date.now();
  const bad = (i: number) => i % 50 === 0;
  const driver = setInterval(() => {
    const at = Date.now();
    carry += ((at - last) * N) / HB_MS;
    last = at;
    for (; carry >= 1; carry--, cursor = (cursor + 1) % N) {
      if (!connected[cursor]) continue;
      const p = visitors[cursor];
      store.traffic(p); // the hb event through the handler wrapper
      store.rtt(p, bad(cursor) ? 900 + ((cursor * 7) % 600) : 50 + ((cursor * 13) % 250));
      store.traffic(p); // the transport pong
      events += 3;
    }
  }, TICK_MS);

  let cpu = process.cpuUsage();
  let t = Date.now();
  let rc = (await probe?.cpuMs()) ?? 0;
  for (let i = 0; i < N; i += 500) {
    await Promise.all(visitors.slice(i, i + 500).map(async (p, j) => {
      await store.connect(p, { socketId: `s-${i + j}`, transport: "websocket", reconnects: 0, connectedAt: Date.now() });
      connected[i + j] = 1;
    }));
  }
  const connectCpu = cpuMs(process.cpuUsage(cpu));
  const connectWall = (Date.now() - t) / 1000;
  const redisConnect = probe ? (await probe.cpuMs()) - rc : NaN;
  rows.push({ store: name, phase: `connect ${N}`, wallS: connectWall, cpuMs: connectCpu, heapMb: heapMb() - heap0,
    rssMb: process.memoryUsage().rss / 2 ** 20, redisCpuMs: redisConnect, note: "" });

  await sleep(timings.offlineAfterMs + 1000); // past the first deadlines of everyone
  kinds.clear();
  const changes0 = changes;
  cpu = process.cpuUsage();
  t = Date.now();
  rc = (await probe?.cpuMs()) ?? 0;
  const ev0 = events;
  await sleep(SECONDS * 1000);
  const steadyCpu = cpuMs(process.cpuUsage(cpu));
  const wall = (Date.now() - t) / 1000;
  const redisSteady = probe ? (await probe.cpuMs()) - rc : NaN;
  clearInterval(driver);
  const size = await store.size();
  // What everyone reads as now: the 2 % on a bad link unstable, the rest online.
  const states = new Map<string, number>();
  for (const pr of await store.presenceMany(visitors)) states.set(pr, (states.get(pr) ?? 0) + 1);
  const keys = probe ? await probe.keys() : null;
  rows.push({ store: name, phase: `steady ${SECONDS} s`, wallS: wall, cpuMs: steadyCpu, heapMb: heapMb() - heap0,
    rssMb: process.memoryUsage().rss / 2 ** 20, redisCpuMs: redisSteady, redisKeys: keys,
    note: `${((events - ev0) / wall).toFixed(0)} events/s, ${changes - changes0} presence changes` +
      `${kinds.size ? ` ${JSON.stringify(Object.fromEntries(kinds))}` : ""}; presence at the end ` +
      `${JSON.stringify(Object.fromEntries(states))}; size ${JSON.stringify(size)}` });
  await store.close();
}

/** A Redis client when one answers at REDIS_URL (default local), else why not. */
async function openRedis(): Promise<Redis | string> {
  if (argv.includes("--no-redis")) return "skipped (--no-redis)";
  const url = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
  const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2000, retryStrategy: () => null });
  r.on("error", () => {});
  try {
    await r.connect();
    await r.ping();
    return r;
  } catch (err) {
    r.disconnect();
    return `skipped: no Redis answers at ${url} (${(err as Error).message})`;
  }
}

await run("driver only", noop);
await run("memory", createMemoryPresenceStore(timings));
const redis = await openRedis();
const notes: string[] = [];
if (typeof redis === "string") notes.push(`Redis store ${redis}`);
else {
  const prefix = `hfbench:${randomUUID()}:`;
  // This run's keys only (SCAN, never KEYS: the Redis may be shared), and their memory.
  const scan = async () => {
    const found: string[] = [];
    let cursor = "0";
    do {
      const [next, batch] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
      cursor = next;
      found.push(...batch);
    } while (cursor !== "0");
    return found;
  };
  const probe: RedisProbe = {
    async cpuMs() {
      const info = await redis.info("cpu");
      const f = (k: string) => Number(new RegExp(`${k}:([\\d.]+)`).exec(info)?.[1] ?? 0);
      return (f("used_cpu_user") + f("used_cpu_sys")) * 1000;
    },
    async keys() {
      const ks = await scan();
      const p = redis.pipeline();
      for (const k of ks) p.memory("USAGE", k);
      const sizes = (await p.exec()) ?? [];
      return { count: ks.length, mb: sizes.reduce((s, [, v]) => s + Number(v ?? 0), 0) / 2 ** 20 };
    },
  };
  await run("redis", createRedisPresenceStore(redis, timings, { nodeId: randomUUID(), prefix }), probe);
  const ks = await scan();
  for (let i = 0; i < ks.length; i += 1000) await redis.del(...ks.slice(i, i + 1000));
  await redis.quit();
}

writePresenceSection({ rows, notes, host, startedAt, N, COMPRESS, HB_MS, SECONDS, argv });
process.exit(0);
