// Private notes and the visitor panel's history with the database down (PostgreSQL behind
// the TCP fault proxy, as dependencies.test.ts): `note:add` and `note:list` answer
// UNAVAILABLE with retryAfterMs, GET /api/visitors/:id answers 503 UNAVAILABLE, the process
// keeps running (no unhandled rejection) and all of them work again once it is back,
// without a reconnect.
import assert from "node:assert/strict";
import { agentToken, api, call, connectAgent, connectVisitor, expectOk, until, visitorSession } from "../helpers/clients.js";
import { proxiedPostgres, type FaultProxy } from "../helpers/fault-proxy.js";
import { freshStore, startServer, type Store, type TestServer } from "../helpers/server.js";

(process.env.HOLDFAST_TEST_POSTGRES === "1" ? describe : describe.skip)("dependency faults: notes and visitor history while the database is down", function () {
  this.timeout(60_000);
  let srv: TestServer;
  let store: Store;
  let pg: FaultProxy;
  const unhandled: unknown[] = [];
  const record = (reason: unknown) => void unhandled.push(reason);

  before(async () => {
    process.on("unhandledRejection", record);
    store = await freshStore("postgres");
    const through = await proxiedPostgres(store);
    pg = through.pg;
    srv = await startServer({ store: through.proxied, env: { LOG_LEVEL: "silent" } });
  });
  after(async () => {
    process.off("unhandledRejection", record);
    await srv?.stop();
    await pg?.close();
    await store?.drop();
  });

  it("note:add, note:list: UNAVAILABLE; GET /api/visitors/:id: 503; served again after", async () => {
    const token = (await agentToken(srv.url)).token;
    const agent = await connectAgent(srv.url, token);
    const v = await visitorSession(srv.url);
    const visitor = await connectVisitor(srv.url, v.token);
    const cid = expectOk(await call(visitor.socket, "message:send", { clientMsgId: "first", type: "text", body: "hello" })).message.conversationId;
    await until(() => agent.received.some((m) => m.conversationId === cid), 10_000, "assigned to the admin");
    expectOk(await call(agent.socket, "note:add", { conversationId: cid, body: "before" }));

    pg.down();
    try {
      for (const [event, payload] of [["note:add", { conversationId: cid, body: "during" }], ["note:list", { conversationId: cid }]] as const) {
        const ack = await call(agent.socket, event, payload as never);
        assert.equal(ack.ok ? "ok" : ack.error.code, "UNAVAILABLE", `${event}: ${JSON.stringify(ack)}`);
        assert.ok(!ack.ok && (ack.error.retryAfterMs ?? 0) > 0, `${event}: retryAfterMs`);
      }
      const history = await api<{ error: { code: string } }>(srv.url, "GET", `/api/visitors/${v.visitorId}`, undefined, token);
      assert.equal(history.status, 503, JSON.stringify(history.body));
      assert.equal(history.body.error.code, "UNAVAILABLE");
    } finally {
      await pg.up();
    }

    // Back: the same sockets, nothing half-written.
    let listed = await call(agent.socket, "note:list", { conversationId: cid });
    for (let i = 0; !listed.ok && i < 50; i++) {
      await new Promise((r) => setTimeout(r, 200)); // the pool replaces its dead connections
      listed = await call(agent.socket, "note:list", { conversationId: cid });
    }
    assert.deepEqual(expectOk(listed).notes.map((n) => n.body), ["before"]);
    expectOk(await call(agent.socket, "note:add", { conversationId: cid, body: "after" }));
    const history = await api(srv.url, "GET", `/api/visitors/${v.visitorId}`, undefined, token);
    assert.equal(history.status, 200);
    assert.deepEqual(unhandled.splice(0).map((e) => (e as Error).stack), [], "no unhandled rejection");
    visitor.close();
    agent.close();
  });
});
