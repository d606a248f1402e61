// Cost of presence bookkeeping at 10,000 connected visitors.
//   npx tsx --expose-gc bench/presence.bench.ts [seconds=10] [redis]
// Time is compressed 10x: every visitor sends `hb` (traffic + rtt) and answers a transport
// ping (traffic) every 2.5 s instead of 25 s, with offline/release at 3 s / 12 s instead
// of 30 s / 120 s, so deadlines fire and re-arm as they would in production. One driver
// timer spreads the load evenly (no timer per visitor); its own cost is measured against
// a no-op store and subtracted. 2% of visitors sit on a bad link (RTT 900-1500 ms).
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { createMemoryPresenceStore } from "../src/presence/memory.store.js";
import type { Participant, PresenceStore, PresenceTimings } from "../src/presence/presence.types.js";
import { createRedisPresenceStore } from "../src/presence/redis.store.js";

const N = 10_000;
const COMPRESS = 10;
const SECONDS = Number(process.argv[2] ?? 10);
const WITH_REDIS = process.argv.includes("redis");
const HB_MS = 25_000 / COMPRESS;
const TICK_MS = 10;
const timings: PresenceTimings = {
  offlineAfterMs: 30_000 / COMPRESS, releaseAfterMs: 120_000 / COMPRESS,
  unstableRttMs: 800, unstableReconnects: 3, reconnectWindowMs: 300_000 / COMPRESS,
};

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

interface Row { store: string; phase: string; wallS: number; cpuMs: number; heapMb: number; note: string }
const rows: Row[] = [];

async function run(name: string, store: PresenceStore, redisCpu?: () => Promise<number>) {
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
  let rc = (await redisCpu?.()) ?? 0;
  for (let i = 0; i < N; i += 500) {
    await Promise.all(visitors.slice(i, i + 500).map(async (p, j) => {
      await store.connect(p, { socketId: `s-${i + j}`, transport: "websocket", reconnects: 0, connectedAt: Date.now() });
      connected[i + j] = 1;
    }));
  }
  const connectCpu = cpuMs(process.cpuUsage(cpu));
  const connectWall = (Date.now() - t) / 1000;
  const redisConnect = ((await redisCpu?.()) ?? 0) - rc;
  const heapConnected = heapMb();
  rows.push({ store: name, phase: `connect ${N}`, wallS: connectWall, cpuMs: connectCpu, heapMb: heapConnected - heap0,
    note: redisCpu ? `redis-server CPU ${redisConnect.toFixed(0)} ms` : "" });

  await sleep(timings.offlineAfterMs + 1000); // past the first deadlines of everyone
  kinds.clear();
  const changes0 = changes;
  cpu = process.cpuUsage();
  t = Date.now();
  rc = (await redisCpu?.()) ?? 0;
  const ev0 = events;
  await sleep(SECONDS * 1000);
  const steadyCpu = cpuMs(process.cpuUsage(cpu));
  const wall = (Date.now() - t) / 1000;
  const redisSteady = ((await redisCpu?.()) ?? 0) - rc;
  clearInterval(driver);
  const size = await store.size();
  rows.push({ store: name, phase: `steady ${SECONDS}s`, wallS: wall, cpuMs: steadyCpu, heapMb: heapMb() - heap0,
    note: `${((events - ev0) / wall).toFixed(0)} ev/s, ${changes - changes0} changes ${JSON.stringify([...kinds])}, size ${JSON.stringify(size)}` +
      (redisCpu ? `, redis-server CPU ${redisSteady.toFixed(0)} ms` : "") });
  await store.close();
}

await run("driver only", noop);
await run("memory", createMemoryPresenceStore(timings));
if (WITH_REDIS) {
  const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
  const redisCpu = async () => {
    const info = await redis.info("cpu");
    const f = (k: string) => Number(new RegExp(`${k}:([\\d.]+)`).exec(info)?.[1] ?? 0);
    return (f("used_cpu_user") + f("used_cpu_sys")) * 1000;
  };
  const prefix = `hfbench:${randomUUID()}:`;
  await run("redis", createRedisPresenceStore(redis, timings, { nodeId: randomUUID(), prefix }), redisCpu);
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
}

const driverSteady = rows.find((r) => r.store === "driver only" && r.phase.startsWith("steady"))!;
console.log(`\n${N} visitors, hb + pong every ${HB_MS} ms (25 s compressed ${COMPRESS}x), node ${process.version}\n`);
console.log("store        phase          wall s   CPU ms   CPU ms/s  net CPU ms/s*  heap MB  notes");
for (const r of rows) {
  const perS = r.cpuMs / r.wallS;
  const net = r.phase.startsWith("steady") ? (perS - driverSteady.cpuMs / driverSteady.wallS).toFixed(1) : "";
  console.log(`${r.store.padEnd(12)} ${r.phase.padEnd(14)} ${r.wallS.toFixed(1).padStart(6)} ${r.cpuMs.toFixed(0).padStart(8)} ` +
    `${perS.toFixed(1).padStart(9)} ${net.padStart(13)} ${r.heapMb.toFixed(1).padStart(8)}  ${r.note}`);
}
console.log(`\n* net of the load driver; at the real (uncompressed) rate divide by ${COMPRESS}.`);
process.exit(0);
