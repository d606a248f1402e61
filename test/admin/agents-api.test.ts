// PATCH /api/agents/:id (PROTOCOL.md section 2): an admin bearer token changes name,
// role, capacity, active or password; `200 { agent }`. A new password or `active: false`
// revokes every token and session of the agent and closes its sockets; a role change
// applies to its open sockets at once (they are closed and reconnect with the new role).
// Refused input changes nothing. The cross-node side is in test/accounts/access.cluster.test.ts.
import assert from "node:assert/strict";
import request from "supertest";
import { agentToken, api, connectAgent, createAgent, type ApiErrorBody, type ConnectError } from "../helpers/clients.js";
import { serverPerSuite, startServer } from "../helpers/server.js";
import { httpLogin } from "../console/helpers.js";
import { closed } from "../accounts/helpers.js";

type AgentBody = { agent: { id: string; email: string; name: string; role: string; maxConcurrent: number } };

describe("PATCH /api/agents/:id", function () {
  const srv = serverPerSuite(() => startServer());
  let admin: string;
  let adminId: string;
  before(async () => {
    ({ token: admin, agentId: adminId } = await agentToken(srv.url));
  });
  const patch = (id: string, body: unknown, token = admin) => api<AgentBody & ApiErrorBody>(srv.url, "PATCH", `/api/agents/${id}`, body, token);
  const row = (id: string) => srv.application.services.repos.accounts.agentById(id);

  it("changes name, capacity and role: 200 { agent }, and nothing else of the agent", async () => {
    const a = await createAgent(srv.url, admin, "Patch Agent");
    const res = await patch(a.agentId, { name: "Patched Name", maxConcurrent: 9 });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body.agent, { id: a.agentId, email: a.email, name: "Patched Name", role: "agent", maxConcurrent: 9 });
    const socket = await connectAgent(srv.url, a.token);
    assert.equal(socket.ready.you.name, "Patched Name");
    // A name or capacity change signs nobody out.
    assert.equal((await patch(a.agentId, { maxConcurrent: 3 })).status, 200);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(socket.socket.connected, true);
    // A role change closes the open sockets: they come back with the new role.
    const gone = closed(socket);
    assert.equal((await patch(a.agentId, { role: "admin" })).body.agent.role, "admin");
    await gone;
    assert.equal((await api(srv.url, "GET", "/api/admin/health", undefined, a.token)).status, 200, "the same token now has admin rights");
    assert.equal((await patch(a.agentId, {})).status, 200, "an empty patch changes nothing");
    assert.equal((await row(a.agentId))!.role, "admin");
  });

  it("refuses bad input, strangers, agents and self-lockout, changing nothing", async () => {
    const a = await createAgent(srv.url, admin, "Guarded Agent");
    const before = JSON.stringify(await row(a.agentId));
    for (const [body, status] of [
      [{ name: "" }, 400],
      [{ role: "owner" }, 400],
      [{ maxConcurrent: 0 }, 400],
      [{ maxConcurrent: "5" }, 400],
      [{ active: "no" }, 400],
      [{ password: "short" }, 400],
      [{ email: "new@test.local" }, 400],
      ["not json", 400],
    ] as [unknown, number][]) {
      const r = await patch(a.agentId, body);
      assert.equal(r.status, status, `${JSON.stringify(body)}: ${r.text}`);
      assert.equal(r.body.error.code, "VALIDATION");
    }
    assert.equal((await patch("no-such-agent", { name: "X" })).status, 404);
    assert.equal((await api(srv.url, "PATCH", `/api/agents/${a.agentId}`, { name: "X" })).status, 401);
    assert.equal((await patch(a.agentId, { name: "X" }, "a.forged.token.x")).status, 401);
    assert.equal((await patch(a.agentId, { role: "admin" }, a.token)).status, 403, "an agent cannot promote themself");
    assert.equal((await patch(adminId, { role: "agent" })).status, 409);
    assert.equal((await patch(adminId, { active: false })).status, 409);
    assert.equal(JSON.stringify(await row(a.agentId)), before);
    assert.equal((await row(adminId))!.role, "admin");
  });

  it("a new password revokes every token and session of the agent and closes its sockets", async () => {
    const a = await createAgent(srv.url, admin, "Password Agent");
    const page = await httpLogin(srv.url, a.email, "password-123");
    const bySession = await connectAgent(srv.url, "", { extraHeaders: { cookie: page.cookie }, transports: ["polling"] });
    const byToken = await connectAgent(srv.url, a.token);
    const gone = Promise.all([closed(bySession), closed(byToken)]);
    const res = await patch(a.agentId, { password: "brand-new-pass" });
    assert.equal(res.status, 200, res.text);
    await gone;
    assert.equal((await api(srv.url, "GET", "/api/console/conversations?scope=mine", undefined, a.token)).status, 401);
    assert.equal((await request(srv.url).get("/agent").set("cookie", page.cookie)).status, 303);
    await assert.rejects(connectAgent(srv.url, a.token), (e: ConnectError) => e.data?.code === "AUTH_INVALID");
    await assert.rejects(agentToken(srv.url, a.email, "password-123"));
    await agentToken(srv.url, a.email, "brand-new-pass");
  });

  it("active: false signs the agent out everywhere; active: true brings back nothing old", async () => {
    const a = await createAgent(srv.url, admin, "Inactive Agent");
    const socket = await connectAgent(srv.url, a.token);
    const gone = closed(socket);
    assert.equal((await patch(a.agentId, { active: false })).status, 200);
    await gone;
    await assert.rejects(agentToken(srv.url, a.email, "password-123"), /401/);
    assert.equal((await patch(a.agentId, { active: true })).status, 200);
    assert.equal((await api(srv.url, "GET", "/api/console/conversations?scope=mine", undefined, a.token)).status, 401);
    await agentToken(srv.url, a.email, "password-123");
  });

  it("an admin changing their own password with a bearer token revokes that token too", async () => {
    const other = await createAgent(srv.url, admin, "Second Admin", { role: "admin" });
    const res = await patch(other.agentId, { password: "another-new-pass" }, other.token);
    assert.equal(res.status, 200, res.text);
    assert.equal((await patch(other.agentId, { name: "Again" }, other.token)).status, 401);
    assert.equal((await row(other.agentId))!.name, "Second Admin");
  });
});
