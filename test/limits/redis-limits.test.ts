// The cluster-wide budgets (handshakes and visitor sessions per address, logins) live in
// Redis when REDIS_URL is set: two nodes share one budget. A Redis that is down or
// stalls never turns into refusals or hangs: each node answers from its own in-memory
// budget meanwhile (at once when the connection is down, after 250 ms when a command
// does not come back). Redis sits behind the TCP fault proxy; the real one never stops.
import assert from "node:assert/strict";
import { connect, sleep, until, type ConnectError, type Participant } from "../helpers/clients.js";
import { startFaultProxy, type FaultProxy } from "../helpers/fault-proxy.js";
import { freshStore, REDIS_URL, type Store } from "../helpers/server.js";
import { describeCluster, inProcessNode, type Node } from "../cluster/helpers.js";

const from = (ip: string) => ({ extraHeaders: { "x-forwarded-for": ip } });
/** A handshake with a forged token: AUTH_INVALID when admitted, else the refusal's code. */
const attempt = (node: Node, ip: string) =>
  connect(node.url, "/visitor", { token: "v.forged.zz.sig" }, from(ip)).then((p: Participant) => (p.close(), "connected"), (e: ConnectError) => e.data?.code);

describeCluster("rate limits across a cluster, and through a Redis outage", function () {
  this.timeout(90_000);
  let store: Store;
  let redis: FaultProxy;
  let a: Node;
  let b: Node;
  before(async () => {
    store = await freshStore("postgres");
    redis = await startFaultProxy({ port: Number(new URL(REDIS_URL).port || 6379) });
    const env = { REDIS_URL: `redis://127.0.0.1:${redis.port}`, LOG_LEVEL: "silent", TRUST_PROXY: "loopback", HANDSHAKES_PER_IP_PER_MINUTE: "10" };
    [a, b] = await Promise.all([inProcessNode(store, env), inProcessNode(store, env)]);
  });
  after(async () => {
    await Promise.allSettled([a?.stop(), b?.stop()]);
    await redis?.close();
    await store?.drop();
  });

  it("two nodes share one address's handshake budget", async () => {
    const codes = [];
    for (let i = 0; i < 10; i++) codes.push(await attempt(i % 2 ? b : a, "198.51.100.77"));
    assert.deepEqual(codes, Array(10).fill("AUTH_INVALID"));
    assert.equal(await attempt(a, "198.51.100.77"), "RATE_LIMITED");
    assert.equal(await attempt(b, "198.51.100.77"), "RATE_LIMITED", "the other node knows too");
  });

  for (const fault of ["down", "stall"] as const) {
    it(`Redis ${fault === "down" ? "down" : "stalled"}: handshakes and sessions are answered from each node's own budget, never refused for it`, async () => {
      await until(async () => (await fetch(`${a.url}/readyz`)).status === 200, 15_000, "Redis reachable before the fault");
      redis[fault]();
      try {
        await sleep(300);
        const t0 = Date.now();
        const session = await fetch(`${a.url}/api/visitor/session`, { method: "POST", headers: { "content-type": "application/json", "x-forwarded-for": `203.0.113.${fault === "down" ? 1 : 2}` }, body: "{}" });
        assert.equal(session.status, 201, await session.text());
        const ip = `192.0.2.${fault === "down" ? 10 : 20}`;
        const codes = [];
        for (let i = 0; i < 11; i++) codes.push(await attempt(a, ip));
        assert.deepEqual(codes, [...Array(10).fill("AUTH_INVALID"), "RATE_LIMITED"], "the node's own budget holds meanwhile");
        assert.ok(Date.now() - t0 < 12 * 1000, `took ${Date.now() - t0} ms`);
        console.log(`      Redis ${fault}: a session and 11 handshakes answered in ${Date.now() - t0} ms`);
      } finally {
        await redis.up();
      }
    });
  }
});
