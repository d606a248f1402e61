// An agent who does not take chats (agent.takes_chats, issue 13 item 8) is never given a
// conversation automatically and does not count as available (the widget says nobody is
// there), yet may still claim one by hand; switching it on makes them assignable, and the
// waiting queue moves to them at once. Set by the agent (`agent:takesChats`) or an admin
// (PATCH /api/agents/:id).
import assert from "node:assert/strict";
import { api, call, until } from "../helpers/clients.js";
import { agentToken } from "../helpers/clients.js";
import { newAgent, newVisitor, retire, row, say, settled, suiteServer, variants } from "./harness.js";

for (const v of variants()) {
  describe(`assignment: agents who do not take chats [${v.name}]`, function () {
    this.timeout(30_000);
    const srv = suiteServer(v);
    const available = async () =>
      (await api<{ available?: boolean }>(srv.url, "GET", "/api/widget/settings")).body.available;

    it("are never auto-assigned nor available; switched on, they get the waiting conversation", async () => {
      const ann = await newAgent(srv, "Ann");
      assert.deepEqual(await call(ann.socket, "agent:takesChats", { takesChats: false }), { ok: true });
      await until(async () => (await available()) === false, 5000, "widget: nobody available");

      const visitor = await newVisitor(srv);
      const cid = (await say(visitor)).conversationId;
      await new Promise((r) => setTimeout(r, 600)); // runs that could assign have run
      assert.equal((await row(srv, cid)).status, "waiting", "not assigned to Ann");
      assert.equal((await row(srv, cid)).agent_id, null);

      assert.deepEqual(await call(ann.socket, "agent:takesChats", { takesChats: true }), { ok: true });
      await settled(srv, cid, "open", ann.id);
      await until(async () => (await available()) === true, 5000, "widget: available");
      await retire(ann, visitor);
    });

    it("can still claim by hand; an admin switches it for them", async () => {
      const bo = await newAgent(srv, "Bo");
      const admin = (await agentToken(srv.url)).token;
      const off = await api(srv.url, "PATCH", `/api/agents/${bo.id}`, { takesChats: false }, admin);
      assert.equal(off.status, 200, JSON.stringify(off.body));
      const visitor = await newVisitor(srv);
      const cid = (await say(visitor)).conversationId;
      await new Promise((r) => setTimeout(r, 600));
      assert.equal((await row(srv, cid)).status, "waiting");
      const claimed = await call(bo.socket, "conversation:claim", { conversationId: cid });
      assert.equal(claimed.ok, true, JSON.stringify(claimed));
      await settled(srv, cid, "open", bo.id);

      const v2 = await newVisitor(srv);
      const c2 = (await say(v2)).conversationId;
      await new Promise((r) => setTimeout(r, 600));
      assert.equal((await row(srv, c2)).status, "waiting");
      assert.equal((await api(srv.url, "PATCH", `/api/agents/${bo.id}`, { takesChats: true }, admin)).status, 200);
      await settled(srv, c2, "open", bo.id);
      await retire(bo, visitor, v2);
    });

    it("refuses a bad value with VALIDATION", async () => {
      const cy = await newAgent(srv, "Cy");
      const ack = await call(cy.socket, "agent:takesChats", { takesChats: "no" as unknown as boolean });
      assert.equal(ack.ok ? "ok" : ack.error.code, "VALIDATION");
      await retire(cy);
    });
  });
}
