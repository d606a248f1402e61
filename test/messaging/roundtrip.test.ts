// The core promise on a real server and database: round trip, idempotent retries,
// gapless seqs under concurrency, replay via sync, polling-only transport.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import type { Message } from "../../src/events.js";
import { agentToken, call, connectAgent, connectVisitor, createAgent, expectOk, isOk, sleep, until, visitorSession } from "../helpers/clients.js";
import { startServer, testDatabases, type TestServer } from "../helpers/server.js";

for (const db of testDatabases()) {
  describe(`messaging round trip [${db}]`, function () {
    let srv: TestServer;
    before(async () => (srv = await startServer({ db, env: { DELIVERY_RETRY_MS: "300" } })));
    after(async () => srv?.stop());

    // A fresh agent per test: with no load it wins the automatic assignment.
    async function pair() {
      const admin = await agentToken(srv.url);
      const a = await createAgent(srv.url, admin.token, "Agent Smith", { maxConcurrent: 50 });
      const agent = await connectAgent(srv.url, a.token);
      const v = await visitorSession(srv.url);
      const visitor = await connectVisitor(srv.url, v.token);
      return { v, visitor, agent, agentId: a.agentId };
    }

    it("delivers a visitor's message to the agent and the reply back, with seqs from 1", async () => {
      const { visitor, agent, v } = await pair();
      assert.equal(visitor.ready.you.type, "visitor");
      assert.equal(visitor.ready.you.id, v.visitorId);
      assert.ok(visitor.ready.heartbeatIntervalMs > 0);
      const sent = await call(visitor.socket, "message:send", { clientMsgId: "c1", type: "text", body: "Hello there" });
      assert.equal(sent.ok, true, JSON.stringify(sent));
      assert.equal(sent.duplicate, false);
      assert.equal(sent.message.seq, 1);
      assert.equal(sent.message.sender.type, "visitor");
      const cid = sent.message.conversationId;
      // The admin is online: the conversation is assigned to it and it follows the room.
      await until(() => agent.received.some((m) => m.id === sent.message.id), 5000, "agent receives");
      const reply = await call(agent.socket, "message:send", { conversationId: cid, clientMsgId: "a1", type: "text", body: "Hi! How can I help?" });
      assert.equal(reply.ok, true, JSON.stringify(reply));
      assert.ok(reply.message.seq > 1);
      await until(() => visitor.received.some((m) => m.id === reply.message.id), 5000, "visitor receives reply");
      const seqs = visitor.received.map((m) => m.seq);
      assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), "visitor got messages in seq order");
      visitor.close();
      agent.close();
    });

    it("answers a retried clientMsgId with the stored message, also for racing copies", async () => {
      const { visitor, agent } = await pair();
      const first = expectOk(await call(visitor.socket, "message:send", { clientMsgId: "dup-1", type: "text", body: "once" }));
      // The agent follows the conversation once it is assigned (before its first message
      // goes out); "delivered once" below needs it in the room before the racing copies.
      await until(() => agent.received.some((m) => m.id === first.message.id), 5000, "assignment");
      const again = await call(visitor.socket, "message:send", { clientMsgId: "dup-1", type: "text", body: "once" });
      assert.equal(again.ok, true);
      assert.equal(again.duplicate, true);
      assert.equal(again.message.id, first.message.id);
      assert.equal(again.message.seq, first.message.seq);
      const racing = await Promise.all(
        Array.from({ length: 5 }, async () => expectOk(await call(visitor.socket, "message:send", { clientMsgId: "race-1", type: "text", body: "race" }))),
      );
      assert.equal(new Set(racing.map((r) => r.message.id)).size, 1, "one message for five racing copies");
      assert.equal(racing.filter((r) => r.duplicate === false).length, 1, "exactly one copy is the original");
      const sync = expectOk(await call(visitor.socket, "sync", { afterSeq: 0 }));
      assert.deepEqual(sync.messages.filter((m) => m.clientMsgId === "race-1").length, 1);
      await sleep(200);
      assert.equal(agent.received.filter((m) => m.clientMsgId === "race-1").length, 1, "delivered once");
      visitor.close();
      agent.close();
    });

    it("gives 200 concurrent sends from both sides the seqs 1..N exactly", async () => {
      const { visitor, agent } = await pair();
      const first = expectOk(await call(visitor.socket, "message:send", { clientMsgId: "start", type: "text", body: "start" }));
      const cid = first.message.conversationId;
      // Assigned to this agent once its first message arrives (assignment precedes fan-out).
      await until(() => agent.received.some((m) => m.id === first.message.id), 5000, "assignment");
      const sends = [
        ...Array.from({ length: 100 }, (_, i) => call(visitor.socket, "message:send", { clientMsgId: `v${i}`, type: "text", body: `v ${i}` })),
        ...Array.from({ length: 100 }, (_, i) => call(agent.socket, "message:send", { conversationId: cid, clientMsgId: `a${i}`, type: "text", body: `a ${i}` })),
      ];
      const acks = await Promise.all(sends);
      assert.ok(acks.every(isOk), JSON.stringify(acks.find((a) => !a.ok)));
      const all: Message[] = [];
      let after = 0;
      for (;;) {
        const page = expectOk(await call(visitor.socket, "sync", { afterSeq: after, limit: 500 }));
        all.push(...page.messages);
        if (!page.hasMore) break;
        after = page.messages.at(-1)!.seq;
      }
      const seqs = all.map((m) => m.seq);
      assert.deepEqual(seqs, Array.from({ length: seqs.length }, (_, i) => i + 1), "gapless, no repeats");
      assert.equal(new Set(all.map((m) => m.id)).size, all.length);
      for (const a of acks) assert.equal(all.find((m) => m.id === a.message.id)?.seq, a.message.seq, JSON.stringify(a.message));
      visitor.close();
      agent.close();
    });

    it("replays what was missed through sync after a disconnect", async () => {
      const { v, visitor, agent } = await pair();
      const first = expectOk(await call(visitor.socket, "message:send", { clientMsgId: "r0", type: "text", body: "before" }));
      const cid = first.message.conversationId;
      const held = first.message.seq;
      await until(() => agent.received.some((m) => m.id === first.message.id), 5000, "assignment");
      visitor.close();
      for (let i = 0; i < 5; i++) {
        const r = await call(agent.socket, "message:send", { conversationId: cid, clientMsgId: `off-${i}`, type: "text", body: `while away ${i}` });
        assert.equal(r.ok, true, JSON.stringify(r));
      }
      const back = await connectVisitor(srv.url, v.token);
      assert.equal(back.ready.conversations[0]?.id, cid);
      const page = expectOk(await call(back.socket, "sync", { afterSeq: held }));
      assert.deepEqual(page.messages.map((m) => m.clientMsgId).filter((c) => c.startsWith("off-")), [0, 1, 2, 3, 4].map((i) => `off-${i}`));
      assert.equal(page.lastSeq, page.messages.at(-1)?.seq);
      back.close();
      agent.close();
    });

    it("re-emits an unacked message every DELIVERY_RETRY_MS while the socket stays connected", async () => {
      const v = await visitorSession(srv.url);
      const visitor = await connectVisitor(srv.url, v.token, { ackMessages: false });
      const agent = await connectAgent(srv.url, (await agentToken(srv.url)).token); // admin: may write anywhere
      const first = expectOk(await call(visitor.socket, "message:send", { clientMsgId: "x", type: "text", body: "hi" }));
      await until(async () => (await call(agent.socket, "sync", { conversationId: first.message.conversationId, afterSeq: 0 })).ok);
      const r = expectOk(await call(agent.socket, "message:send", { conversationId: first.message.conversationId, clientMsgId: "re", type: "text", body: "are you there?" }));
      await until(() => visitor.received.filter((m) => m.id === r.message.id).length >= 2, 3000, "a re-emit");
      visitor.close();
      agent.close();
    });

    it("works over long-polling alone", async () => {
      const admin = await agentToken(srv.url);
      const a = await createAgent(srv.url, admin.token, "Polly", { maxConcurrent: 50 });
      const agent = await connectAgent(srv.url, a.token, { transports: ["polling"] });
      const v = await visitorSession(srv.url);
      const visitor = await connectVisitor(srv.url, v.token, { transports: ["polling"] });
      assert.equal(visitor.socket.io.engine.transport.name, "polling");
      const s = await call(visitor.socket, "message:send", { clientMsgId: randomUUID(), type: "text", body: "over polling" });
      assert.equal(s.ok, true);
      await until(() => agent.received.some((m) => m.id === s.message.id), 5000, "agent receives over polling");
      const r = expectOk(await call(agent.socket, "message:send", { conversationId: s.message.conversationId, clientMsgId: "p1", type: "text", body: "reply" }));
      await until(() => visitor.received.some((m) => m.id === r.message.id), 5000, "visitor receives over polling");
      visitor.close();
      agent.close();
    });
  });
}
