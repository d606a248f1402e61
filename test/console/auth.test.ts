// Accounts over HTTP: the login form, sessions in the database (surviving a restart),
// logout, CSRF rejection, roles on every page and action, security headers, and the
// /agent socket accepting the page's session cookie. Login throttling:
// test/accounts/login-throttle.test.ts.
import assert from "node:assert/strict";
import request from "supertest";
import { agentToken, api, connect, createAgent } from "../helpers/clients.js";
import { ADMIN, freshStore, startServer, type TestServer } from "../helpers/server.js";
import { csrfOf, httpLogin } from "./helpers.js";

const cookieOf = (res: { headers: Record<string, unknown> }) =>
  ((res.headers["set-cookie"] as string[] | undefined) ?? []).map((c) => c.split(";")[0]).find((c) => c.startsWith("hf.sid="));

/** Logs in with plain requests, returning the session cookie (for use across servers). */
async function cookieLogin(base: string, email: string, password: string) {
  const page = await request(base).get("/login");
  const pre = cookieOf(page)!;
  const res = await request(base).post("/login").set("cookie", pre).type("form").send({ _csrf: csrfOf(page.text), email, password });
  assert.equal(res.status, 303, res.text.slice(0, 300));
  return { before: pre, cookie: cookieOf(res)!, res };
}

