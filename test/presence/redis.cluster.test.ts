// Redis store across nodes: two stores (two "nodes") on one prefix, each with its own
// connection. Skipped without Redis, a failure under CI=true (helpers.connectRedis).
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import type { DeviceInfo, PresenceStore } from "../../src/presence/presence.types.js";
import { createRedisPresenceStore } from "../../src/presence/redis.store.js";
import { connectRedis, keysUnder, record, SLACK_MS, sleep, states, T, waitFor } from "./helpers.js";

const v = (id: string) => ({ type: "visitor" as const, id });
const dev = (socketId: string): DeviceInfo => ({ socketId, transport: "websocket", reconnects: 0, connectedAt: Date.now() });

describe("PresenceStore: redis, several nodes", function () {
  this.timeout(20_000);
  let clients: Redis[] = [];
  let stores: PresenceStore[] = [];
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
    await Promise.all(stores.map((s) => s.close()));
    await Promise.all(clients.map((c) => c.quit()));
    stores = [];
    clients = [];
  });
  async function node(nodeId: string) {
    const c = (await connectRedis())!;
    clients.push(c);
    const s = createRedisPresenceStore(c, T, { nodeId, prefix, flushMs: 50, pollMs: 100, orphanSlackMs: 200 });
    stores.push(s);
    return s;
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
    const nodes = await Promise.all(["A", "B", "C", "D"].map(node));
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
});
