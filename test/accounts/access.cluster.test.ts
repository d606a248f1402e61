// Access ends on every node at once: two nodes on one PostgreSQL and one Redis. A role
// change, a token's logout or a deactivation received by node A closes the agent's
// sockets on node B, and B refuses what was revoked; the login budget of an (account,
// address) is one across both nodes and both login endpoints.
import assert from "node:assert/strict";
import pg from "pg";
import { FREE_FAILURES } from "../../src/accounts/login-throttle.rules.js";
import { agentToken, api, call, connectAgent, connectVisitor, createAgent, sleep, until, visitorSession } from "../helpers/clients.js";
import { describeCluster, sql, startCluster, type Cluster } from "../cluster/helpers.js";
import { httpLogin } from "../console/helpers.js";
import { ADMIN } from "../helpers/server.js";
import { closed, formLogin, handshakeRefused, tokenLogin, tokenWorks } from "./helpers.js";

describeCluster("access across nodes: role changes, revocation, login budget", function () {
  this.timeout(60_000);
  let c: Cluster;
  let admin: string;
  before(async () => {
    c = await startCluster({ env: { TRUST_PROXY: "1" } });
    admin = (await agentToken(c.a.url)).token;
  });
  after(async () => c?.stop());

  /** Demotes an admin on node A, by the admin form or by PATCH /api/agents/:id. */
  const demote = {
    async form(id: string) {
      const { agent: page, csrf } = await httpLogin(c.a.url, ADMIN.email, ADMIN.password);
      const r = await page.post(`/admin/agents/${id}`).type("form").send({ _csrf: csrf, name: "Boss Admin", role: "agent", maxConcurrent: "5" });
      assert.equal(r.status, 303, r.text.slice(0, 300));
    },
    async patch(id: string) {
      const r = await api(c.a.url, "PATCH", `/api/agents/${id}`, { role: "agent" }, admin);
      assert.equal(r.status, 200, r.text);
    },
  };

  for (const how of ["form", "patch"] as const) {
    it(`an admin demoted on node A (${how}) loses admin rights at once on their socket on node B`, async () => {
      const owner = await createAgent(c.a.url, admin, "Owner Agent");
      const ownerSocket = await connectAgent(c.a.url, owner.token);
      const v = await visitorSession(c.a.url);
      const visitor = await connectVisitor(c.a.url, v.token);
      const sent = await call(visitor.socket, "message:send", { clientMsgId: "v1", type: "text", body: "help" });
      assert.equal(sent.ok, true, JSON.stringify(sent));
      const cid = sent.message.conversationId;
      const assignee = async () => (await sql<{ agent_id: string | null }>(c.store, "SELECT agent_id FROM conversation WHERE id = $1", [cid]))[0]?.agent_id;
      await until(async () => (await assignee()) === owner.agentId, 10_000, "assignment to the owner");

      const boss = await createAgent(c.a.url, admin, "Boss Admin", { role: "admin" });
      const onB = await connectAgent(c.b.url, boss.token);
      assert.equal((await call(onB.socket, "sync", { conversationId: cid, afterSeq: 0 })).ok, true, "an admin reads any conversation");

      await demote[how](boss.agentId);
      // The socket on B is closed (the console reconnects by itself, with the new role).
      await until(() => !onB.socket.connected, 5000, "the demoted admin's socket on node B to close");
      const again = await connectAgent(c.b.url, boss.token);
      const read = await call(again.socket, "sync", { conversationId: cid, afterSeq: 0 });
      assert.equal(read.ok ? "ok" : read.error.code, "FORBIDDEN");
      const write = await call(again.socket, "message:send", { conversationId: cid, clientMsgId: "b1", type: "text", body: "hijack" });
      assert.equal(write.ok ? "ok" : write.error.code, "FORBIDDEN");
      for (const p of [again, ownerSocket, visitor]) p.close();
      // Out of the next round's assignment.
      for (const id of [owner.agentId, boss.agentId]) assert.equal((await api(c.a.url, "PATCH", `/api/agents/${id}`, { active: false }, admin)).status, 200);
    });
  }

  it("a token logged out on node A is refused on node B and its socket there closes", async () => {
    const a = await createAgent(c.a.url, admin, "Two Node Agent");
    const onB = await connectAgent(c.b.url, a.token);
    const gone = closed(onB);
    assert.equal((await api(c.a.url, "POST", "/api/agent/logout", undefined, a.token)).status, 204);
    await gone;
    assert.equal(await tokenWorks(c.b.url, a.token), false);
    await handshakeRefused(c.b.url, a.token);
  });

  it("deactivation and a new password on node A close the agent's sockets on node B", async () => {
    const a = await createAgent(c.a.url, admin, "Closed Agent");
    let onB = await connectAgent(c.b.url, a.token);
    let gone = closed(onB);
    assert.equal((await api(c.a.url, "PATCH", `/api/agents/${a.agentId}`, { password: "fresh-password-1" }, admin)).status, 200);
    await gone;
    await handshakeRefused(c.b.url, a.token);

    const fresh = (await agentToken(c.b.url, a.email, "fresh-password-1")).token;
    onB = await connectAgent(c.b.url, fresh);
    gone = closed(onB);
    assert.equal((await api(c.a.url, "PATCH", `/api/agents/${a.agentId}`, { active: false }, admin)).status, 200);
    await gone;
    assert.equal((await api(c.a.url, "PATCH", `/api/agents/${a.agentId}`, { active: true }, admin)).status, 200);
    assert.equal(await tokenWorks(c.b.url, fresh), false, "reactivated on A, old token on B");
  });

  it("a sign-in racing a password change or a deactivation gets no token that outlives it", async () => {
    const a = await createAgent(c.a.url, admin, "Racing Agent");
    const [{ password_hash: hash }] = await sql<{ password_hash: string }>(c.store, "SELECT password_hash FROM agent WHERE id = $1", [a.agentId]);
    for (const change of ["password_hash = 'changed'", "active = false"]) {
      // The admin's change holds the agent row, uncommitted, while the sign-in runs: the
      // password check reads the old row (readers do not wait), the token insert must.
      const tx = new pg.Client({ connectionString: c.store.env.DATABASE_URL });
      await tx.connect();
      await tx.query("BEGIN");
      await tx.query(`UPDATE agent SET ${change} WHERE id = $1`, [a.agentId]);
      let answered = false;
      const signIn = tokenLogin(c.a.url, a.email, "password-123", "203.0.113.90").finally(() => (answered = true));
      await sleep(500);
      assert.equal(answered, false, `${change}: the sign-in waits for the change`);
      await tx.query("COMMIT");
      await tx.end();
      assert.equal((await signIn).status, 401, `${change}: no token once the change commits`);
      await sql(c.store, "UPDATE agent SET password_hash = $1, active = true WHERE id = $2", [hash, a.agentId]);
    }
    assert.equal((await tokenLogin(c.a.url, a.email, "password-123", "203.0.113.90")).status, 200, "restored, it signs in");
  });

  it("counts an (account, address)'s failures once across both nodes and both login endpoints", async () => {
    const a = await createAgent(c.a.url, admin, "Budget Agent");
    const ip = "203.0.113.77";
    for (let i = 0; i < FREE_FAILURES; i++) {
      const node = i % 2 ? c.b.url : c.a.url;
      const r = i < 2 ? await formLogin(node, a.email, `wrong-${i}`, ip) : await tokenLogin(node, a.email, `wrong-${i}`, ip);
      assert.equal(r.status, 401, `failure ${i + 1}`);
    }
    const limited = await tokenLogin(c.b.url, a.email, "wrong", ip);
    assert.equal(limited.status, 429, JSON.stringify(limited));
    assert.equal((await formLogin(c.a.url, a.email, "password-123", ip)).status, 429);
    assert.equal((await tokenLogin(c.a.url, a.email, "password-123", "203.0.113.78")).status, 200, "another address");
  });
});
