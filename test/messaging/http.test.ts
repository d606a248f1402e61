// The HTTP surface of the contract: sessions, tokens, agents, transcript fallback, health.
import assert from "node:assert/strict";
import type { Conversation, Message } from "../../src/events.js";
import {
  agentToken, api, call, connectVisitor, visitorSession, type AgentTokenBody, type ApiErrorBody, type VisitorSessionBody,
} from "../helpers/clients.js";
import { ADMIN, startServer, testDatabases, type TestServer } from "../helpers/server.js";

for (const db of testDatabases()) {
  describe(`HTTP API [${db}]`, function () {
    let srv: TestServer;
    before(async () => (srv = await startServer({ db })));
    after(async () => srv?.stop());

    it("creates visitor sessions and refuses junk bodies", async () => {
      const ok = await api<VisitorSessionBody>(srv.url, "POST", "/api/visitor/session", { name: "Ann", email: "ann@example.com" });
      assert.equal(ok.status, 201);
      assert.equal(typeof ok.body.visitorId, "string");
      assert.equal(typeof ok.body.token, "string");
      assert.equal((await api(srv.url, "POST", "/api/visitor/session", {})).status, 201);
      for (const bad of [{ email: "not-an-email" }, { name: 5 }, { name: "x".repeat(101) }, { extra: 1 }, "[1,2", "[]"]) {
        const r = await api<ApiErrorBody>(srv.url, "POST", "/api/visitor/session", bad);
        assert.equal(r.status, 400, JSON.stringify(bad));
        assert.equal(r.body.error.code, "VALIDATION");
        assert.equal(typeof r.body.error.message, "string");
      }
    });

    it("issues agent tokens, 401 on bad credentials, rate limited", async () => {
      const ok = await api<AgentTokenBody>(srv.url, "POST", "/api/agent/token", ADMIN);
      assert.equal(ok.status, 200);
      assert.ok(ok.body.agentId && ok.body.token);
      const bad = await api<ApiErrorBody>(srv.url, "POST", "/api/agent/token", { email: ADMIN.email, password: "wrong" });
      assert.equal(bad.status, 401);
      assert.equal(bad.body.error.code, "AUTH_INVALID");
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) statuses.push((await api(srv.url, "POST", "/api/agent/token", { email: "victim@x.y", password: "guess" + i })).status);
      assert.ok(statuses.includes(429), `no 429 in ${statuses}`);
      const limited = await api<ApiErrorBody>(srv.url, "POST", "/api/agent/token", { email: "victim@x.y", password: "again" });
      assert.equal(limited.body.error.code, "RATE_LIMITED");
    });

    it("lets only an admin create agents, 409 on an existing email", async () => {
      const admin = await agentToken(srv.url);
      const body = { email: "new.agent@test.local", name: "New Agent", password: "password-123", role: "agent", maxConcurrent: 3 };
      assert.equal((await api(srv.url, "POST", "/api/agents", body)).status, 401);
      const created = await api<{ agent: { id: string; email: string; name: string; role: string; maxConcurrent: number } }>(srv.url, "POST", "/api/agents", body, admin.token);
      assert.equal(created.status, 201);
      assert.deepEqual(Object.keys(created.body.agent).sort(), ["email", "id", "maxConcurrent", "name", "role"]);
      assert.equal(created.body.agent.maxConcurrent, 3);
      assert.equal((await api(srv.url, "POST", "/api/agents", body, admin.token)).status, 409);
      const agent = await agentToken(srv.url, body.email, body.password);
      const forbidden = await api(srv.url, "POST", "/api/agents", { ...body, email: "x@test.local" }, agent.token);
      assert.equal(forbidden.status, 403);
      const invalid = await api(srv.url, "POST", "/api/agents", { ...body, email: "y@test.local", role: "root" }, admin.token);
      assert.equal(invalid.status, 400);
    });

    it("serves the visitor's transcript over HTTP", async () => {
      const v = await visitorSession(srv.url);
      assert.equal((await api(srv.url, "GET", "/api/visitor/conversation")).status, 401);
      const empty = await api(srv.url, "GET", "/api/visitor/conversation", undefined, v.token);
      assert.deepEqual(empty.body, { conversation: null, messages: [] });
      const visitor = await connectVisitor(srv.url, v.token);
      await call(visitor.socket, "message:send", { clientMsgId: "h1", type: "text", body: "over http" });
      const r = await api<{ conversation: Conversation; messages: Message[] }>(srv.url, "GET", "/api/visitor/conversation", undefined, v.token);
      assert.equal(r.status, 200);
      assert.equal(r.body.conversation.visitor.id, v.visitorId);
      assert.ok(["waiting", "open"].includes(r.body.conversation.status));
      assert.equal(r.body.messages[0].body, "over http");
      assert.equal(r.body.messages[0].seq, 1);
      visitor.close();
    });

    it("answers health, readiness, metrics, and JSON 404s", async () => {
      assert.equal((await api(srv.url, "GET", "/healthz")).status, 200);
      const ready = await api<{ checks: { database: boolean } }>(srv.url, "GET", "/readyz");
      assert.equal(ready.status, 200);
      assert.equal(ready.body.checks.database, true);
      const metrics = await fetch(`${srv.url}/metrics`);
      assert.match(await metrics.text(), /holdfast_messages_written_total \d+/);
      const missing = await api<ApiErrorBody>(srv.url, "GET", "/api/nothing-here");
      assert.equal(missing.status, 404);
      assert.equal(missing.body.error.code, "NOT_FOUND");
    });
  });
}
