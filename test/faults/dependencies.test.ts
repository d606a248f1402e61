// A node whose database or Redis goes away keeps running and tells the truth: sends are
// answered UNAVAILABLE with retryAfterMs (never INTERNAL) while the database is down,
// stored and delivered on the node while only Redis is down, /readyz says 503, and
// everything works again when the dependency returns, with no restart and no client
// reconnect. The dependency sits behind a TCP fault proxy; the real server is never
// touched. An unhandled rejection would end a real server process: each test asserts
// that none happened.
import assert from "node:assert/strict";
import { agentToken, call, connectAgent, connectVisitor, expectOk, sleep, until, visitorSession, type Participant } from "../helpers/clients.js";
import { proxiedPostgres, startFaultProxy, type FaultProxy } from "../helpers/fault-proxy.js";
import { freshStore, REDIS_URL, startProcess, startServer, type Store, type TestServer } from "../helpers/server.js";
import { describeCluster } from "../cluster/helpers.js";

const readyz = async (srv: TestServer) => (await fetch(`${srv.url}/readyz`)).status;
/** Counts disconnects: a dependency fault must not cost the clients their sockets. */
function watchDisconnects(...ps: Participant[]) {
  const seen = { count: 0 };
  for (const p of ps) p.socket.on("disconnect", () => seen.count++);
  return seen;
}

