// The console's JSON endpoints (session cookie or agent bearer token): the team with
// presence and load, the conversation lists with unread counts, the visitor panel with
// connection health (only for agents who may see that visitor), the upload token, and
// the admin's health dashboard.
import assert from "node:assert/strict";
import request from "supertest";
import type { Conversation } from "../../src/events.js";
import { agentToken, api, call, connectAgent, connectVisitor, createAgent, until, type VisitorSessionBody } from "../helpers/clients.js";
import { ADMIN, startServer, type TestServer } from "../helpers/server.js";
import { httpLogin } from "./helpers.js";

/** A row of GET /api/console/conversations, and the visitor panel of GET /api/visitors/:id. */
type ConsoleList = { conversations: (Conversation & { unread: number })[] };
type VisitorPanel = {
  visitor: { name: string; email: string; pageUrl: string; referrer: string; language: string; timezone: string; userAgent: string; firstSeenAt: string; lastSeenAt: string };
  health: { rttMs: number | null; rttHistory: number[]; transport: string | null; devices: unknown[]; presence: string };
};

const PNG = Buffer.from("89504e470d0a1a0a0000000d4948445200000001000000010806000000" + "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082", "hex");

describe("console JSON endpoints", function () {
  let srv: TestServer;
  let admin: Awaited<ReturnType<typeof httpLogin>>;
  let ann: Awaited<ReturnType<typeof createAgent>>;
  let ben: Awaited<ReturnType<typeof createAgent>>;
  let visitorId: string;
  let conversationId: string;
  const closers: (() => void)[] = [];

  before(async () => {
    srv = await startServer();
    const t = await agentToken(srv.url);
    ann = await createAgent(srv.url, t.token, "Ann Agent", { maxConcurrent: 2 });
    ben = await createAgent(srv.url, t.token, "Ben Agent");
    admin = await httpLogin(srv.url, ADMIN.email, ADMIN.password);
    // Ann is the only one online: the visitor's conversation goes to her.
    const annSocket = await connectAgent(srv.url, ann.token);
    closers.push(annSocket.close);
    const meta = { pageUrl: "https://shop.test/cart", referrer: "https://news.test/", language: "fr-FR", timezone: "Europe/Paris" };
    const v = (await api<VisitorSessionBody>(srv.url, "POST", "/api/visitor/session", { name: "Vic Visitor", email: "vic@test.local", meta })).body;
    visitorId = v.visitorId;
    const visitor = await connectVisitor(srv.url, v.token, { transports: ["polling"] });
    closers.push(visitor.close);
    await call(visitor.socket, "hb", { t: Date.now(), rtt: 1200 });
    await call(visitor.socket, "message:send", { clientMsgId: "a1", type: "text", body: "first" });
    await call(visitor.socket, "message:send", { clientMsgId: "a2", type: "text", body: "second" });
    conversationId = (await srv.application.services.repos.conversations.activeForVisitor(visitorId))!.id;
    await until(async () => (await srv.application.services.repos.conversations.byId(conversationId))?.agent_id === ann.agentId, 5000, "assignment");
  });
  after(async () => {
    closers.forEach((c) => c());
    await srv?.stop();
  });

  it("lists the team with presence, status and load", async () => {
    const res = await admin.agent.get("/api/agents");
    assert.equal(res.status, 200);
    const byName = new Map(res.body.agents.map((a: { name: string }) => [a.name, a]));
    assert.deepEqual(byName.get("Ann Agent"), { id: ann.agentId, name: "Ann Agent", role: "agent", presence: "online", status: "online", load: 1, maxConcurrent: 2 });
    assert.equal((byName.get("Ben Agent") as { presence: string }).presence, "offline");
  });

  it("lists conversations by scope with unread counts; `all` is for admins", async () => {
    const mine = await api<ConsoleList>(srv.url, "GET", "/api/console/conversations?scope=mine", undefined, ann.token);
    assert.equal(mine.status, 200);
    assert.equal(mine.body.conversations.length, 1);
    const c = mine.body.conversations[0];
    assert.equal(c.id, conversationId);
    assert.equal(c.visitor.name, "Vic Visitor");
    assert.equal(c.unread, c.lastSeq, "nothing read yet");
    const ws = await connectAgent(srv.url, ann.token);
    await call(ws.socket, "message:read", { conversationId, upToSeq: c.lastSeq });
    ws.close();
    const after = await api<ConsoleList>(srv.url, "GET", "/api/console/conversations?scope=mine", undefined, ann.token);
    assert.equal(after.body.conversations[0].unread, 0);
    assert.equal((await api(srv.url, "GET", "/api/console/conversations?scope=all", undefined, ann.token)).status, 403);
    const all = await admin.agent.get("/api/console/conversations?scope=all");
    assert.deepEqual(all.body.conversations.map((x: { id: string }) => x.id), [conversationId]);
    assert.equal((await admin.agent.get("/api/console/conversations?scope=everything")).status, 400);
    assert.equal((await admin.agent.get("/api/console/conversations")).status, 400);
  });

  it("shows the visitor panel only to agents who may see the conversation", async () => {
    const res = await api<VisitorPanel>(srv.url, "GET", `/api/visitors/${visitorId}`, undefined, ann.token);
    assert.equal(res.status, 200);
    const v = res.body.visitor;
    assert.equal(v.name, "Vic Visitor");
    assert.equal(v.email, "vic@test.local");
    assert.equal(v.pageUrl, "https://shop.test/cart");
    assert.equal(v.referrer, "https://news.test/");
    assert.equal(v.language, "fr-FR");
    assert.equal(v.timezone, "Europe/Paris");
    assert.equal(typeof v.userAgent, "string");
    assert.ok(Date.parse(v.firstSeenAt) <= Date.parse(v.lastSeenAt));
    const h = res.body.health;
    assert.equal(h.rttMs, 1200);
    assert.deepEqual(h.rttHistory, [1200]);
    assert.equal(h.transport, "polling");
    assert.equal(h.devices.length, 1);
    assert.equal(h.presence, "unstable", "RTT above 800 ms");

    assert.equal((await api(srv.url, "GET", `/api/visitors/${visitorId}`, undefined, ben.token)).status, 403);
    assert.equal((await admin.agent.get(`/api/visitors/${visitorId}`)).status, 200);
    assert.equal((await admin.agent.get(`/api/visitors/nobody`)).status, 404);
    assert.equal((await request(srv.url).get(`/api/visitors/${visitorId}`)).status, 401);
  });

  it("hands the page a bearer token that POST /api/uploads accepts", async () => {
    const { token } = (await admin.agent.get("/api/console/token")).body;
    assert.equal(typeof token, "string");
    const up = await request(srv.url).post("/api/uploads").set("authorization", `Bearer ${token}`).attach("file", PNG, { filename: "dot.png", contentType: "image/png" });
    assert.equal(up.status, 201, up.text);
    assert.equal(up.body.attachment.name, "dot.png");
    assert.equal((await request(srv.url).get("/api/console/token")).status, 401);
  });

  it("feeds the health dashboard: connected participants, RTT buckets, unstable visitors", async () => {
    const res = await admin.agent.get("/api/admin/health");
    assert.equal(res.status, 200);
    const s = res.body;
    assert.equal(s.visitors.connected, 1);
    assert.equal(s.visitors.presence.unstable, 1);
    assert.equal(s.agents.connected, 1);
    assert.equal(s.rtt.buckets.find((b: { le: number | null }) => b.le === 2000).count, 1);
    assert.equal(s.transports.polling, 1);
    assert.deepEqual(s.unstable.map((u: { name: string; conversationId: string }) => [u.name, u.conversationId]), [["Vic Visitor", conversationId]]);
    const page = await admin.agent.get("/admin/health");
    assert.match(page.text, /Vic Visitor/);
  });
});
