// Labels (issue 13): admins manage them (agents are refused), the agents who may read a
// conversation set them and every console that shows it hears of it, the visitor never
// sees them, junk changes nothing; the admin list filters and the report counts by them.
import assert from "node:assert/strict";
import type { Conversation, Label } from "../../src/events.js";
import { agentToken, call, callRaw, connectAgent, createAgent, until } from "../helpers/clients.js";
import { ADMIN, testDatabases } from "../helpers/server.js";
import { httpLogin } from "../console/helpers.js";
import { errorCode, newAgent, newVisitor, retire, say, settled, suiteServer } from "../assignment/harness.js";
import { reportFilter } from "../../src/reports/reports.rules.js";

for (const db of testDatabases()) {
  describe(`labels [${db}]`, function () {
    this.timeout(30_000);
    const srv = suiteServer({ db, state: "memory", name: db });
    const services = () => srv.application.services;
    const stored = async () => (await services().labels.list()).map(({ id, name, colour, uses }) => ({ id, name, colour, uses }));
    const onOf = async (cid: string) => (await services().repos.labels.forConversations([cid])).get(cid)?.map((l) => l.name) ?? [];
    const adminActor = { type: "agent" as const, id: "admin", name: "Admin", role: "admin" as const };
    const make = (name: string, colour = "#2563eb") => services().labels.create(adminActor, { name, colour });

    it("are managed by admins on /admin/labels; agents are refused (403, FORBIDDEN); bad input changes nothing", async () => {
      const { agent: admin, csrf } = await httpLogin(srv.url, ADMIN.email, ADMIN.password);
      const post = (path: string, body: object) => admin.post(path).type("form").send({ _csrf: csrf, ...body });
      assert.equal((await post("/admin/labels", { name: "  Billing  ", colour: "#16A34A" })).status, 303);
      const billing = (await stored()).find((l) => l.name === "Billing")!;
      assert.deepEqual({ ...billing, id: "" }, { id: "", name: "Billing", colour: "#16a34a", uses: 0 });
      for (const [body, status, message] of [
        [{ name: "BILLING", colour: "#16a34a" }, 409, /exists/],
        [{ name: "", colour: "#16a34a" }, 400, /name is required/],
        [{ name: "x".repeat(41), colour: "#16a34a" }, 400, /at most 40/],
        [{ name: "Ok", colour: "green" }, 400, /colour must be/],
        [{ name: "Ok", colour: "#16a34a", extra: "1" }, 400, /extra/],
      ] as [object, number, RegExp][]) {
        const before = JSON.stringify(await stored());
        const res = await post("/admin/labels", body);
        assert.equal(res.status, status, JSON.stringify(body));
        assert.match(res.text, message);
        assert.equal(JSON.stringify(await stored()), before, `changed on ${JSON.stringify(body)}`);
      }
      await make("Refund");
      const refund = (await stored()).find((l) => l.name === "Refund")!;
      assert.equal((await post(`/admin/labels/${refund.id}`, { name: "billing", colour: "#2563eb" })).status, 409, "a rename onto another's name");
      assert.equal((await post(`/admin/labels/${refund.id}`, { name: "Refunds", colour: "#dc2626" })).status, 303);
      const page = await admin.get("/admin/labels");
      assert.match(page.text, /Refunds/);
      assert.match(page.text, /notice--ok[^>]*>Saved “Refunds”/, "the one-shot notice of the last save");
      assert.match(page.text, /href="\/admin\/labels" class="tab tab--on"/);
      assert.equal((await post(`/admin/labels/no-such/delete`, {})).status, 404);

      const a = await createAgent(srv.url, (await agentToken(srv.url)).token, "Agnes Nolabels");
      const agentLogin = await httpLogin(srv.url, a.email, "password-123");
      assert.equal((await agentLogin.agent.get("/admin/labels")).status, 403);
      assert.equal((await agentLogin.agent.post("/admin/labels").type("form").send({ _csrf: agentLogin.csrf, name: "Mine", colour: "#2563eb" })).status, 403);
      // Agents read the list (the console's choices).
      const api = await agentLogin.agent.get("/api/labels");
      assert.deepEqual(api.body.labels.map((l: Label) => l.name), ["Billing", "Refunds"]);
      const agentActor = { type: "agent" as const, id: a.agentId, name: "Agnes", role: "agent" as const };
      await assert.rejects(services().labels.create(agentActor, { name: "Mine", colour: "#2563eb" }), { code: "FORBIDDEN" });
      await assert.rejects(services().labels.remove(agentActor, refund.id), { code: "FORBIDDEN" });
      assert.deepEqual((await stored()).map((l) => l.name), ["Billing", "Refunds"]);
      for (const l of await stored()) await services().labels.remove(adminActor, l.id);
    });

    it("are set by the conversation's agent, heard by admins, refused to another agent, never shown to the visitor", async () => {
      const [vip, bug] = [await make("VIP"), await make("Bug", "#dc2626")];
      const abe = await newAgent(srv, "Abe Labels");
      const vis = await newVisitor(srv, "Lena Labelled");
      const cid = (await say(vis, "My invoice is wrong")).conversationId;
      await settled(srv, cid, "open", abe.id);
      const admin = await connectAgent(srv.url, (await agentToken(srv.url)).token);
      const seen: Conversation[] = [];
      admin.socket.on("conversation", (c) => c.id === cid && seen.push(c));

      const set = await call(abe.socket, "conversation:labels", { conversationId: cid, labelIds: [vip.id, bug.id, vip.id] });
      assert.ok(set.ok, JSON.stringify(set));
      assert.deepEqual(set.labels.map((l) => l.name), ["Bug", "VIP"], "by name, once each");
      assert.deepEqual(set.conversation.labels, set.labels);
      await until(() => seen.some((c) => c.labels?.length === 2), 3000, "the admin's console hears of it");
      assert.deepEqual(await onOf(cid), ["Bug", "VIP"]);

      // The console's lists carry them; the visitor's side does not.
      await until(() => abe.conversations.some((c) => c.id === cid && c.labels?.length === 2), 3000, "the agent's other devices hear of it");
      const list = await fetch(`${srv.url}/api/console/conversations?scope=all`, { headers: { authorization: `Bearer ${(await agentToken(srv.url)).token}` } });
      const listed = (await list.json()) as { conversations: Conversation[] };
      assert.deepEqual(listed.conversations.find((c) => c.id === cid)?.labels?.map((l) => l.name), ["Bug", "VIP"]);
      const own = (await (await fetch(`${srv.url}/api/visitor/conversation`, { headers: { authorization: `Bearer ${vis.token}` } })).json()) as { conversation: Conversation };
      assert.equal(own.conversation.id, cid);
      assert.equal("labels" in own.conversation, false, "a visitor never sees labels");
      assert.ok(vis.conversations.every((c) => !("labels" in c)));

      const bea = await newAgent(srv, "Bea Other");
      assert.equal(errorCode(await call(bea.socket, "conversation:labels", { conversationId: cid, labelIds: [] })), "FORBIDDEN");
      assert.equal(errorCode(await call(abe.socket, "conversation:labels", { conversationId: "no-such", labelIds: [] })), "NOT_FOUND");
      await assert.rejects(services().labels.addLabel({ type: "agent", id: bea.id, name: "Bea", role: "agent" }, cid, bug.id), { code: "FORBIDDEN" });
      assert.deepEqual(await onOf(cid), ["Bug", "VIP"], "unchanged by the refused agent");

      // The service's one-label calls (for the REST API to come).
      const abeActor = { type: "agent" as const, id: abe.id, name: "Abe", role: "agent" as const };
      assert.deepEqual((await services().labels.removeLabel(abeActor, cid, vip.id)).labels.map((l) => l.name), ["Bug"]);
      assert.deepEqual((await services().labels.addLabel(abeActor, cid, vip.id)).labels.map((l) => l.name), ["Bug", "VIP"]);
      admin.socket.disconnect();
      await retire(abe, bea);
      vis.close();
    });

    it("refuse junk, unknown labels and too many with VALIDATION, changing nothing", async () => {
      const many: Label[] = [];
      for (let i = 0; i < 11; i++) many.push(await make(`Many ${i}`));
      const abe = await newAgent(srv, "Abe Junk");
      const vis = await newVisitor(srv, "Jim Junk");
      const cid = (await say(vis)).conversationId;
      await settled(srv, cid, "open", abe.id);
      assert.ok((await call(abe.socket, "conversation:labels", { conversationId: cid, labelIds: [many[0].id] })).ok);
      for (const junk of [
        { conversationId: cid, labelIds: many.map((l) => l.id) },
        { conversationId: cid, labelIds: [many[1].id, "no-such-label"] },
        { conversationId: cid, labelIds: many[1].id },
        { conversationId: cid, labelIds: [42] },
        { conversationId: cid, labelIds: [], extra: true },
        { labelIds: [] },
        "nope",
      ]) assert.equal(errorCode(await callRaw(abe.socket, "conversation:labels", junk)), "VALIDATION", JSON.stringify(junk).slice(0, 80));
      assert.deepEqual(await onOf(cid), ["Many 0"]);
      await retire(abe);
      vis.close();
    });

    it("filter the admin conversations page and are counted per label in the report", async () => {
      const sales = await make("Sales lead", "#7c3aed");
      const abe = await newAgent(srv, "Abe Filter");
      const tagged = await newVisitor(srv, "Tina Tagged");
      const plain = await newVisitor(srv, "Paul Plain");
      const cid = (await say(tagged)).conversationId;
      await settled(srv, cid, "open", abe.id);
      await settled(srv, (await say(plain)).conversationId, "open", abe.id);
      assert.ok((await call(abe.socket, "conversation:labels", { conversationId: cid, labelIds: [sales.id] })).ok);

      const { agent: admin } = await httpLogin(srv.url, ADMIN.email, ADMIN.password);
      const filtered = await admin.get(`/admin/conversations?label=${sales.id}`);
      assert.equal(filtered.status, 200);
      assert.match(filtered.text, /Tina Tagged/);
      assert.doesNotMatch(filtered.text, /Paul Plain/);
      assert.match(filtered.text, /class="label-chip"><svg [^]*?fill="#7c3aed"\/><\/svg>Sales lead<\/span>/);
      const all = await admin.get("/admin/conversations");
      assert.match(all.text, /Paul Plain/);
      assert.match(all.text, /<option value="[^"]+">Sales lead<\/option>/);

      const report = await services().repos.reports.report(reportFilter({}));
      assert.equal(report.perLabel.find((l) => l.id === sales.id)?.conversations, 1);
      const page = await admin.get("/admin/reports");
      assert.match(page.text, new RegExp(`data-label="${sales.id}"><td><span class="label-chip">.*?</svg>Sales lead</span>\\s*</td><td class="num">1</td>`));
      await retire(abe);
      tagged.close();
      plain.close();
    });
  });
}
