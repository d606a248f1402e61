// `visitor:context` (an addition to PROTOCOL.md): a visitor's new page is validated,
// written to the visitor row, acked, and told to the agent of their conversation (and
// to nobody else); the rest of the context stays; a flood is refused RATE_LIMITED.
import assert from "node:assert/strict";
import type { VisitorContextPayload } from "../../src/events.js";
import {
  agentToken, api, call, callRaw, connectAgent, connectVisitor, createAgent, expectOk, sleep, until, type Participant, type VisitorSessionBody,
} from "../helpers/clients.js";
import { startServer, testDatabases, type TestServer } from "../helpers/server.js";

for (const db of testDatabases()) {
  describe(`visitor context [${db}]`, function () {
    this.timeout(60_000);
    let srv: TestServer;
    const open: Participant[] = [];
    before(async () => (srv = await startServer({ db })));
    afterEach(() => open.splice(0).forEach((p) => p.close()));
    after(async () => srv?.stop());

    /** A visitor whose conversation is assigned to a fresh agent, and an agent who is not in it. */
    async function scene() {
      const admin = await agentToken(srv.url);
      const mine = await createAgent(srv.url, admin.token, "Assigned Agent", { maxConcurrent: 50 });
      const agent = await connectAgent(srv.url, mine.token);
      const first = { page: "https://shop.example/", referrer: "https://news.example/article", language: "de-DE", timezone: "Europe/Berlin" };
      const v = (await api<VisitorSessionBody>(srv.url, "POST", "/api/visitor/session", { name: "Kai", ...first })).body;
      const visitor = await connectVisitor(srv.url, v.token);
      open.push(agent, visitor);
      const sent = expectOk(await call(visitor.socket, "message:send", { clientMsgId: "k1", type: "text", body: "hello" }));
      await until(() => agent.received.some((m) => m.id === sent.message.id), 5000, "assignment");
      const other = await createAgent(srv.url, admin.token, "Other Agent", { maxConcurrent: 50 });
      const bystander = await connectAgent(srv.url, other.token);
      open.push(bystander);
      return { v, visitor, agent, bystander, cid: sent.message.conversationId, first };
    }
    const collect = (p: Participant) => {
      const got: VisitorContextPayload[] = [];
      p.socket.on("visitor:context", (c) => got.push(c));
      return got;
    };

    it("a page change reaches the agent of the conversation, and is stored", async () => {
      const { v, visitor, agent, bystander, cid, first } = await scene();
      const toAgent = collect(agent);
      const toBystander = collect(bystander);
      const ack = await call(visitor.socket, "visitor:context", { page: "https://shop.example/shoes/42", title: "Trail shoes – Shop" });
      assert.deepEqual(ack, { ok: true });
      await until(() => toAgent.length === 1, 5000, "the agent is told");
      assert.deepEqual(toAgent[0], {
        visitorId: v.visitorId, conversationIds: [cid], pageUrl: "https://shop.example/shoes/42", pageTitle: "Trail shoes – Shop",
        referrer: first.referrer, language: first.language, timezone: first.timezone,
      });
      const row = await srv.application.services.db.prisma.visitor.findUniqueOrThrow({ where: { id: v.visitorId } });
      assert.deepEqual(
        (({ pageUrl, pageTitle, referrer, language, timezone }) => ({ pageUrl, pageTitle, referrer, language, timezone }))(row.meta as Record<string, string>),
        { pageUrl: "https://shop.example/shoes/42", pageTitle: "Trail shoes – Shop", referrer: first.referrer, language: first.language, timezone: first.timezone },
      );
      await sleep(200);
      assert.deepEqual(toBystander, [], "an agent who does not follow the conversation hears nothing");
    });

    it("refuses junk with VALIDATION and changes nothing", async () => {
      const { v, visitor, agent } = await scene();
      const toAgent = collect(agent);
      const before = (await srv.application.services.db.prisma.visitor.findUniqueOrThrow({ where: { id: v.visitorId } })).meta;
      for (const bad of [{ page: "x".repeat(2001) }, { page: 5 }, { page: "https://a.example/", extra: 1 }, "https://a.example/", null]) {
        const r = await callRaw(visitor.socket, "visitor:context", bad);
        assert.equal(r.ok, false, JSON.stringify(bad));
        if (!r.ok) assert.equal(r.error.code, "VALIDATION");
      }
      const after = (await srv.application.services.db.prisma.visitor.findUniqueOrThrow({ where: { id: v.visitorId } })).meta;
      assert.deepEqual(after, before);
      await sleep(200);
      assert.deepEqual(toAgent, []);
    });

    it("has a per-visitor budget: a flood is refused RATE_LIMITED with retryAfterMs", async () => {
      const { visitor } = await scene();
      const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => call(visitor.socket, "visitor:context", { page: `https://shop.example/p/${i}` })));
      const refused = answers.filter((a) => !a.ok);
      assert.ok(refused.length >= 15, `refused ${refused.length} of 40`);
      for (const r of refused) if (!r.ok) assert.ok(r.error.code === "RATE_LIMITED" && r.error.retryAfterMs! > 0);
    });
  });
}
