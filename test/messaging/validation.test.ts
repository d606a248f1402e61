// Bad input gets VALIDATION and changes nothing; junk never crashes the server; visitors
// only ever reach their own conversation; handshakes fail with the contract's codes.
import assert from "node:assert/strict";
import { io } from "socket.io-client";
import { agentToken, call, callRaw, connect, connectAgent, connectVisitor, emitRaw, expectOk, sleep, visitorSession, type ConnectError } from "../helpers/clients.js";
import { startServer, testDatabases, type TestServer } from "../helpers/server.js";

const long = (n: number) => "x".repeat(n);
const BAD: Record<string, unknown[]> = {
  "message:send": [
    undefined, null, 42, "text", [],
    {},
    { clientMsgId: "a", type: "text" },
    { clientMsgId: "", type: "text", body: "hi" },
    { clientMsgId: long(65), type: "text", body: "hi" },
    { clientMsgId: "a", type: "shout", body: "hi" },
    { clientMsgId: "a", type: "system", body: "hi" },
    { clientMsgId: "a", type: "text", body: 7 },
    { clientMsgId: "a", type: "text", body: "   " },
    { clientMsgId: "a", type: "text", body: long(5001) },
    { clientMsgId: "a", type: "text", body: "hi", extra: true },
    { clientMsgId: "a", type: "image", body: "pic" },
    { clientMsgId: 5, type: "text", body: "hi" },
    { conversationId: 5, clientMsgId: "a", type: "text", body: "hi" },
  ],
  sync: [undefined, {}, { afterSeq: -1 }, { afterSeq: "0" }, { afterSeq: 0, limit: 501 }, { afterSeq: 0, limit: 0 }, { afterSeq: 1.5 }, { afterSeq: 0, junk: 1 }],
  "message:read": [undefined, {}, { upToSeq: -2 }, { upToSeq: "3" }, { upToSeq: 1, x: 1 }],
  typing: [undefined, {}, { isTyping: "yes" }, { isTyping: true, x: 1 }],
  hb: [undefined, {}, { t: "now" }, { t: 1, rtt: -5 }, { t: 1, rtt: "fast" }, { t: 1, y: 2 }],
  "conversation:claim": [undefined, {}, { conversationId: 1 }, { conversationId: "" }],
  "conversation:transfer": [undefined, {}, { conversationId: "c" }, { conversationId: "c", toAgentId: 3 }],
  "conversation:resolve": [undefined, {}, { conversationId: null }],
  "agent:status": [undefined, {}, { status: "busy" }, { status: "online", x: 1 }],
  "csat:submit": [undefined, {}, { conversationId: "c", rating: 0 }, { conversationId: "c", rating: 6 }, { conversationId: "c", rating: 2.5 },
    { conversationId: "c", rating: "5" }, { conversationId: "c", rating: 3, comment: long(1001) }, { conversationId: "c", rating: 3, x: 1 }],
};

