// Verified identity over HTTP and sockets (PROTOCOL.md section 2, IDENTITY_SECRET): the
// same userId is one visitor with one history on every device, a wrong hash is 401
// AUTH_INVALID and creates nothing, racing first sessions make one visitor, and without
// the secret a userId is not trusted.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import type { Message } from "../../src/events.js";
import {
  agentToken, api, call, connectVisitor, expectOk, until, type ApiErrorBody, type Participant, type VisitorSessionBody,
} from "../helpers/clients.js";
import { startServer, testDatabases, type TestServer } from "../helpers/server.js";

const SECRET = "identity-test-secret-0123456789abcdef";
const hash = (userId: string, secret = SECRET) => createHmac("sha256", secret).update(userId).digest("hex");
const session = (srv: TestServer, body: object) => api<VisitorSessionBody & ApiErrorBody>(srv.url, "POST", "/api/visitor/session", body);
const visitorRows = (srv: TestServer) => srv.application.services.db.prisma.visitor.count();

for (const db of testDatabases()) {
  describe(`verified identity [${db}]`, function () {
    this.timeout(60_000);
    let srv: TestServer;
    const open: Participant[] = [];
    before(async () => (srv = await startServer({ db, env: { IDENTITY_SECRET: SECRET } })));
    afterEach(() => open.splice(0).forEach((p) => p.close()));
    after(async () => srv?.stop());

    it("one userId is one visitor on every device, with one history", async () => {
      const laptop = await session(srv, { userId: "cust-1001", userHash: hash("cust-1001"), name: "Ann Lee", email: "ann@example.com" });
      assert.equal(laptop.status, 201);
      const phone = await session(srv, { userId: "cust-1001", userHash: hash("cust-1001") });
      assert.equal(phone.status, 201);
      assert.equal(phone.body.visitorId, laptop.body.visitorId, "the same visitorId on the second device");
      assert.notEqual(phone.body.token, laptop.body.token, "each device has its own token");

      const a = await connectVisitor(srv.url, laptop.body.token);
      const b = await connectVisitor(srv.url, phone.body.token);
      open.push(a, b);
      assert.equal(b.ready.you.id, laptop.body.visitorId);
      assert.equal(b.ready.you.name, "Ann Lee", "the name given on the first device");
      const sent = expectOk(await call(a.socket, "message:send", { clientMsgId: "laptop-1", type: "text", body: "Where is my order #88?" }));
      await until(() => b.received.some((m) => m.id === sent.message.id), 5000, "the laptop's message on the phone");

      // A third device later: the conversation and its history are there.
      const tablet = await session(srv, { userId: "cust-1001", userHash: hash("cust-1001") });
      const c = await connectVisitor(srv.url, tablet.body.token);
      open.push(c);
      assert.deepEqual(c.ready.conversations.map((x) => x.id), [sent.message.conversationId]);
      const history = expectOk(await call(c.socket, "sync", { afterSeq: 0 }));
      assert.ok(history.messages.some((m: Message) => m.id === sent.message.id));
    });

    it("a verified visitor's name and email from a later session replace the stored ones; omitted ones stay", async () => {
      const first = await session(srv, { userId: "cust-2002", userHash: hash("cust-2002"), name: "Bo", email: "bo@old.example" });
      await session(srv, { userId: "cust-2002", userHash: hash("cust-2002"), email: "bo@new.example", page: "https://shop.example/p/2" });
      const row = await srv.application.services.db.prisma.visitor.findUniqueOrThrow({ where: { id: first.body.visitorId } });
      assert.equal(row.name, "Bo");
      assert.equal(row.email, "bo@new.example");
      assert.equal(row.externalUserId, "cust-2002");
      assert.equal((row.meta as { pageUrl?: string }).pageUrl, "https://shop.example/p/2", "the newer device's context");
    });

    it("a wrong or missing hash is 401 AUTH_INVALID and creates nothing", async () => {
      const before = await visitorRows(srv);
      for (const body of [
        { userId: "cust-3003", userHash: hash("cust-3004") },
        { userId: "cust-3003", userHash: hash("cust-3003", "some-other-secret-0123456789") },
        { userId: "cust-3003", userHash: "not-hex" },
        { userId: "cust-3003" },
        { userHash: hash("cust-3003") },
      ]) {
        const r = await session(srv, body);
        assert.equal(r.status, 401, JSON.stringify(body));
        assert.equal(r.body.error.code, "AUTH_INVALID");
      }
      assert.equal(await visitorRows(srv), before);
      // A userId over 128 characters is malformed: VALIDATION.
      const long = "x".repeat(129);
      assert.equal((await session(srv, { userId: long, userHash: hash(long) })).status, 400);
    });

    it("sessions racing for a new userId make one visitor", async () => {
      // Rounds of first sessions at once, each for a userId never seen: the inserts race.
      for (let round = 0; round < 10; round++) {
        const id = `cust-race-${round}`;
        const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => session(srv, { userId: id, userHash: hash(id), name: `Device ${i}` })));
        assert.deepEqual(answers.map((r) => r.status), answers.map(() => 201), `round ${round}`);
        assert.equal(new Set(answers.map((r) => r.body.visitorId)).size, 1, `round ${round}: every device got the same visitorId`);
        assert.equal(await srv.application.services.db.prisma.visitor.count({ where: { externalUserId: id } }), 1);
      }
    });

    it("takes the contract's context fields and shows them to the agent", async () => {
      const ctx = { page: "https://shop.example/cart?x=1", title: "Cart", referrer: "https://www.bing.com/", language: "fr-FR", timezone: "Europe/Paris" };
      const v = await session(srv, { userId: "cust-5005", userHash: hash("cust-5005"), ...ctx });
      const admin = await agentToken(srv.url);
      const info = await api<{ visitor: Record<string, unknown> }>(srv.url, "GET", `/api/visitors/${v.body.visitorId}`, undefined, admin.token);
      assert.equal(info.status, 200);
      const { pageUrl, pageTitle, referrer, language, timezone, userId } = info.body.visitor;
      assert.deepEqual({ pageUrl, pageTitle, referrer, language, timezone, userId }, { pageUrl: ctx.page, pageTitle: ctx.title, referrer: ctx.referrer, language: ctx.language, timezone: ctx.timezone, userId: "cust-5005" });
    });
  });
}

describe("identity without IDENTITY_SECRET", () => {
  let srv: TestServer;
  before(async () => (srv = await startServer()));
  after(async () => srv?.stop());

  it("does not trust a userId: each session is a new anonymous visitor", async () => {
    const body = { userId: "cust-1001", userHash: hash("cust-1001") };
    const a = await session(srv, body);
    const b = await session(srv, body);
    const wrong = await session(srv, { userId: "cust-1001", userHash: "anything" });
    assert.deepEqual([a.status, b.status, wrong.status], [201, 201, 201], "ignored, not refused");
    assert.notEqual(a.body.visitorId, b.body.visitorId);
    assert.equal(await srv.application.services.db.prisma.visitor.count({ where: { externalUserId: { not: null } } }), 0);
  });
});