describeCluster("dependency faults: a node outlives its database and Redis", function () {
  this.timeout(60_000);
  let srv: TestServer;
  let store: Store;
  let pg: FaultProxy;
  let redis: FaultProxy;
  const unhandled: unknown[] = [];
  const record = (reason: unknown) => void unhandled.push(reason);

  before(async () => {
    process.on("unhandledRejection", record);
    store = await freshStore("postgres");
    const through = await proxiedPostgres(store);
    pg = through.pg;
    redis = await startFaultProxy({ port: Number(new URL(REDIS_URL).port || 6379) });
    srv = await startServer({
      store: through.proxied,
      // Transport pings every second (a third of OFFLINE_AFTER_MS): presence traffic flows
      // without the test sending heartbeats.
      env: { REDIS_URL: `redis://127.0.0.1:${redis.port}`, LOG_LEVEL: "silent", OFFLINE_AFTER_MS: "3000" },
    });
  });
  afterEach(() => assert.deepEqual(unhandled.splice(0).map((e) => (e as Error).stack), [], "no unhandled rejection"));
  after(async () => {
    process.off("unhandledRejection", record);
    await srv?.stop();
    await pg?.close();
    await redis?.close();
    await store?.drop();
  });

  async function conversationWithAgent() {
    const agent = await connectAgent(srv.url, (await agentToken(srv.url)).token);
    const visitor = await connectVisitor(srv.url, (await visitorSession(srv.url)).token);
    const first = expectOk(await call(visitor.socket, "message:send", { clientMsgId: "first", type: "text", body: "hello" }));
    await until(() => agent.received.some((m) => m.id === first.message.id), 10_000, "assigned to the agent");
    return { agent, visitor, cid: first.message.conversationId };
  }

  const send = (p: Participant, cid: string, clientMsgId: string, timeoutMs?: number) =>
    call(p.socket, "message:send", { conversationId: cid, clientMsgId, type: "text", body: "during" }, timeoutMs);
  /** What a client does once the database is back: the same clientMsgId until it is stored. */
  async function retryUntilStored(p: Participant, cid: string, clientMsgId: string) {
    let ack = await send(p, cid, clientMsgId);
    for (let i = 0; !ack.ok && i < 50; i++) {
      await new Promise((r) => setTimeout(r, 200)); // the pool replaces its dead connections
      ack = await send(p, cid, clientMsgId);
    }
    return expectOk(ack);
  }
  /** Afterwards: the retried message is stored once, seqs are gapless, the node is ready
   *  again and no client lost its socket. */
  async function assertStoredOnce(p: Participant, clientMsgId: string, disconnects: { count: number }) {
    const all = expectOk(await call(p.socket, "sync", { afterSeq: 0 }));
    assert.deepEqual(all.messages.map((m) => m.seq), all.messages.map((_, i) => i + 1), "gapless seqs");
    assert.equal(all.messages.filter((m) => m.clientMsgId === clientMsgId).length, 1);
    await until(async () => (await readyz(srv)) === 200, 10_000, "ready again");
    assert.equal(disconnects.count, 0, "no client lost its socket");
  }

  it("database down: UNAVAILABLE with retryAfterMs, HTTP 503, nothing stored; back up: the retry stores once", async () => {
    const { agent, visitor, cid } = await conversationWithAgent();
    const disconnects = watchDisconnects(agent, visitor);
    pg.down();
    for (const [who, p] of [["visitor", visitor], ["agent", agent]] as const) {
      const ack = await call(p.socket, "message:send", { conversationId: cid, clientMsgId: `${who}-retry`, type: "text", body: "during" });
      assert.equal(ack.ok, false);
      assert.equal(ack.error.code, "UNAVAILABLE", JSON.stringify(ack));
      assert.ok((ack.error.retryAfterMs ?? 0) > 0, "retryAfterMs tells when to come back");
    }
    const sync = await call(visitor.socket, "sync", { afterSeq: 0 });
    assert.equal(!sync.ok && sync.error.code, "UNAVAILABLE");
    const http = await fetch(`${srv.url}/api/visitor/session`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    assert.equal(http.status, 503);
    assert.equal((await http.json()).error.code, "UNAVAILABLE");
    assert.ok(http.headers.get("retry-after"), "Retry-After on HTTP");
    assert.equal(await readyz(srv), 503);

    await pg.up();
    const started = Date.now();
    const stored = await retryUntilStored(visitor, cid, "visitor-retry");
    console.log(`      database back: sends stored again ${Date.now() - started} ms after it answered again`);
    assert.equal(stored.duplicate, false, "nothing was half-written during the outage");
    const again = expectOk(await send(visitor, cid, "visitor-retry"));
    assert.equal(again.duplicate, true);
    await assertStoredOnce(visitor, "visitor-retry", disconnects);
    visitor.close();
    agent.close();
  });

  it("database stalled: UNAVAILABLE within seconds while the link is still stalled, served again after", async () => {
    const { agent, visitor, cid } = await conversationWithAgent();
    const disconnects = watchDisconnects(agent, visitor);
    pg.stall(); // open connections stay open, no byte moves: no error ever arrives by itself
    try {
      const started = Date.now();
      const acks = await Promise.all([0, 1, 2].map((i) => send(visitor, cid, `stalled-${i}`, 15_000)));
      const waited = Date.now() - started;
      console.log(`      database stalled: sends answered UNAVAILABLE after ${waited} ms`);
      for (const ack of acks) assert.equal(!ack.ok && ack.error.code, "UNAVAILABLE", JSON.stringify(ack));
      assert.ok(waited < 8000, `answered within seconds, not ${waited} ms`);
      assert.equal(pg.mode, "stalled", "answered while the database still did not answer");
      assert.equal(await readyz(srv), 503);
    } finally {
      await pg.up();
    }
    await retryUntilStored(visitor, cid, "stalled-0");
    await assertStoredOnce(visitor, "stalled-0", disconnects);
    visitor.close();
    agent.close();
  });

  it("Redis down: sends are stored, acked and delivered on this node; readyz 503, then 200 again", async () => {
    const { agent, visitor, cid } = await conversationWithAgent();
    const disconnects = watchDisconnects(agent, visitor);
    redis.down();
    await until(async () => (await readyz(srv)) === 503, 10_000, "readyz 503 while Redis is down");
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const ack = expectOk(await call(visitor.socket, "message:send", { conversationId: cid, clientMsgId: `r${i}`, type: "text", body: `during ${i}` }));
      ids.push(ack.message.id);
      await new Promise((r) => setTimeout(r, 300)); // across ioredis' reconnect attempts
    }
    await until(() => ids.every((id) => agent.received.some((m) => m.id === id)), 10_000, "delivered on this node");
    const reply = expectOk(await call(agent.socket, "message:send", { conversationId: cid, clientMsgId: "reply", type: "text", body: "still here" }));
    await until(() => visitor.received.some((m) => m.id === reply.message.id), 5000, "reply delivered");

    const started = Date.now();
    await redis.up();
    await until(async () => (await readyz(srv)) === 200, 15_000, "readyz 200 after Redis returns");
    console.log(`      redis back: ready again after ${Date.now() - started} ms`);
    const after = expectOk(await call(visitor.socket, "message:send", { conversationId: cid, clientMsgId: "after", type: "text", body: "after" }));
    await until(() => agent.received.some((m) => m.id === after.message.id), 5000, "delivered after recovery");
    assert.equal(disconnects.count, 0, "no client lost its socket");
    visitor.close();
    agent.close();
  });

  it("Redis down while clients connect: handshakes still succeed, `ready` still comes; presence right after", async () => {
    redis.down();
    let visitor: Participant | undefined;
    try {
      const agent = await connectAgent(srv.url, (await agentToken(srv.url)).token);
      visitor = await connectVisitor(srv.url, (await visitorSession(srv.url)).token);
      assert.equal(visitor.ready.you.type, "visitor");
      assert.equal(agent.ready.you.type, "agent");
      agent.close();
    } finally {
      await redis.up();
    }
    // Connected while the store could not record it: registered once traffic flows again.
    const me = { type: "visitor" as const, id: visitor.ready.you.id };
    const presence = srv.application.services.presence;
    await until(async () => (await presence.presence(me)) === "online", 15_000, "the visitor is online again");
    visitor.close();
  });

  it("Redis stalled while clients connect: `ready` still comes within seconds, sends are stored", async () => {
    const v = await visitorSession(srv.url);
    redis.stall(); // no error ever arrives by itself: only a client-side bound ends the wait
    try {
      const started = Date.now();
      const visitor = await Promise.race([
        connectVisitor(srv.url, v.token),
        sleep(10_000).then(() => assert.fail("no `ready` after 10 s while Redis is stalled")),
      ]);
      console.log(`      redis stalled: ready after ${Date.now() - started} ms`);
      assert.equal(redis.mode, "stalled", "ready while Redis still does not answer");
      expectOk(await call(visitor.socket, "message:send", { clientMsgId: "stalled", type: "text", body: "hello" }));
      assert.ok(Date.now() - started < 8000, "within seconds");
      visitor.close();
    } finally {
      await redis.up();
    }
    await until(async () => (await readyz(srv)) === 200, 10_000, "ready again");
  });

  it("database down while clients connect: the handshake answers UNAVAILABLE with retryAfterMs", async () => {
    const v = await visitorSession(srv.url);
    pg.down();
    try {
      await assert.rejects(connectVisitor(srv.url, v.token), (err: Error & { data?: { code?: string; retryAfterMs?: number } }) => {
        assert.equal(err.data?.code, "UNAVAILABLE");
        assert.ok((err.data?.retryAfterMs ?? 0) > 0);
        return true;
      });
    } finally {
      await pg.up();
    }
    await until(async () => (await readyz(srv)) === 200, 10_000, "ready again");
    const visitor = await connectVisitor(srv.url, v.token);
    visitor.close();
  });
});

