// Per-participant limits hold across the cluster (PROTOCOL.md section 3; issue 10): a
// visitor's socket cap and event budgets are the visitor's, not each node's. With sockets
// on two nodes a visitor gets one cap and one budget, a node that died stops counting,
// and a stalled Redis never refuses nor delays: each node's own limits decide meanwhile.
// Redis sits behind the TCP fault proxy; the real one never stops.
import assert from "node:assert/strict";
import { Redis } from "ioredis";
import { call, connectVisitor, sleep, until, visitorSession, type ConnectError, type Participant } from "../helpers/clients.js";
import { startFaultProxy, type FaultProxy } from "../helpers/fault-proxy.js";
import { freshStore, REDIS_URL, TEST_REDIS_PREFIX, type Store } from "../helpers/server.js";
import { describeCluster, inProcessNode, type Node } from "../cluster/helpers.js";
import { EVENT_BUDGETS } from "../../src/limits/limits.rules.js";

const refused = (p: Promise<Participant>) => p.then((s) => (s.close(), null), (e: ConnectError) => e.data?.code ?? e.message);
/** Heartbeats one after the other until the first refusal: how many were accepted. */
async function heartbeatsUntilRefused(p: Participant, max: number): Promise<number> {
  for (let n = 0; n < max; n++) {
    const ack = await call(p.socket, "hb", { t: Date.now() });
    if (!ack.ok) {
      assert.equal(ack.error.code, "RATE_LIMITED");
      return n;
    }
  }
  return max;
}

