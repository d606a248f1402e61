// API keys: only admins create, list and revoke them (JSON and the /admin/api-keys
// page, CSRF-checked); the key is shown once and stored hashed; a revoked key is refused
// 401 AUTH_INVALID on the very next request; a key is never an admin's credential.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { api, createAgent, until } from "../helpers/clients.js";
import { ADMIN, testDatabases } from "../helpers/server.js";
import { httpLogin } from "../console/helpers.js";
import { ApiKeyList, ConversationPage } from "../../src/integrations/rest.views.js";
import { expectError, expectJson, restSuite } from "./helpers.js";

for (const db of testDatabases()) {
  describe(`API keys [${db}]`, function () {
    this.timeout(30_000);
    const s = restSuite(db);
    const prisma = () => s.srv.application.services.db.prisma;

    it("are stored hashed, listed without the key, and refused at once once revoked", async () => {
      const { key, apiKey } = await s.newKey("Short-lived");
      assert.match(key, /^hfk_[A-Za-z0-9_-]{40,}$/);
      const stored = await prisma().apiKey.findUniqueOrThrow({ where: { id: apiKey.id } });
      assert.equal(stored.keyHash, createHash("sha256").update(key).digest("base64url"));
      assert.ok(!JSON.stringify(stored).includes(key.slice(4)), "the key itself is not stored");
      await expectJson(s.srv, "GET", "/api/conversations", key, undefined, 200, ConversationPage);
      const listed = () => expectJson(s.srv, "GET", "/api/api-keys", s.admin(), undefined, 200, ApiKeyList);
      // "Last used" is written beside the request, not in its way.
      await until(async () => !!(await listed()).apiKeys.find((k) => k.id === apiKey.id)?.lastUsedAt, 3000, "last used recorded");
      const list = await listed();
      assert.ok(!JSON.stringify(list).includes(key), "the list never shows a key");
      assert.equal((await api(s.srv.url, "DELETE", `/api/api-keys/${apiKey.id}`, undefined, s.admin())).status, 204);
      await expectError(s.srv, "GET", "/api/conversations", key, undefined, 401, "AUTH_INVALID");
      await expectError(s.srv, "POST", "/api/conversations/x/messages", key, { clientMsgId: "a", type: "text", body: "b" }, 401, "AUTH_INVALID");
      await expectError(s.srv, "DELETE", `/api/api-keys/${apiKey.id}`, s.admin(), undefined, 404, "NOT_FOUND");
      assert.ok(!(await expectJson(s.srv, "GET", "/api/api-keys", s.admin(), undefined, 200, ApiKeyList)).apiKeys.some((k) => k.id === apiKey.id));
      await expectError(s.srv, "GET", "/api/conversations", "hfk_forged", undefined, 401, "AUTH_INVALID");
      await expectError(s.srv, "GET", "/api/conversations", undefined, undefined, 401, "AUTH_INVALID");
    });

    it("only admins create or revoke them, and a key cannot call admin endpoints", async () => {
      const { key, apiKey } = await s.newKey("Not an admin");
      const agent = await createAgent(s.srv.url, s.admin(), "Plain Agent");
      const count = () => prisma().apiKey.count();
      const before = await count();
      await expectError(s.srv, "POST", "/api/api-keys", agent.token, { name: "mine" }, 403, "FORBIDDEN");
      await expectError(s.srv, "DELETE", `/api/api-keys/${apiKey.id}`, agent.token, undefined, 403, "FORBIDDEN");
      await expectError(s.srv, "GET", "/api/api-keys", agent.token, undefined, 403, "FORBIDDEN");
      // A key is no admin: not for keys, agents or the admin's JSON.
      await expectError(s.srv, "POST", "/api/api-keys", key, { name: "child" }, 401, "AUTH_INVALID");
      await expectError(s.srv, "DELETE", `/api/api-keys/${apiKey.id}`, key, undefined, 401, "AUTH_INVALID");
      await expectError(s.srv, "POST", "/api/agents", key, { email: "k@test.local", name: "K", password: "password-123", role: "admin" }, 401, "AUTH_INVALID");
      await expectError(s.srv, "PATCH", `/api/agents/${agent.agentId}`, key, { role: "admin" }, 401, "AUTH_INVALID");
      await expectError(s.srv, "GET", "/api/admin/health", key, undefined, 401, "AUTH_INVALID");
      assert.equal(await count(), before);
      assert.equal((await api(s.srv.url, "GET", "/api/conversations", undefined, key)).status, 200, "the key still works");
    });

    it("the admin page creates a key shown once, lists it and revokes it; agents are refused", async () => {
      const { agent: admin, csrf } = await httpLogin(s.srv.url, ADMIN.email, ADMIN.password);
      const made = await admin.post("/admin/api-keys").type("form").send({ _csrf: csrf, name: "Page Bot" });
      assert.equal(made.status, 200, made.text.slice(0, 300));
      const key = /id="new-api-key">(hfk_[^<]+)</.exec(made.text)?.[1];
      assert.ok(key, "the key is on the answer");
      assert.equal(made.headers["cache-control"], "no-store");
      const page = await admin.get("/admin/api-keys");
      assert.match(page.text, /Page Bot/);
      assert.ok(!page.text.includes(key), "shown once");
      assert.equal((await api(s.srv.url, "GET", "/api/conversations", undefined, key)).status, 200);
      const id = (await prisma().apiKey.findFirstOrThrow({ where: { name: "Page Bot" } })).id;
      assert.equal((await admin.post(`/admin/api-keys/${id}/revoke`).type("form").send({ name: "x" })).status, 403, "no CSRF token, no revoke");
      const revoked = await admin.post(`/admin/api-keys/${id}/revoke`).type("form").send({ _csrf: csrf });
      assert.equal(revoked.status, 303);
      assert.equal((await api(s.srv.url, "GET", "/api/conversations", undefined, key)).status, 401);
      const empty = await admin.post("/admin/api-keys").type("form").send({ _csrf: csrf, name: "   " });
      assert.equal(empty.status, 400);
      assert.match(empty.text, /name is required/);

      const plain = await createAgent(s.srv.url, s.admin(), "Page Agent");
      const { agent: agentPage } = await httpLogin(s.srv.url, plain.email, "password-123");
      assert.equal((await agentPage.get("/admin/api-keys")).status, 403);
    });
  });
}
