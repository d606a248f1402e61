// Agent tokens end when access should (PROTOCOL.md sections 2 and 3): POST
// /api/agent/logout revokes that token, the console's logout revokes the tokens its page
// was handed, and a password change or a deactivation revokes every token of the agent.
// A revoked token answers 401 AUTH_INVALID on HTTP and AUTH_INVALID on a handshake, and
// the sockets opened with it are closed. Reactivating an agent revives nothing old.
import assert from "node:assert/strict";
import request from "supertest";
import { agentToken, api, connectAgent, createAgent, type ApiErrorBody } from "../helpers/clients.js";
import { ADMIN, serverPerSuite, startServer } from "../helpers/server.js";
import { httpLogin } from "../console/helpers.js";
import { closed, handshakeRefused, tokenWorks } from "./helpers.js";

const PASSWORD = "password-123";

describe("agent tokens: logout, console logout, password reset and deactivation revoke them", function () {
  const srv = serverPerSuite(() => startServer());
  let admin: string;
  before(async () => {
    admin = (await agentToken(srv.url)).token;
  });

  it("POST /api/agent/logout: 204, that token is refused at once and its socket closed; the agent's other tokens live on", async () => {
    const a = await createAgent(srv.url, admin, "Logout Agent");
    const other = (await agentToken(srv.url, a.email, PASSWORD)).token;
    const s1 = await connectAgent(srv.url, a.token);
    const s2 = await connectAgent(srv.url, other);
    const gone = closed(s1);
    const out = await api(srv.url, "POST", "/api/agent/logout", undefined, a.token);
    assert.equal(out.status, 204, out.text);
    assert.equal(out.text, "");
    await gone;
    assert.equal(await tokenWorks(srv.url, a.token), false);
    await handshakeRefused(srv.url, a.token);
    assert.equal((await api(srv.url, "POST", "/api/agent/logout", undefined, a.token)).status, 401, "logging out twice");
    assert.equal(await tokenWorks(srv.url, other), true);
    assert.equal(s2.socket.connected, true, "the other token's socket stays");
    s2.close();

    const none = await api<ApiErrorBody>(srv.url, "POST", "/api/agent/logout");
    assert.equal(none.status, 401);
    assert.equal(none.body.error.code, "AUTH_INVALID");
    assert.equal((await api(srv.url, "POST", "/api/agent/logout", undefined, "a.forged.token.x")).status, 401);
  });

  it("logging out of the console revokes the tokens its page was handed; app tokens stay", async () => {
    const a = await createAgent(srv.url, admin, "Console Agent");
    const { agent: browser, csrf } = await httpLogin(srv.url, a.email, PASSWORD);
    const handed = (await browser.get("/api/console/token")).body.token as string;
    assert.equal(await tokenWorks(srv.url, handed), true);
    const socket = await connectAgent(srv.url, handed);
    const gone = closed(socket);
    assert.equal((await browser.post("/logout").type("form").send({ _csrf: csrf })).status, 303);
    await gone;
    assert.equal(await tokenWorks(srv.url, handed), false);
    await handshakeRefused(srv.url, handed);
    assert.equal(await tokenWorks(srv.url, a.token), true, "the token of POST /api/agent/token is not the console's");
    // A bearer token cannot mint console tokens: they would outlive its own revocation.
    assert.equal((await api(srv.url, "GET", "/api/console/token", undefined, a.token)).status, 401);
  });

  it("a password reset by an admin revokes every token of the agent and closes its sockets", async () => {
    const a = await createAgent(srv.url, admin, "Reset Agent");
    const socket = await connectAgent(srv.url, a.token);
    const gone = closed(socket);
    const { agent: adminPage, csrf } = await httpLogin(srv.url, ADMIN.email, ADMIN.password);
    const res = await adminPage.post(`/admin/agents/${a.agentId}/password`).type("form").send({ _csrf: csrf, password: "brand-new-pass" });
    assert.equal(res.status, 303);
    await gone;
    assert.equal(await tokenWorks(srv.url, a.token), false);
    await handshakeRefused(srv.url, a.token);
    assert.equal(await tokenWorks(srv.url, (await agentToken(srv.url, a.email, "brand-new-pass")).token), true);
  });

  it("deactivation revokes for good: reactivating revives no old token and no old session", async () => {
    const a = await createAgent(srv.url, admin, "Away Agent");
    const page = await httpLogin(srv.url, a.email, PASSWORD);
    const handed = (await page.agent.get("/api/console/token")).body.token as string;
    const { agent: adminPage, csrf } = await httpLogin(srv.url, ADMIN.email, ADMIN.password);
    const active = (v: "0" | "1") => adminPage.post(`/admin/agents/${a.agentId}/active`).type("form").send({ _csrf: csrf, active: v });
    assert.equal((await active("0")).status, 303);
    assert.equal(await tokenWorks(srv.url, a.token), false);
    assert.equal((await active("1")).status, 303);
    assert.equal(await tokenWorks(srv.url, a.token), false, "reactivation revived a token issued before");
    assert.equal(await tokenWorks(srv.url, handed), false, "reactivation revived a console token");
    await handshakeRefused(srv.url, a.token);
    assert.equal((await page.agent.get("/agent")).status, 303, "reactivation revived a session");
    assert.equal(await tokenWorks(srv.url, (await agentToken(srv.url, a.email, PASSWORD)).token), true, "a new login works");
  });

  it("tokens are rows: only the hash of their secret is stored, and expired rows are pruned", async () => {
    const a = await createAgent(srv.url, admin, "Stored Agent");
    const rows = await srv.application.services.db.prisma.agentToken.findMany({ where: { agentId: a.agentId } });
    assert.equal(rows.length, 1);
    const secret = a.token.split(".")[1];
    assert.ok(!JSON.stringify(rows).includes(secret), "the token's secret is in the database");
    await srv.application.services.db.prisma.agentToken.updateMany({ where: { agentId: a.agentId }, data: { expiresAt: new Date(Date.now() - 1000) } });
    assert.equal(await tokenWorks(srv.url, a.token), false, "an expired row is refused");
    assert.ok((await srv.application.services.accounts.pruneTokens()) >= 1);
    assert.equal(await srv.application.services.db.prisma.agentToken.count({ where: { agentId: a.agentId } }), 0);
  });

  it("a cookie-session socket is not touched by a token's logout", async () => {
    const a = await createAgent(srv.url, admin, "Both Agent");
    const page = await httpLogin(srv.url, a.email, PASSWORD);
    const bySession = await connectAgent(srv.url, "", { extraHeaders: { cookie: page.cookie }, transports: ["polling"] });
    assert.equal((await api(srv.url, "POST", "/api/agent/logout", undefined, a.token)).status, 204);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(bySession.socket.connected, true);
    assert.equal((await request(srv.url).get("/agent").set("cookie", page.cookie)).status, 200);
    bySession.close();
  });
});
