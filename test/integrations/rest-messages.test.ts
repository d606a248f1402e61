// POST /api/conversations/:id/messages takes the write path of `message:send`: the
// message is stored before the 201, takes the next seq, reaches the visitor's sockets
// live, and the same clientMsgId again is the stored message with `duplicate: true`,
// delivered once. An API key's messages carry the key's name as the sender's.
// GET .../messages pages by afterSeq as `sync` does.
import assert from "node:assert/strict";
import { sleep, until } from "../helpers/clients.js";
import { testDatabases } from "../helpers/server.js";
import { newVisitor, say, transcript, assertGapless } from "../assignment/harness.js";
import { MessagePage, PostedMessage } from "../../src/integrations/rest.views.js";
import { expectJson, restSuite, text } from "./helpers.js";

for (const db of testDatabases()) {
  describe(`REST messages [${db}]`, function () {
    this.timeout(30_000);
    const s = restSuite(db);

    /** A visitor with a conversation whose opening lines (theirs, the "no agent" one) are in. */
    async function waitingConversation(name: string) {
      const vis = await newVisitor(s.srv, name);
      const first = await say(vis, "Where is my order?");
      await until(() => vis.received.some((m) => m.sender.type === "system"), 5000, "the no-agent line");
      return { vis, cid: first.conversationId };
    }

    it("a key's message is stored before the answer, takes the next seq, reaches the visitor live, under the key's name", async () => {
      const { key, apiKey } = await s.newKey("Order Bot");
      const { vis, cid } = await waitingConversation("Rita Rest");
      const before = (await transcript(s.srv, cid)).length;
      const out = await expectJson(s.srv, "POST", `/api/conversations/${cid}/messages`, key, text("Your order ships today", "bot-1"), 201, PostedMessage);
      assert.equal(out.duplicate, false);
      assert.equal(out.message.seq, before + 1);
      assert.deepEqual(out.message.sender, { type: "agent", id: apiKey.id, name: "Order Bot" });
      // Durable before the answer: the database has it already.
      const stored = await transcript(s.srv, cid);
      assert.equal(stored.at(-1)!.id, out.message.id);
      assertGapless(stored);
      await until(() => vis.received.some((m) => m.id === out.message.id), 3000, "the visitor gets it live");
      assert.deepEqual(vis.received.find((m) => m.id === out.message.id), out.message);
      vis.close();
    });

    it("the same clientMsgId twice is one message, duplicate: true, delivered once to a connected visitor", async () => {
      const { key } = await s.newKey("Retry Bot");
      const { vis, cid } = await waitingConversation("Dora Dup");
      const path = `/api/conversations/${cid}/messages`;
      const first = await expectJson(s.srv, "POST", path, key, text("Only once", "dup-1"), 201, PostedMessage);
      const again = await expectJson(s.srv, "POST", path, key, text("Only once", "dup-1"), 201, PostedMessage);
      assert.equal(again.duplicate, true);
      assert.deepEqual(again.message, first.message);
      // Sent twice at the same moment: still one message.
      const racing = await Promise.all([1, 2].map(() => expectJson(s.srv, "POST", path, key, text("Racing", "dup-2"), 201, PostedMessage)));
      assert.equal(racing[0].message.id, racing[1].message.id);
      assert.deepEqual(racing.map((r) => r.duplicate).sort(), [false, true]);
      await until(() => vis.received.some((m) => m.clientMsgId === "dup-2"), 3000, "the racing one delivered");
      await sleep(500);
      assert.equal(vis.received.filter((m) => m.clientMsgId === "dup-1").length, 1, "delivered once");
      assert.equal(vis.received.filter((m) => m.clientMsgId === "dup-2").length, 1, "delivered once");
      const stored = await transcript(s.srv, cid);
      assert.equal(stored.filter((m) => m.clientMsgId === "dup-1" || m.clientMsgId === "dup-2").length, 2);
      assertGapless(stored);
      vis.close();
    });

    it("GET messages pages by afterSeq and limit, in seq order, with lastSeq and hasMore", async () => {
      const { key } = await s.newKey("Reader Bot");
      const { vis, cid } = await waitingConversation("Paula Pages");
      for (let i = 1; i <= 3; i++) await expectJson(s.srv, "POST", `/api/conversations/${cid}/messages`, key, text(`line ${i}`), 201, PostedMessage);
      const all = await transcript(s.srv, cid);
      const lastSeq = all.at(-1)!.seq;
      const url = (q: string) => `/api/conversations/${cid}/messages?${q}`;
      const p1 = await expectJson(s.srv, "GET", url("limit=2"), key, undefined, 200, MessagePage);
      assert.deepEqual(p1.messages.map((m) => m.seq), [1, 2]);
      assert.equal(p1.hasMore, true);
      assert.equal(p1.lastSeq, lastSeq);
      const p2 = await expectJson(s.srv, "GET", url(`afterSeq=2&limit=500`), key, undefined, 200, MessagePage);
      assert.deepEqual(p2.messages.map((m) => m.seq), all.slice(2).map((m) => m.seq));
      assert.equal(p2.hasMore, false);
      assert.deepEqual([...p1.messages, ...p2.messages], all, "the same messages as the database, as sync gives them");
      const p3 = await expectJson(s.srv, "GET", url(`afterSeq=${lastSeq}`), key, undefined, 200, MessagePage);
      assert.deepEqual(p3, { messages: [], lastSeq, hasMore: false });
      vis.close();
    });
  });
}
