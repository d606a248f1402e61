// The team forms over HTTP: refused input answers the page again with the error and a
// 4xx status and changes nothing; accepted input redirects with a notice and applies
// (a password reset ends sessions; deactivation signs the agent out and requeues).
import assert from "node:assert/strict";
import { agentToken, call, connectAgent, connectVisitor, createAgent, until, visitorSession } from "../helpers/clients.js";
import { ADMIN } from "../helpers/server.js";
import { httpLogin } from "../console/helpers.js";
import { adminSuite } from "./helpers.js";

describe("admin forms: agents", function () {
  const s = adminSuite();
  const { deps, post, refused } = s;

  it("agents: create, with every validation error refused", async () => {
    const agents = () => deps().repos.accounts.listAgents();
    const ok = { name: "Nina Agent", email: "nina@test.local", password: "password-123", role: "agent", maxConcurrent: "4" };
    for (const [bad, msg] of [
      [{ email: "" }, /valid email/],
      [{ email: "not-an-email" }, /valid email/],
      [{ name: "  " }, /name is required/],
      [{ password: "short" }, /at least 8/],
      [{ role: "root" }, /role must be admin or agent/],
      [{ maxConcurrent: "0" }, /capacity: 1 to 100/],
      [{ maxConcurrent: "abc" }, /capacity must be a number/],
      [{ maxConcurrent: "2.5" }, /whole number/],
      [{ superuser: "1" }, /superuser/],
    ] as [object, RegExp][]) {
      await refused("/admin/agents", { ...ok, ...bad }, 400, msg, agents);
    }
    const res = await post("/admin/agents", ok);
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, "/admin/agents");
    const page = await s.admin.get("/admin/agents");
    assert.match(page.text, /Nina Agent can now log in as nina@test\.local/);
    assert.doesNotMatch((await s.admin.get("/admin/agents")).text, /can now log in/, "the notice shows once");
    const nina = (await agents()).find((a) => a.email === "nina@test.local")!;
    assert.equal(nina.maxConcurrent, 4);
    assert.match(nina.passwordHash, /^\$argon2id\$/);
    await refused("/admin/agents", ok, 409, /exists/, agents);
    // What was typed comes back (except the password).
    const again = await post("/admin/agents", { ...ok, email: "x", name: "Kept Name" });
    assert.match(again.text, /value="Kept Name"/);
    assert.doesNotMatch(again.text, /password-123/);
  });

  it("agents: name/role/capacity, deactivate and reset password, with guards", async () => {
    const agents = () => deps().repos.accounts.listAgents();
    const me = (await deps().repos.accounts.agentByEmail(ADMIN.email))!;
    const t = await agentToken(s.srv.url);
    const { agentId } = await createAgent(s.srv.url, t.token, "Omar Agent");
    const upd = { name: "Omar A.", role: "agent", maxConcurrent: "7" };
    for (const [bad, msg] of [
      [{ name: "" }, /name is required/],
      [{ role: "owner" }, /role must be/],
      [{ maxConcurrent: "101" }, /capacity: 1 to 100/],
      [{ email: "new@test.local" }, /email/],
    ] as [object, RegExp][]) {
      await refused(`/admin/agents/${agentId}`, { ...upd, ...bad }, 400, msg, agents);
    }
    await refused(`/admin/agents/no-such-agent`, upd, 404, /not found/, agents);
    await refused(`/admin/agents/${me.id}`, { name: "Admin", role: "agent", maxConcurrent: "5" }, 409, /own admin role/, agents);
    assert.equal((await post(`/admin/agents/${agentId}`, upd)).status, 303);
    const omar = (await deps().repos.accounts.agentById(agentId))!;
    assert.deepEqual([omar.name, omar.maxConcurrent], ["Omar A.", 7]);

    await refused(`/admin/agents/${agentId}/active`, { active: "maybe" }, 400, /active must be 0 or 1/, agents);
    await refused(`/admin/agents/${me.id}/active`, { active: "0" }, 409, /deactivate yourself/, agents);
    await refused(`/admin/agents/${agentId}/password`, { password: "short" }, 400, /at least 8/, agents);
    await refused(`/admin/agents/${agentId}/password`, { password: "x".repeat(201) }, 400, /at most 200/, agents);

    // Reset: the old password stops working, the new one works, sessions are ended.
    const omarSession = await httpLogin(s.srv.url, omar.email, "password-123");
    assert.equal((await post(`/admin/agents/${agentId}/password`, { password: "brand-new-pass" })).status, 303);
    assert.equal((await omarSession.agent.get("/agent")).status, 303, "the reset ended Omar's session");
    await assert.rejects(httpLogin(s.srv.url, omar.email, "password-123"));
    await httpLogin(s.srv.url, omar.email, "brand-new-pass");

    // Deactivate: signed out at once (sessions and sockets), open conversations requeued.
    const socket = await connectAgent(s.srv.url, (await agentToken(s.srv.url, omar.email, "brand-new-pass")).token);
    const v = await visitorSession(s.srv.url, "Queued Visitor");
    const visitor = await connectVisitor(s.srv.url, v.token);
    await call(visitor.socket, "message:send", { clientMsgId: "q1", type: "text", body: "hello?" });
    const conv = await deps().repos.conversations.activeForVisitor(v.visitorId);
    await until(async () => (await deps().repos.conversations.byId(conv!.id))?.agent_id === agentId, 5000, "assignment to Omar");
    const session = await httpLogin(s.srv.url, omar.email, "brand-new-pass");
    const gone = new Promise<void>((r) => socket.socket.once("disconnect", () => r()));
    assert.equal((await post(`/admin/agents/${agentId}/active`, { active: "0" })).status, 303);
    await gone;
    assert.equal((await session.agent.get("/agent")).status, 303);
    assert.equal((await deps().repos.conversations.byId(conv!.id))!.status, "waiting");
    await assert.rejects(httpLogin(s.srv.url, omar.email, "brand-new-pass"));
    assert.equal((await post(`/admin/agents/${agentId}/active`, { active: "1" })).status, 303);
    await httpLogin(s.srv.url, omar.email, "brand-new-pass");
    visitor.close();
  });

  it("every admin form refuses a missing CSRF token", async () => {
    for (const path of ["/admin/agents", "/admin/canned", "/admin/filter", "/admin/widget", "/admin/agents/x/active", "/admin/canned/x/delete"]) {
      const res = await s.admin.post(path).type("form").send({ name: "x" });
      assert.equal(res.status, 403, path);
      assert.match(res.text, /CSRF/);
    }
  });
});
