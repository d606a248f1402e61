// Redis store across nodes: two stores (two "nodes") on one prefix, each with its own
// connection. Skipped without Redis, a failure under CI=true (helpers.connectRedis). A node
// whose connection runs through a fault proxy can be cut off from Redis (stall()), which is
// what a frozen node looks like to the others: its liveness stops.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import type { DeviceInfo, PresenceStore, PresenceTimings } from "../../src/presence/presence.types.js";
import { createRedisPresenceStore, type RedisStoreOptions } from "../../src/presence/redis.store.js";
import { startFaultProxy, type FaultProxy } from "../helpers/fault-proxy.js";
import { connectRedis, keysUnder, record, REDIS_URL, SLACK_MS, sleep, states, T, waitFor } from "./helpers.js";

const v = (id: string) => ({ type: "visitor" as const, id });
const ag = (id: string) => ({ type: "agent" as const, id });
/** Silence alone changes nothing within these tests: only a node's liveness does. */
const QUIET: PresenceTimings = { ...T, offlineAfterMs: 10_000, releaseAfterMs: 30_000 };
const NODE_TTL_MS = 1000;
const dev = (socketId: string): DeviceInfo => ({ socketId, transport: "websocket", reconnects: 0, connectedAt: Date.now() });

describe("PresenceStore: redis, several nodes", function () {
  this.timeout(20_000);
  let clients: Redis[] = [];
  let stores: PresenceStore[] = [];
  let proxies: FaultProxy[] = [];
  let prefix = "";

  before(async function () {
    const probe = await connectRedis();
    if (!probe) this.skip();
    await probe.quit();
  });
  beforeEach(() => {
    prefix = `hftest:${randomUUID()}:`;
  });
  afterEach(async () => {
    for (const p of proxies) await p.up();
    await Promise.all(stores.map((s) => s.close()));
    await Promise.all(clients.map((c) => c.quit()));
    await Promise.all(proxies.map((p) => p.close()));
    stores = [];
    clients = [];
    proxies = [];
  });
  async function node(nodeId: string, o: { t?: PresenceTimings; via?: FaultProxy } & Partial<RedisStoreOptions> = {}) {
    const { t = T, via, ...opts } = o;
    const c = via ? new Redis(via.port, "127.0.0.1") : (await connectRedis())!;
    c.on("error", () => {});
    clients.push(c);
    const s = createRedisPresenceStore(c, t, { nodeId, prefix, flushMs: 50, pollMs: 100, orphanSlackMs: 200, ...opts });
    stores.push(s);
    return s;
  }
  async function proxy() {
    const p = await startFaultProxy({ port: Number(new URL(REDIS_URL).port || 6379) });
    proxies.push(p);
    return p;
  }

  it("traffic on node B keeps a participant online that node A hears nothing from; one announcement per change", async () => {
    const A = await node("A"), B = await node("B");
    const log = record(A, B);
    await A.connect(v("v1"), dev("a1"));
    await B.connect(v("v1"), dev("b1"));
    for (let i = 0; i < 10; i++) (B.traffic(v("v1")), await sleep(100)); // 1 s > offlineAfterMs
    assert.equal(await A.presence(v("v1")), "online");
    assert.deepEqual(states(log), ["online"]);
    const t0 = Date.now();
    await waitFor(() => log.length >= 3, 3000, "offline then left"); // both nodes watch; one announces
    assert.ok(log[1].at - t0 <= T.offlineAfterMs + SLACK_MS, `offline after ${log[1].at - t0} ms`);
    A.traffic(v("v1"));
    await waitFor(() => log.length >= 4, 2000, "online again");
    await sleep(200);
    assert.deepEqual(states(log), ["online", "offline", "left", "online"]);
    assert.equal((await A.health(v("v1"))).devices.length, 2);
  });

  it("traffic arriving on a node without the participant's socket counts too", async () => {
    const A = await node("A"), B = await node("B");
    const log = record(A, B);
    await A.connect(v("v1"), dev("a1"));
    for (let i = 0; i < 8; i++) (B.traffic(v("v1")), await sleep(100));
    assert.deepEqual(states(log), ["online"]);
    assert.equal((await B.size()).visitors, 0, "B does not keep watching what A watches");
  });

  it("a node that goes away hands its participants over: another node announces offline and left", async () => {
    const A = await node("A"), B = await node("B");
    const log = record(A, B);
    await A.connect(v("v1"), dev("a1"));
    await A.close(); // like a crash, minus the wait for its liveness key to expire
    await waitFor(() => log.length >= 3, 4000, "offline and left announced by B");
    assert.deepEqual(states(log), ["online", "offline", "left"]);
    assert.equal(await B.presence(v("v1")), "left");
    assert.equal((await B.health(v("v1"))).devices.length, 0, "A's device was dropped");
  });

  it("exactly one announcement per change when many nodes race on one participant", async () => {
    const nodes = await Promise.all(["A", "B", "C", "D"].map((id) => node(id)));
    const log = record(...nodes);
    await Promise.all(nodes.map((n, i) => n.connect(v("v1"), dev(`d${i}`))));
    await waitFor(() => log.length >= 3, 3000, "offline and left");
    nodes.forEach((n) => n.traffic(v("v1")));
    await waitFor(() => log.length >= 4, 2000, "online");
    await sleep(100); // (offline would follow at offlineAfterMs)
    assert.deepEqual(states(log), ["online", "offline", "left", "online"]);
  });

  it("recovers when Redis loses its data (restart without persistence)", async () => {
    const A = await node("A");
    const log = record(A);
    await A.connect(v("v1"), dev("a1"));
    const { keys } = await keysUnder(clients[0], prefix);
    await clients[0].del(...keys);
    assert.equal(await A.presence(v("v1")), "offline");
    A.traffic(v("v1")); // the device is registered again from the node's own record
    await waitFor(async () => (await A.presence(v("v1"))) === "online", 2000, "online again");
    assert.equal((await A.health(v("v1"))).devices.length, 1);
    assert.deepEqual(states(log), ["online", "online"]); // the lost state is announced afresh
  });

  it("available agents are shared by all nodes", async () => {
    const A = await node("A"), B = await node("B");
    await A.connect({ type: "agent", id: "ag1" }, dev("a1"));
    assert.deepEqual(await B.availableAgents(), ["ag1"]);
    await B.setAgentStatus("ag1", "away");
    assert.deepEqual(await A.availableAgents(), []);
    assert.equal(await A.agentStatus("ag1"), "away");
  });

  it("an agent whose devices all sit on a node that stopped refreshing is not available, before anything is swept", async () => {
    const link = await proxy();
    const A = await node("A", { t: QUIET, via: link, nodeTtlMs: NODE_TTL_MS });
    const B = await node("B", { t: QUIET, nodeTtlMs: NODE_TTL_MS, pollMs: 60_000 }); // polls once: reaps nobody
    await A.connect(ag("ag1"), dev("a1"));
    assert.deepEqual(await B.availableAgents(), ["ag1"]);
    link.stall();
    await waitFor(async () => (await B.availableAgents()).length === 0, NODE_TTL_MS + 1000, "ag1 no longer available");
    assert.equal((await B.health(ag("ag1"))).devices.length, 1, "not swept yet: the device is still listed");
    assert.equal(await B.presence(ag("ag1")), "online");
    await link.up();
    await waitFor(async () => (await B.availableAgents()).length === 1, 2000, "available again once A refreshes");
  });

  it("a node declared dead loses its devices everywhere at once, and registers them again by itself when it is back", async () => {
    const B = await node("B", { t: QUIET, nodeTtlMs: NODE_TTL_MS });
    const link = await proxy();
    const A = await node("A", { t: QUIET, via: link, nodeTtlMs: NODE_TTL_MS });
    const log = record(A, B);
    await A.connect(v("v1"), dev("a1"));
    await A.connect(ag("ag1"), dev("a2"));
    await sleep(NODE_TTL_MS); // B has been alive long enough to declare others dead
    link.stall();
    const t0 = Date.now();
    await waitFor(() => states(log, "v1").length === 2 && states(log, "ag1").length === 2, NODE_TTL_MS + 1500, "A's participants offline");
    assert.ok(log.at(-1)!.at - t0 <= NODE_TTL_MS + 500, `declared dead after ${log.at(-1)!.at - t0} ms`);
    assert.deepEqual((await B.health(v("v1"))).devices, [], "A's devices removed");
    assert.deepEqual(await B.availableAgents(), []);
    await link.up(); // A was alive all along: it finds itself declared dead and registers its devices again
    await waitFor(() => states(log, "v1").length === 3 && states(log, "ag1").length === 3, 3000, "online again");
    assert.deepEqual(states(log, "v1"), ["online", "offline", "online"]);
    assert.deepEqual(states(log, "ag1"), ["online", "offline", "online"]);
    assert.deepEqual((await B.health(v("v1"))).devices.map((d) => d.socketId), ["a1"]);
    assert.deepEqual(await B.availableAgents(), ["ag1"]);
  });

  it("a node cut off for less than nodeTtlMs is not declared dead", async () => {
    const B = await node("B", { t: QUIET, nodeTtlMs: NODE_TTL_MS });
    const link = await proxy();
    const A = await node("A", { t: QUIET, via: link, nodeTtlMs: NODE_TTL_MS });
    const log = record(A, B);
    await A.connect(ag("ag1"), dev("a1"));
    await sleep(NODE_TTL_MS);
    link.stall();
    await sleep(NODE_TTL_MS * 0.4);
    await link.up();
    await sleep(NODE_TTL_MS + 500);
    assert.deepEqual(states(log), ["online"]);
    assert.deepEqual(await B.availableAgents(), ["ag1"]);
    assert.equal((await B.health(ag("ag1"))).devices.length, 1);
  });
});