describeCluster("per-participant limits across a cluster", function () {
  this.timeout(90_000);
  let store: Store;
  let proxy: FaultProxy;
  let redis: Redis;
  let a: Node;
  let b: Node;
  const open: Participant[] = [];
  before(async () => {
    store = await freshStore("postgres");
    proxy = await startFaultProxy({ port: Number(new URL(REDIS_URL).port || 6379) });
    redis = new Redis(REDIS_URL);
    const env = { REDIS_URL: `redis://127.0.0.1:${proxy.port}`, LOG_LEVEL: "silent", SOCKETS_PER_PARTICIPANT: "4" };
    [a, b] = await Promise.all([inProcessNode(store, env), inProcessNode(store, env)]);
  });
  afterEach(() => open.splice(0).forEach((p) => p.close()));
  after(async () => {
    await Promise.allSettled([a?.stop(), b?.stop()]);
    redis?.disconnect();
    await proxy?.close();
    await store?.drop();
  });
  /** A socket kept open if admitted (null), else the refusal's code. */
  const kept = (url: string, token: string) => connectVisitor(url, token).then((p) => (open.push(p), null), (e: ConnectError) => e.data?.code ?? e.message);
  const joinAll = async (...ps: Promise<Participant>[]) => open.push(...(await Promise.all(ps)));

  it("a visitor's socket cap counts its sockets on every node; one that closes frees its place anywhere", async () => {
    const { token, visitorId } = await visitorSession(a.url);
    await joinAll(connectVisitor(a.url, token), connectVisitor(a.url, token), connectVisitor(b.url, token), connectVisitor(b.url, token));
    assert.equal(await refused(connectVisitor(a.url, token)), "RATE_LIMITED", "a 5th socket on node A");
    assert.equal(await refused(connectVisitor(b.url, token)), "RATE_LIMITED", "a 5th socket on node B");
    open.shift()!.close(); // one of node A's
    // Node A writes its new count to Redis as the socket goes: node B sees the place free.
    await until(async () => (await kept(b.url, token)) === null, 10_000, "a socket on node B once one on node A closed");
    // Once the visitor's last socket is gone, so is its count in Redis.
    open.splice(0).forEach((p) => p.close());
    await until(async () => (await redis.exists(`${TEST_REDIS_PREFIX}caps:p:visitor:${visitorId}`)) === 0, 10_000, "the visitor's count gone from Redis");
  });

  it("counts only live nodes: the sockets of a node that died stop counting", async () => {
    const { token, visitorId } = await visitorSession(a.url);
    const key = `${TEST_REDIS_PREFIX}caps:p:visitor:${visitorId}`;
    // Another node holds 3 of this visitor's sockets; while it is live, only one more fits.
    await redis.zadd(`${TEST_REDIS_PREFIX}caps:nodes`, Date.now() + 60_000, "other-node:1");
    await redis.hset(key, "other-node:1", 3);
    await joinAll(connectVisitor(a.url, token));
    assert.equal(await refused(connectVisitor(b.url, token)), "RATE_LIMITED", "3 on the live other node + 1 here");
    // That node dies: its liveness entry lapses (no refresh), and its sockets no longer count.
    await redis.zadd(`${TEST_REDIS_PREFIX}caps:nodes`, Date.now() - 1, "other-node:1");
    await joinAll(connectVisitor(b.url, token), connectVisitor(a.url, token), connectVisitor(b.url, token));
    assert.equal(await redis.hexists(key, "other-node:1"), 0, "the dead node's count is dropped");
    assert.equal(await refused(connectVisitor(a.url, token)), "RATE_LIMITED", "4 live sockets: full again");
  });

  it("a visitor's event budget is one across nodes: what node A let through, node B does not let through again", async () => {
    const { token } = await visitorSession(a.url);
    await joinAll(connectVisitor(a.url, token), connectVisitor(b.url, token));
    const budget = EVENT_BUDGETS.visitor.hb;
    const onA = await heartbeatsUntilRefused(open[0], 5 * (budget.perSecond + budget.burst));
    // Within the steady rate plus the minute's burst (plus a second's rate if a second turned).
    assert.ok(onA >= budget.burst && onA <= budget.perSecond * 6 + budget.burst, `node A accepted ${onA}`);
    // Node B's own budget for this visitor is untouched; the cluster's is spent. At most a
    // new second's steady rate gets through (the burst is counted per minute), not the
    // steady rate plus the burst that a per-node budget would give.
    const onB = await heartbeatsUntilRefused(open[1], 5 * (budget.perSecond + budget.burst));
    assert.ok(onB <= budget.perSecond * 2, `node B accepted ${onB} more (a per-node budget: ${budget.perSecond + budget.burst})`);
  });

  it("a socket that closes while Redis is down is not counted once Redis is back", async () => {
    const { token } = await visitorSession(a.url);
    await joinAll(connectVisitor(a.url, token), connectVisitor(a.url, token), connectVisitor(b.url, token), connectVisitor(b.url, token));
    await until(async () => (await fetch(`${a.url}/readyz`)).status === 200, 15_000, "Redis reachable before the fault");
    proxy.down();
    try {
      await sleep(300);
      open.splice(0, 2).forEach((p) => p.close()); // node A's two: their release cannot reach Redis
      await sleep(500);
    } finally {
      await proxy.up();
    }
    // Node A starts a new epoch with what it holds (nothing): node B may open two more.
    await until(async () => (await kept(b.url, token), open.length === 4), 20_000, "two more sockets on node B after the outage");
    // Node B's own counts reach Redis again once it has started its new epoch too.
    await until(async () => (await kept(a.url, token)) === "RATE_LIMITED", 10_000, "the cap holds again");
  });

  it("Redis stalled: events and handshakes are answered by each node's own limits, without waiting for Redis", async () => {
    const { token } = await visitorSession(a.url);
    await until(async () => (await fetch(`${a.url}/readyz`)).status === 200, 15_000, "Redis reachable before the fault");
    proxy.stall();
    try {
      await sleep(200);
      const t0 = Date.now();
      await joinAll(connectVisitor(a.url, token), connectVisitor(b.url, token));
      const times: number[] = [];
      for (let i = 0; i < 20; i++) {
        const t = Date.now();
        const ack = await call(open[i % 2].socket, "hb", { t });
        assert.ok(ack.ok, JSON.stringify(ack));
        times.push(Date.now() - t);
      }
      times.sort((x, y) => x - y);
      // An event whose count does not come back waits out the 100 ms timeout; then that
      // node leaves Redis alone for a second, and the events after it do not wait at all.
      // (Without the pause, all 20 would take 100 ms or more.)
      const waited = times.filter((t) => t >= 100).length;
      assert.ok(waited <= 10, `${waited} of 20 heartbeats waited for Redis: ${times.join(", ")} ms`);
      console.log(`      Redis stalled: 2 handshakes and 20 heartbeats answered in ${Date.now() - t0} ms (median round trip ${times[10]} ms)`);
    } finally {
      await proxy.up();
    }
  });
});
