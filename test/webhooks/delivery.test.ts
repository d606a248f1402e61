// Webhook deliveries to a real receiver (PROTOCOL.md section 6): the four events, signed
// over the raw body; retried after 500s and after a timeout, each attempt logged; in order
// per conversation while some attempts fail; and the API's admin-only, validated input.
import assert from "node:assert/strict";
import { agentToken, api, call, connectAgent, createAgent, expectOk, sleep, until } from "../helpers/clients.js";
import { serverPerSuite, startServer, testDatabases } from "../helpers/server.js";
import { addWebhook, chat, FAST_ENV, SECRET } from "./helpers.js";
import { startReceiver, verify, type Receiver } from "./receiver.js";

for (const db of testDatabases()) {
  describe(`webhooks (${db})`, function () {
    this.timeout(60_000);
    const srv = serverPerSuite(() => startServer({ db, env: FAST_ENV }));
    let rx: Receiver;
    let hookId = "";
    before(async () => {
      rx = await startReceiver();
      hookId = (await addWebhook(srv.url, rx.url)).id;
    });
    after(() => rx?.close());
    const prisma = () => srv.application.services.db.prisma;

    it("posts the four events, signed with the secret over the raw body", async () => {
      const { visitor, conversationId } = await chat(srv.url, 1, "sig");
      const { token } = await agentToken(srv.url);
      const agent = await connectAgent(srv.url, token);
      expectOk(await call(agent.socket, "conversation:claim", { conversationId }));
      expectOk(await call(agent.socket, "message:send", { conversationId, clientMsgId: "a1", type: "text", body: "hello from us" }));
      expectOk(await call(agent.socket, "conversation:resolve", { conversationId }));
      const mine = () => [...rx.accepted.values()].filter((r) => (r.event.data.conversation?.id ?? r.event.data.message?.conversationId) === conversationId);
      // System lines (the claim's, the resolve's) are messages too: message.created each.
      const ours = () => mine().filter((r) => r.event.data.message?.type !== "system");
      await until(() => ours().at(-1)?.event.type === "conversation.resolved", 10_000, "the resolve");
      assert.deepEqual(ours().map((r) => r.event.type),
        ["conversation.created", "message.created", "conversation.assigned", "message.created", "conversation.resolved"]);
      assert.ok(mine().some((r) => r.event.data.message?.type === "system"));
      for (const r of mine()) {
        assert.ok(verify(SECRET, r.raw, r.signature), `signature of ${r.raw}`);
        assert.ok(!verify("another secret", r.raw, r.signature));
        assert.match(r.event.id, /^[0-9a-f-]{36}$/);
        assert.ok(!Number.isNaN(Date.parse(r.event.createdAt)));
      }
      const [, m1, assigned, m2] = ours().map((r) => r.event.data);
      assert.equal(m1.message.body, "sig 0");
      assert.equal(m1.message.seq, 1);
      assert.equal(m2.message.body, "hello from us");
      assert.equal(assigned.conversation.agentId, agent.ready.you.id);
      visitor.close();
      agent.close();
    });

    it("posts conversation.assigned for the queue's automatic assignment too", async () => {
      const { token } = await agentToken(srv.url);
      const agent = await connectAgent(srv.url, token);
      const { visitor, conversationId } = await chat(srv.url, 1, "auto");
      const assigned = () => [...rx.accepted.values()].find((r) => r.event.type === "conversation.assigned" && r.event.data.conversation.id === conversationId);
      await until(() => !!assigned(), 10_000, "conversation.assigned");
      assert.equal(assigned()!.event.data.conversation.agentId, agent.ready.you.id);
      assert.equal(assigned()!.event.data.conversation.status, "open");
      expectOk(await call(agent.socket, "conversation:resolve", { conversationId }));
      visitor.close();
      agent.close();
    });

    it("retries after 500s until the receiver answers 2xx; every attempt is logged", async () => {
      rx.answer = (_e, n) => (n <= 3 ? { status: 500, body: "database is down" } : { status: 200 });
      try {
        const { visitor, conversationId } = await chat(srv.url, 1, "r500");
        const undelivered = () => prisma().webhookEvent.count({ where: { conversationId, state: { not: "delivered" } } });
        await until(async () => (await undelivered()) === 0, 15_000, "all delivered");
        const events = await prisma().webhookEvent.findMany({ where: { conversationId }, include: { attemptLog: { orderBy: { id: "asc" } } } });
        for (const e of events) {
          assert.equal(e.attempts, 4);
          assert.deepEqual(e.attemptLog.map((a) => a.status), [500, 500, 500, 200]);
          assert.equal(e.attemptLog[0].bodyExcerpt, "database is down");
          const gaps = e.attemptLog.slice(1).map((a, i) => a.at.getTime() - e.attemptLog[i].at.getTime());
          assert.ok(gaps[1] > gaps[0] * 1.3, `backoff grows: ${gaps}`);
        }
        visitor.close();
      } finally {
        rx.answer = () => ({ status: 200 });
      }
    });

    it("retries a receiver that does not answer within the timeout", async () => {
      rx.answer = (_e, n) => (n === 1 ? "hang" : { status: 204 });
      try {
        const { visitor, conversationId } = await chat(srv.url, 1, "slow");
        await until(async () => (await prisma().webhookEvent.count({ where: { conversationId, state: { not: "delivered" } } })) === 0, 15_000, "delivered");
        const attempts = await prisma().webhookAttempt.findMany({ where: { event: { conversationId, type: "message.created" } }, orderBy: { id: "asc" } });
        assert.equal(attempts[0].status, null);
        assert.match(attempts[0].error ?? "", /no answer within 600 ms/);
        assert.ok(attempts[0].durationMs >= 550, `${attempts[0].durationMs} ms`);
        assert.equal(attempts[1].status, 204);
        visitor.close();
      } finally {
        rx.answer = () => ({ status: 200 });
      }
    });

    it("keeps each conversation's events in order while attempts fail", async () => {
      // A third of the attempts fail; the receiver checks nothing arrives ahead of an
      // event of its conversation that it has not yet accepted.
      let k = 0;
      rx.answer = () => (k++ % 3 === 1 ? { status: 503 } : { status: 200, delayMs: 5 });
      try {
        const chats = await Promise.all([0, 1, 2].map((i) => chat(srv.url, 0, `ord${i}`)));
        const ids = new Set<string>();
        for (let i = 0; i < 12; i++) {
          for (const [c, x] of chats.entries()) {
            const ack = expectOk(await call(x.visitor.socket, "message:send", { clientMsgId: `o${c}-${i}`, type: "text", body: `${c}:${i}` }));
            ids.add(ack.message.conversationId);
          }
        }
        const of = (cid: string) => rx.requests.filter((r) => r.event.type === "message.created" && r.event.data.message.conversationId === cid);
        const left = () => prisma().webhookEvent.count({ where: { conversationId: { in: [...ids] }, state: { not: "delivered" } } });
        await until(async () => (await left()) === 0, 30_000, "all accepted");
        for (const cid of ids) assert.equal(of(cid).filter((r) => r.status === 200 && r.event.data.message.sender.type === "visitor").length, 12);
        for (const cid of ids) {
          const seqs = of(cid).map((r) => ({ seq: r.event.data.message.seq as number, ok: r.status === 200 }));
          // Requests in arrival order: each is the next seq after the last accepted one (or a repeat of it).
          let last = 0;
          for (const s of seqs) {
            assert.ok(s.seq === last + 1 || s.seq === last, `conversation ${cid}: seq ${s.seq} after ${last} accepted (${JSON.stringify(seqs)})`);
            if (s.ok) last = s.seq;
          }
          assert.ok(seqs.some((s) => !s.ok), "some attempts failed");
        }
        for (const x of chats) x.visitor.close();
      } finally {
        rx.answer = () => ({ status: 200 });
      }
    });

    it("adds webhooks for admins only, with VALIDATION for bad input", async () => {
      const { token } = await agentToken(srv.url);
      const agent = await createAgent(srv.url, token, "Plain Agent");
      const body = { url: "http://10.0.0.7:8080/crm", secret: "s3cret" };
      assert.equal((await api(srv.url, "POST", "/api/webhooks", body)).status, 401);
      const forbidden = await api<{ error: { code: string } }>(srv.url, "POST", "/api/webhooks", body, agent.token);
      assert.equal(forbidden.status, 403);
      assert.equal(forbidden.body.error.code, "FORBIDDEN");
      for (const bad of [{ ...body, url: "ftp://x" }, { ...body, url: "not a url" }, { url: body.url }, { ...body, secret: "" },
        { ...body, events: ["message.deleted"] }, { ...body, events: [] }]) {
        const r = await api<{ error: { code: string } }>(srv.url, "POST", "/api/webhooks", bad, token);
        assert.equal(r.status, 400, JSON.stringify(bad));
        assert.equal(r.body.error.code, "VALIDATION");
      }
      assert.equal(await prisma().webhook.count(), 1, "nothing added");
      const ok = await api<{ webhook: object }>(srv.url, "POST", "/api/webhooks", { ...body, events: ["conversation.resolved"] }, token);
      assert.equal(ok.status, 201);
      const created = ok.body.webhook as { id: string };
      assert.deepEqual(ok.body.webhook, { id: created.id, url: body.url, events: ["conversation.resolved"] });
      const list = await api<{ webhooks: { id: string }[] }>(srv.url, "GET", "/api/webhooks", undefined, token);
      assert.deepEqual(list.body.webhooks.map((w) => w.id).sort(), [hookId, created.id].sort());
      assert.equal((await api(srv.url, "GET", "/api/webhooks", undefined, agent.token)).status, 403);
      assert.equal((await api(srv.url, "DELETE", `/api/webhooks/${created.id}`, undefined, agent.token)).status, 403);
      assert.equal((await api(srv.url, "DELETE", `/api/webhooks/${created.id}`, undefined, token)).status, 204);
      assert.equal((await api(srv.url, "DELETE", `/api/webhooks/${created.id}`, undefined, token)).status, 404);
      assert.equal((await api(srv.url, "DELETE", "/api/webhooks/nope", undefined, token)).status, 400);
      await sleep(0);
    });
  });
}