for (const db of testDatabases()) {
  describe(`bad input and isolation [${db}]`, function () {
    let srv: TestServer;
    before(async () => (srv = await startServer({ db })));
    after(async () => srv?.stop());

    it("answers VALIDATION for every malformed payload of every event, and stores nothing", async () => {
      const v = await visitorSession(srv.url);
      const visitor = await connectVisitor(srv.url, v.token);
      const agent = await connectAgent(srv.url, (await agentToken(srv.url)).token);
      for (const [event, payloads] of Object.entries(BAD)) {
        const visitorEvent = !event.startsWith("conversation:") && event !== "agent:status";
        for (const p of payloads) {
          const s = visitorEvent ? visitor.socket : agent.socket;
          const res = await callRaw(s, event, p); // junk on purpose: not the typed `call`
          assert.equal(res.ok, false, `${event} ${JSON.stringify(p)} was accepted`);
          assert.equal(res.error.code, "VALIDATION", `${event} ${JSON.stringify(p)}: ${JSON.stringify(res)}`);
          assert.equal(typeof res.error.message, "string");
        }
      }
      const r = expectOk(await call(visitor.socket, "sync", { afterSeq: 0 }));
      assert.deepEqual(r.messages, [], "nothing was stored");
      const fallback = await fetch(`${srv.url}/api/visitor/conversation`, { headers: { authorization: `Bearer ${v.token}` } });
      assert.equal((await fallback.json()).conversation, null, "no conversation was created");
      visitor.close();
      agent.close();
    });

    it("survives events without ack, unknown events and oversized frames", async () => {
      const v = await visitorSession(srv.url);
      const visitor = await connectVisitor(srv.url, v.token);
      // Emits the contract forbids, on purpose: through the untyped emitRaw.
      emitRaw(visitor.socket, "message:send", { nonsense: true });
      emitRaw(visitor.socket, "unknown:event", { a: 1 }, () => {});
      emitRaw(visitor.socket, "sync");
      emitRaw(visitor.socket, "hb", 1, 2, 3, 4);
      emitRaw(visitor.socket, "message:send", { clientMsgId: "no-ack", type: "text", body: "still stored" });
      await sleep(300);
      const r = expectOk(await call(visitor.socket, "sync", { afterSeq: 0 }));
      const own = r.messages.filter((m) => m.sender.type !== "system");
      assert.deepEqual(own.map((m) => m.clientMsgId), ["no-ack"], "a send without ack is processed");
      // Frames up to 1 MB are read and judged: a 200 KB body is answered VALIDATION and the
      // socket stays; only a larger frame closes that connection, and the server lives on.
      const big = await connectVisitor(srv.url, v.token);
      const tooLong = await callRaw(big.socket, "message:send", { clientMsgId: "big", type: "text", body: long(200_000) });
      assert.equal(tooLong.ok, false);
      assert.equal(tooLong.error.code, "VALIDATION");
      assert.ok(big.socket.connected, "a 200 KB frame keeps its socket");
      assert.equal((await call(big.socket, "hb", { t: 1 })).ok, true, "and the socket still works");
      const closed = new Promise((res) => big.socket.on("disconnect", res));
      emitRaw(big.socket, "message:send", { clientMsgId: "huge", type: "text", body: long(1_100_000) }); // no ack: the frame is the point
      await closed;
      const health = await fetch(`${srv.url}/healthz`);
      assert.equal(health.status, 200);
      const again = await call(visitor.socket, "hb", { t: 5 });
      assert.equal(again.ok, true);
      assert.equal(again.t, 5);
      assert.equal(typeof again.serverTime, "number");
      visitor.close();
    });

    it("keeps visitors inside their own conversation", async () => {
      const a = await visitorSession(srv.url, "Alice");
      const b = await visitorSession(srv.url, "Bob");
      const alice = await connectVisitor(srv.url, a.token);
      const bob = await connectVisitor(srv.url, b.token);
      const sent = expectOk(await call(alice.socket, "message:send", { clientMsgId: "secret", type: "text", body: "my address is..." }));
      const cid = sent.message.conversationId;
      const steal = await call(bob.socket, "sync", { conversationId: cid, afterSeq: 0 });
      assert.equal(steal.ok, false);
      assert.equal(steal.error.code, "NOT_FOUND");
      const inject = await call(bob.socket, "message:send", { conversationId: cid, clientMsgId: "evil", type: "text", body: "hi" });
      assert.equal(inject.ok, false);
      assert.equal(inject.error.code, "NOT_FOUND");
      const read = await call(bob.socket, "message:read", { conversationId: cid, upToSeq: 1 });
      assert.equal(read.ok, false);
      const typing = await call(bob.socket, "typing", { conversationId: cid, isTyping: true });
      assert.equal(typing.ok, false);
      const own = expectOk(await call(bob.socket, "sync", { afterSeq: 0 }));
      assert.deepEqual(own.messages, []);
      await sleep(100);
      assert.equal(bob.received.length, 0, "bob received nothing of alice's");
      // Visitors cannot use agent events at all: refused, and the conversation stays unclaimed.
      const owner = async () => (await srv.application.services.repos.conversations.byId(cid))?.agent_id ?? null;
      const before = await owner();
      const claim = await callRaw(bob.socket, "conversation:claim", { conversationId: cid }, 3000);
      assert.equal(!claim.ok && claim.error.code, "FORBIDDEN");
      assert.equal(await owner(), before);
      alice.close();
      bob.close();
    });

    it("refuses handshakes with AUTH_REQUIRED or AUTH_INVALID", async () => {
      for (const [nsp, auth, code] of [
        ["/visitor", {}, "AUTH_REQUIRED"],
        ["/visitor", { token: "v.forged.zz.sig" }, "AUTH_INVALID"],
        ["/visitor", { token: 12 }, "AUTH_INVALID"],
        ["/agent", {}, "AUTH_REQUIRED"],
        ["/agent", { token: "nope" }, "AUTH_INVALID"],
      ] as const) {
        const err = await connect(srv.url, nsp, auth).then(() => null, (e: ConnectError) => e);
        assert.ok(err, `${nsp} ${JSON.stringify(auth)} connected`);
        assert.equal(err.data?.code, code, `${nsp} ${JSON.stringify(auth)}`);
      }
      // A visitor token is not an agent token.
      const v = await visitorSession(srv.url);
      const err = await connect(srv.url, "/agent", { token: v.token }).then(() => null, (e: ConnectError) => e);
      assert.equal(err?.data?.code, "AUTH_INVALID");
      const raw = io(srv.url + "/nope", { transports: ["websocket"], forceNew: true, reconnection: false });
      const e2 = await new Promise<Error>((res) => raw.on("connect_error", res));
      assert.match(e2.message, /Invalid namespace/);
      raw.close();
    });
  });
}