describe("console accounts: login, sessions, CSRF, roles", function () {
  let srv: TestServer;
  let agentEmail: string;
  before(async () => {
    srv = await startServer();
    const admin = await agentToken(srv.url);
    agentEmail = (await createAgent(srv.url, admin.token, "Plain Agent")).email;
  });
  after(async () => srv?.stop());

  it("renders the login form with a CSRF token, safe cookie flags and a strict CSP", async () => {
    const res = await request(srv.url).get("/login");
    assert.equal(res.status, 200);
    assert.match(res.text, /<form method="post" action="\/login"/);
    assert.ok(csrfOf(res.text).length >= 24);
    const set = (res.headers["set-cookie"] as unknown as string[]).join(";");
    assert.match(set, /hf\.sid=/);
    assert.match(set, /HttpOnly/);
    assert.match(set, /SameSite=Lax/);
    assert.doesNotMatch(set, /Secure/); // plain http in development; production sets it
    const csp = res.headers["content-security-policy"];
    assert.match(csp, /script-src 'self'/);
    assert.match(csp, /style-src 'self'/);
    assert.doesNotMatch(csp, /unsafe-inline/);
    assert.equal(res.headers["x-content-type-options"], "nosniff");
    assert.ok(res.headers["x-frame-options"]);
  });

  it("refuses a login without a valid CSRF token (403 FORBIDDEN), JSON or page", async () => {
    const page = await request(srv.url).get("/login");
    const cookie = cookieOf(page)!;
    const none = await request(srv.url).post("/login").set("cookie", cookie).type("form").send({ email: ADMIN.email, password: ADMIN.password });
    assert.equal(none.status, 403);
    assert.match(none.text, /CSRF/);
    const wrong = await request(srv.url).post("/login").set("cookie", cookie).type("form").send({ _csrf: "x".repeat(32), email: ADMIN.email, password: ADMIN.password });
    assert.equal(wrong.status, 403);
    const noSession = await request(srv.url).post("/login").type("form").send({ _csrf: csrfOf(page.text), email: ADMIN.email, password: ADMIN.password });
    assert.equal(noSession.status, 403);
    const json = await request(srv.url).post("/logout").set("accept", "application/json").send({});
    assert.equal(json.status, 403);
    assert.equal(json.body.error.code, "FORBIDDEN");
  });

  it("answers wrong credentials and malformed forms with the form again, and stays logged out", async () => {
    const agent = request.agent(srv.url);
    const csrf = csrfOf((await agent.get("/login")).text);
    const bad = await agent.post("/login").type("form").send({ _csrf: csrf, email: ADMIN.email, password: "nope" });
    assert.equal(bad.status, 401);
    assert.match(bad.text, /Wrong email or password/);
    assert.match(bad.text, new RegExp(`value="${ADMIN.email}"`)); // the email is kept, never the password
    const missing = await agent.post("/login").type("form").send({ _csrf: csrf, email: ADMIN.email });
    assert.equal(missing.status, 400);
    const extra = await agent.post("/login").type("form").send({ _csrf: csrf, email: ADMIN.email, password: "x", admin: "1" });
    assert.equal(extra.status, 400);
    const page = await agent.get("/agent");
    assert.equal(page.status, 303);
    assert.equal(page.headers.location, "/login?next=%2Fagent");
  });

  it("logs in with a new session id, honours only local `next` paths, and shows the console", async () => {
    const { before, cookie, res } = await cookieLogin(srv.url, ADMIN.email, ADMIN.password);
    assert.equal(res.headers.location, "/agent");
    assert.notEqual(cookie, before, "the session id must change at login");
    const consolePage = await request(srv.url).get("/agent").set("cookie", cookie);
    assert.equal(consolePage.status, 200);
    assert.match(consolePage.text, /data-me="[^"]*admin@test\.local/);
    assert.match(consolePage.text, /<script src="\/build\/hashed\/console\.[0-9a-f]{12}\.js" defer><\/script>/, "the console bundle, by its hashed name");
    assert.equal(consolePage.headers["cache-control"], "no-store");
    // The old (pre-login) id is worth nothing.
    assert.equal((await request(srv.url).get("/agent").set("cookie", before)).status, 303);

    for (const [next, want] of [["/admin/agents", "/admin/agents"], ["//evil.example", "/agent"], ["https://evil.example/", "/agent"], ["/\\evil", "/agent"]]) {
      const page = await request(srv.url).get(`/login?next=${encodeURIComponent(next)}`);
      const r = await request(srv.url).post("/login").set("cookie", cookieOf(page)!).type("form")
        .send({ _csrf: csrfOf(page.text), email: ADMIN.email, password: ADMIN.password, next });
      assert.equal(r.headers.location, want, next);
    }
    // Already logged in: /login goes straight on.
    assert.equal((await request(srv.url).get("/login").set("cookie", cookie)).headers.location, "/agent");
  });

  it("keeps sessions in the database: they survive a restart", async () => {
    const store = await freshStore("pglite");
    let one: TestServer | undefined = await startServer({ store });
    let two: TestServer | undefined;
    try {
      const { cookie } = await cookieLogin(one.url, ADMIN.email, ADMIN.password);
      const rows = await one.application.services.db.prisma.session.findMany();
      assert.ok(rows.some((r) => (r.sess as { agentId?: string }).agentId), "a session row with the agent id");
      await one.stop();
      one = undefined;
      two = await startServer({ store });
      const page = await request(two.url).get("/agent").set("cookie", cookie);
      assert.equal(page.status, 200);
      assert.match(page.text, /admin@test\.local/);
    } finally {
      await one?.stop();
      await two?.stop();
      await store.drop();
    }
  });

  it("lets the /agent socket in with the session cookie only", async () => {
    const { agent, csrf, cookie: sessionCookie } = await httpLogin(srv.url, agentEmail, "password-123");
    const withCookie = await connect(srv.url, "/agent", {}, { extraHeaders: { cookie: sessionCookie }, transports: ["polling"] });
    assert.equal(withCookie.ready.you.type, "agent");
    assert.equal(withCookie.ready.you.name, "Plain Agent");
    await assert.rejects(connect(srv.url, "/agent", {}), (e: { data?: { code?: string } }) => e.data?.code === "AUTH_REQUIRED");
    await assert.rejects(connect(srv.url, "/agent", {}, { extraHeaders: { cookie: "hf.sid=s%3Aforged.sig" } }), (e: { data?: { code?: string } }) => e.data?.code === "AUTH_REQUIRED");

    // Logout: CSRF checked, session gone, the socket opened with it closed.
    assert.equal((await agent.post("/logout").type("form").send({})).status, 403);
    assert.equal((await agent.get("/agent")).status, 200, "a refused logout changes nothing");
    const closed = new Promise<void>((resolve) => withCookie.socket.once("disconnect", () => resolve()));
    const out = await agent.post("/logout").type("form").send({ _csrf: csrf });
    assert.equal(out.status, 303);
    assert.equal(out.headers.location, "/login");
    await closed;
    assert.equal((await agent.get("/agent")).status, 303);
    await assert.rejects(connect(srv.url, "/agent", {}, { extraHeaders: { cookie: sessionCookie } }), (e: { data?: { code?: string } }) => e.data?.code === "AUTH_REQUIRED");
  });

  it("enforces roles on every admin page, action and JSON endpoint", async () => {
    const { agent, csrf } = await httpLogin(srv.url, agentEmail, "password-123");
    const before = (await srv.application.services.repos.accounts.listAgents()).length;
    for (const path of ["/admin", "/admin/agents", "/admin/canned", "/admin/filter", "/admin/widget", "/admin/conversations", "/admin/health"]) {
      const r = await agent.get(path);
      assert.equal(r.status, 403, path);
      assert.match(r.text, /admins only/);
    }
    const posts: [string, object][] = [
      ["/admin/agents", { email: "sneaky@test.local", name: "Sneaky", password: "password-123", role: "admin", maxConcurrent: "5" }],
      ["/admin/canned", { shortcut: "x", body: "y" }],
      ["/admin/filter", { words: "", policy: "mask" }],
      ["/admin/widget", { title: "t", color: "#000000", greeting: "", offlineMessage: "", position: "left", allowedOrigins: "" }],
    ];
    for (const [path, body] of posts) assert.equal((await agent.post(path).type("form").send({ _csrf: csrf, ...body })).status, 403, path);
    assert.equal((await srv.application.services.repos.accounts.listAgents()).length, before);
    assert.equal((await agent.get("/api/admin/health")).status, 403);
    assert.equal((await agent.get("/api/console/conversations?scope=all")).status, 403);
    assert.equal((await agent.get("/api/console/conversations?scope=mine")).status, 200);
    assert.equal((await agent.get("/agent")).status, 200);

    const anon = await request(srv.url).get("/admin/canned");
    assert.equal(anon.status, 303);
    assert.equal(anon.headers.location, "/login?next=%2Fadmin%2Fcanned");
    const anonApi = await request(srv.url).get("/api/agents");
    assert.equal(anonApi.status, 401);
    assert.equal(anonApi.body.error.code, "AUTH_INVALID");
    const token = (await agentToken(srv.url, agentEmail, "password-123")).token;
    assert.equal((await api(srv.url, "GET", "/api/agents", undefined, token)).status, 200);
  });
});
