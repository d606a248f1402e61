// GET /api/conversations: the conversations a caller may read on the sockets (an API
// key or an admin: all; an agent: its own and the queue), filtered by status, oldest
// first, paged by the opaque cursor `after` without a skip or a repeat. Claim, transfer
// and resolve go through the assignment service the socket events use; each caller has
// its own budget, as on the sockets.
import assert from "node:assert/strict";
import { createAgent, until } from "../helpers/clients.js";
import { testDatabases } from "../helpers/server.js";
import { newVisitor, retire, row, say, settled, transcript } from "../assignment/harness.js";
import { ConversationLabels, ConversationPage, LabelList, OneConversation } from "../../src/integrations/rest.views.js";
import { expectError, expectJson, restSuite } from "./helpers.js";

for (const db of testDatabases()) {
  describe(`REST conversations [${db}]`, function () {
    this.timeout(30_000);
    const s = restSuite(db);

    /** Every page of the list, following `next`. */
    async function allPages(token: string, query: string, limit: number) {
      const pages = [];
      let after: string | null = null;
      do {
        const q: string = `${query}&limit=${limit}${after ? `&after=${after}` : ""}`;
        const page = await expectJson(s.srv, "GET", `/api/conversations?${q}`, token, undefined, 200, ConversationPage);
        assert.ok(page.conversations.length <= limit);
        assert.equal(page.hasMore, page.next !== null);
        pages.push(page);
        after = page.next;
      } while (after && pages.length < 50);
      return pages;
    }

    it("pages through every conversation by the cursor, filtered by status, each once, oldest first", async () => {
      const { key } = await s.newKey("Lister");
      const visitors = [];
      for (let i = 0; i < 5; i++) {
        const v = await newVisitor(s.srv, `Lister Visitor ${i}`);
        await say(v);
        visitors.push(v);
      }
      const pages = await allPages(key, "status=waiting", 2);
      const listed = pages.flatMap((p) => p.conversations);
      assert.equal(pages.length, 3, "5 conversations in pages of 2");
      assert.equal(new Set(listed.map((c) => c.id)).size, listed.length, "none twice");
      assert.ok(listed.every((c) => c.status === "waiting"));
      const times = listed.map((c) => Date.parse(c.createdAt));
      assert.deepEqual(times, [...times].sort((a, b) => a - b), "oldest first");
      const whole = await expectJson(s.srv, "GET", "/api/conversations?status=waiting", key, undefined, 200, ConversationPage);
      assert.deepEqual(whole.conversations.map((c) => c.id), listed.map((c) => c.id), "pages add up to the whole list");
      assert.equal(whole.hasMore, false);
      // The contract's template filled with nothing: every parameter unset.
      const blank = await expectJson(s.srv, "GET", "/api/conversations?status=&after=&limit=", key, undefined, 200, ConversationPage);
      assert.ok(listed.every((c) => blank.conversations.some((b) => b.id === c.id)));
      assert.deepEqual((await expectJson(s.srv, "GET", "/api/conversations?status=resolved", key, undefined, 200, ConversationPage)).conversations, []);
      await expectError(s.srv, "GET", "/api/conversations?after=bm90LWEtY3Vyc29y", key, undefined, 400, "VALIDATION");
      visitors.forEach((v) => v.close());
    });

    it("labels: a key lists them, sets them on any conversation, and the list filters by one", async () => {
      const { key } = await s.newKey("Labeller");
      const admin = { type: "agent" as const, id: "admin", name: "Admin", role: "admin" as const };
      const labels = s.srv.application.services.labels;
      const vip = await labels.create(admin, { name: `VIP ${Date.now()}`, colour: "#dc2626" });
      const bug = await labels.create(admin, { name: `Bug ${Date.now()}`, colour: "#2563eb" });
      const [a, b] = [await newVisitor(s.srv, "Labelled Visitor"), await newVisitor(s.srv, "Plain Visitor")];
      const ca = { id: (await say(a)).conversationId };
      await say(b);
      const listed = await expectJson(s.srv, "GET", "/api/conversations/labels", key, undefined, 200, LabelList);
      assert.ok([vip.id, bug.id].every((id) => listed.labels.some((l) => l.id === id)));
      const set = await expectJson(s.srv, "PUT", `/api/conversations/${ca.id}/labels`, key, { labelIds: [vip.id, bug.id, vip.id] }, 200, ConversationLabels);
      assert.deepEqual(set.labels.map((l) => l.id).sort(), [vip.id, bug.id].sort());
      assert.deepEqual((set.conversation.labels ?? []).map((l) => l.id).sort(), [vip.id, bug.id].sort());
      const filtered = await expectJson(s.srv, "GET", `/api/conversations?label=${vip.id}`, key, undefined, 200, ConversationPage);
      assert.deepEqual(filtered.conversations.map((c) => c.id), [ca.id]);
      await expectJson(s.srv, "PUT", `/api/conversations/${ca.id}/labels`, key, { labelIds: [bug.id] }, 200, ConversationLabels);
      assert.deepEqual((await expectJson(s.srv, "GET", `/api/conversations?label=${vip.id}`, key, undefined, 200, ConversationPage)).conversations, []);
      [a, b].forEach((v) => v.close());
    });

    it("a caller that floods is answered RATE_LIMITED with retryAfterMs and Retry-After; another caller is not", async () => {
      const flood = await s.newKey("Flooder");
      const calm = await s.newKey("Calm");
      const statuses: number[] = [];
      let refused: Response | null = null;
      for (let round = 0; round < 20 && !refused; round++) {
        const answers = await Promise.all(Array.from({ length: 25 }, () => fetch(`${s.srv.url}/api/conversations?limit=1`, { headers: { authorization: `Bearer ${flood.key}` } })));
        for (const a of answers) {
          statuses.push(a.status);
          if (a.status === 429 && !refused) refused = a;
          else await a.arrayBuffer();
        }
      }
      assert.ok(refused, `never refused in ${statuses.length} calls`);
      const body = (await refused.json()) as { error: { code: string; retryAfterMs: number } };
      assert.equal(body.error.code, "RATE_LIMITED");
      assert.ok(body.error.retryAfterMs > 0);
      assert.ok(Number(refused.headers.get("retry-after")) >= 1);
      await expectJson(s.srv, "GET", "/api/conversations?limit=1", calm.key, undefined, 200, ConversationPage);
    });

    it("an agent lists its own conversations and the queue, not another agent's", async () => {
      const ann = await createAgent(s.srv.url, s.admin(), "Ann Lists");
      const bob = await createAgent(s.srv.url, s.admin(), "Bob Lists");
      const v1 = await newVisitor(s.srv, "Vic One");
      const c1 = (await say(v1)).conversationId;
      await expectJson(s.srv, "POST", `/api/conversations/${c1}/claim`, ann.token, {}, 200, OneConversation);
      const v2 = await newVisitor(s.srv, "Vic Two");
      const c2 = (await say(v2)).conversationId;
      await expectJson(s.srv, "POST", `/api/conversations/${c2}/claim`, bob.token, undefined, 200, OneConversation);
      const annSees = (await expectJson(s.srv, "GET", "/api/conversations?status=open", ann.token, undefined, 200, ConversationPage)).conversations.map((c) => c.id);
      assert.deepEqual(annSees, [c1]);
      await expectError(s.srv, "GET", `/api/conversations/${c2}/messages`, ann.token, undefined, 403, "FORBIDDEN");
      const adminSees = (await expectJson(s.srv, "GET", "/api/conversations?status=open", s.admin(), undefined, 200, ConversationPage)).conversations.map((c) => c.id);
      assert.ok(adminSees.includes(c1) && adminSees.includes(c2));
      await expectError(s.srv, "POST", `/api/conversations/${c1}/claim`, bob.token, {}, 409, "CONFLICT");
      v1.close();
      v2.close();
    });

    it("a key transfers and resolves any conversation (with their system lines), but cannot hold one", async () => {
      const { key } = await s.newKey("Triage Bot");
      const dee = await createAgent(s.srv.url, s.admin(), "Dee Handover");
      const vis = await newVisitor(s.srv, "Tom Transfer");
      const cid = (await say(vis)).conversationId;
      await expectError(s.srv, "POST", `/api/conversations/${cid}/claim`, key, {}, 403, "FORBIDDEN");
      const moved = await expectJson(s.srv, "POST", `/api/conversations/${cid}/transfer`, key, { toAgentId: dee.agentId }, 200, OneConversation);
      assert.equal(moved.conversation.status, "open");
      assert.deepEqual(moved.conversation.agent, { id: dee.agentId, name: "Dee Handover" });
      await settled(s.srv, cid, "open", dee.agentId);
      await expectError(s.srv, "POST", `/api/conversations/${cid}/transfer`, key, { toAgentId: "no-such-agent" }, 404, "NOT_FOUND");
      const done = await expectJson(s.srv, "POST", `/api/conversations/${cid}/resolve`, key, {}, 200, OneConversation);
      assert.equal(done.conversation.status, "resolved");
      assert.equal((await row(s.srv, cid)).status, "resolved");
      await until(async () => (await transcript(s.srv, cid)).some((m) => m.sender.type === "system" && m.body.includes("Triage Bot")), 3000, "the resolved line names the key");
      await expectError(s.srv, "POST", `/api/conversations/${cid}/resolve`, key, {}, 409, "CONFLICT");
      await expectError(s.srv, "POST", `/api/conversations/${cid}/messages`, key, { clientMsgId: "late", type: "text", body: "hi" }, 409, "CONFLICT");
      await retire(vis);
    });
  });
}