describeCluster("dependency faults: a node started during a database outage", function () {
  this.timeout(60_000);

  it("takes its port, answers /healthz 200 and /readyz 503 while it waits, then serves without a restart", async () => {
    const store = await freshStore("postgres");
    const { pg, proxied } = await proxiedPostgres(store);
    pg.down();
    const node = await startProcess(proxied, {}, { until: "port" });
    try {
      await until(() => node.logged.some((l) => l.msg === "dependencies unreachable at start, retrying"), 10_000, "a retry")
        .catch((err) => assert.fail(`${err}: ${JSON.stringify(node.logged)}`));
      assert.equal((await fetch(`${node.url}/healthz`)).status, 200);
      const ready = await fetch(`${node.url}/readyz`);
      assert.equal(ready.status, 503);
      const session = await fetch(`${node.url}/api/visitor/session`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
      assert.equal(session.status, 503);
      assert.equal((await session.json()).error.code, "UNAVAILABLE");
      assert.equal(node.child.exitCode, null, "still running");

      const started = Date.now();
      await pg.up();
      await until(async () => (await fetch(`${node.url}/readyz`)).status === 200, 40_000, "ready once the database is back");
      console.log(`      database back: node serving after ${Date.now() - started} ms`);
      const v = await visitorSession(node.url);
      const visitor = await connectVisitor(node.url, v.token);
      expectOk(await call(visitor.socket, "message:send", { clientMsgId: "first", type: "text", body: "made it" }));
      visitor.close();
    } finally {
      node.kill();
      await pg.close();
      await store.drop();
    }
  });
});

describeCluster("dependency faults: two nodes through a Redis outage", function () {
  this.timeout(60_000);
  let store: Store;
  let redis: FaultProxy;
  let a: TestServer;
  let b: TestServer;
  before(async () => {
    store = await freshStore("postgres");
    redis = await startFaultProxy({ port: Number(new URL(REDIS_URL).port || 6379) });
    const env = { REDIS_URL: `redis://127.0.0.1:${redis.port}`, LOG_LEVEL: "silent" };
    a = await startServer({ store, env });
    b = await startServer({ store, env });
  });
  after(async () => {
    await a?.stop();
    await b?.stop();
    await redis?.close();
    await store?.drop();
  });

  it("messages acked during the outage reach the devices on the other node once Redis is back, with no reconnect", async () => {
    const agent = await connectAgent(b.url, (await agentToken(b.url)).token);
    const visitor = await connectVisitor(a.url, (await visitorSession(a.url)).token);
    const first = expectOk(await call(visitor.socket, "message:send", { clientMsgId: "first", type: "text", body: "hello" }));
    await until(() => agent.received.some((m) => m.id === first.message.id), 10_000, "assigned to the agent on B");
    const cid = first.message.conversationId;
    const disconnects = watchDisconnects(agent, visitor);

    redis.down();
    const during: string[] = [];
    for (let i = 0; i < 3; i++) {
      during.push(expectOk(await call(visitor.socket, "message:send", { conversationId: cid, clientMsgId: `d${i}`, type: "text", body: `during ${i}` })).message.id);
    }
    await new Promise((r) => setTimeout(r, 1000));
    const early = during.filter((id) => agent.received.some((m) => m.id === id)).length;
    const started = Date.now();
    await redis.up();
    await until(() => during.every((id) => agent.received.some((m) => m.id === id)), 10_000, "the agent on B gets what was acked on A");
    console.log(`      redis back: ${during.length - early} missed messages reached the other node after ${Date.now() - started} ms`);
    const byId = new Map(agent.received.map((m) => [m.id, m]));
    assert.deepEqual(during.map((id) => byId.get(id)!.seq), [2, 3, 4].map((n) => n + (byId.get(during[0])!.seq - 2)), "in seq order, gapless");
    const after = expectOk(await call(visitor.socket, "message:send", { conversationId: cid, clientMsgId: "after", type: "text", body: "after" }));
    await until(() => agent.received.some((m) => m.id === after.message.id), 10_000, "live cross-node delivery again");
    assert.equal(disconnects.count, 0, "no client reconnected");
    visitor.close();
    agent.close();
  });
});
