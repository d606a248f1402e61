// conversation:transfer and conversation:resolve on a real server (PROTOCOL.md section 3):
// acks, system messages that take the next seq, `conversation` events to the agents
// concerned, the room following the owner; bad payloads get VALIDATION, a non-owner gets
// FORBIDDEN, and neither writes anything.
import assert from "node:assert/strict";
import type { Message } from "../../src/events.js";
import { call, callRaw, sleep, until } from "../helpers/clients.js";
import { assertGapless, errorCode, newAgent, newVisitor, retire, row, say, settled, suiteServer, systemTexts, transcript, variants } from "./harness.js";

for (const v of variants()) {
  describe(`transfer and resolve [${v.name}]`, function () {
    this.timeout(30_000);
    const srv = suiteServer(v);

    it("transfers with acks, seqs and events, refuses junk and non-owners, then resolves", async () => {
      const abe = await newAgent(srv, "Abe");
      const visitor = await newVisitor(srv);
      const cid = (await say(visitor)).conversationId;
      await settled(srv, cid, "open", abe.id);
      const bea = await newAgent(srv, "Bea");
      const cy = await newAgent(srv, "Cy"); // a bystander: hears nothing of a conversation not theirs
      const before = await row(srv, cid);
      const seqBefore = Number(before.last_seq); // the visitor's message and "Abe joined"
      assert.equal(seqBefore, 2);

      // Junk and strangers change nothing (junk payloads: sent with callRaw, untyped).
      const bad: [typeof abe, string, unknown, string][] = [
        [abe, "conversation:transfer", { conversationId: cid }, "VALIDATION"],
        [abe, "conversation:transfer", { conversationId: cid, toAgentId: 7 }, "VALIDATION"],
        [abe, "conversation:transfer", { conversationId: cid, toAgentId: bea.id, junk: true }, "VALIDATION"],
        [abe, "conversation:transfer", undefined, "VALIDATION"],
        [abe, "conversation:transfer", { conversationId: cid, toAgentId: "x".repeat(65) }, "VALIDATION"],
        [abe, "conversation:resolve", { conversationId: [cid] }, "VALIDATION"],
        [abe, "conversation:resolve", "resolve please", "VALIDATION"],
        [abe, "conversation:transfer", { conversationId: cid, toAgentId: "no-such-agent" }, "NOT_FOUND"],
        [bea, "conversation:transfer", { conversationId: cid, toAgentId: bea.id }, "FORBIDDEN"],
        [bea, "conversation:resolve", { conversationId: cid }, "FORBIDDEN"],
      ];
      for (const [who, event, payload, code] of bad) {
        assert.equal(errorCode(await callRaw(who.socket, event, payload)), code, `${event} ${JSON.stringify(payload)}`);
      }
      const still = await row(srv, cid);
      assert.deepEqual([still.status, still.agent_id, Number(still.last_seq)], ["open", abe.id, seqBefore], "nothing changed");

      // Abe hands over to Bea.
      const abeSeen = abe.conversations.length;
      const t = await call(abe.socket, "conversation:transfer", { conversationId: cid, toAgentId: bea.id });
      assert.equal(t.ok, true, JSON.stringify(t));
      assert.deepEqual([t.conversation.id, t.conversation.status, t.conversation.agent?.id], [cid, "open", bea.id]);
      assert.equal(t.conversation.lastSeq, seqBefore + 1, "the transfer message took the next seq");
      const sysAt = (m: Message[], seq: number) => m.find((x) => x.seq === seq && x.sender.type === "system");
      await until(() => !!sysAt(visitor.received, seqBefore + 1), 3000, "visitor gets the transfer message");
      assert.equal(sysAt(visitor.received, seqBefore + 1)!.body, "The conversation was transferred to Bea");
      await until(() => bea.conversations.some((c) => c.id === cid && c.agent?.id === bea.id), 3000, "Bea told");
      await until(() => abe.conversations.slice(abeSeen).some((c) => c.id === cid && c.agent?.id === bea.id), 3000, "Abe told");
      await settled(srv, cid, "open", bea.id);

      // The room follows the owner: the visitor's next message reaches Bea, not Abe.
      const next = await say(visitor, "still there?");
      assert.equal(next.seq, seqBefore + 2);
      await until(() => bea.received.some((m) => m.id === next.id), 3000, "Bea receives");
      await sleep(300);
      assert.ok(!abe.received.some((m) => m.id === next.id), "Abe no longer receives");
      // Abe is no longer the owner.
      assert.equal(errorCode(await call(abe.socket, "conversation:resolve", { conversationId: cid })), "FORBIDDEN");
      assert.equal(errorCode(await call(abe.socket, "conversation:transfer", { conversationId: cid, toAgentId: abe.id })), "FORBIDDEN");

      // Bea resolves.
      const r = await call(bea.socket, "conversation:resolve", { conversationId: cid });
      assert.equal(r.ok, true, JSON.stringify(r));
      assert.deepEqual([r.conversation.status, r.conversation.lastSeq], ["resolved", seqBefore + 3]);
      await until(() => bea.conversations.some((c) => c.id === cid && c.status === "resolved"), 3000, "Bea sees resolved");
      await until(() => !!sysAt(visitor.received, seqBefore + 3), 3000, "visitor gets the resolve message");
      assert.equal(sysAt(visitor.received, seqBefore + 3)!.body, "Bea marked the conversation as resolved");
      assert.equal(errorCode(await call(bea.socket, "conversation:resolve", { conversationId: cid })), "CONFLICT");
      assert.equal(errorCode(await call(bea.socket, "conversation:transfer", { conversationId: cid, toAgentId: abe.id })), "CONFLICT");

      const log = await transcript(srv, cid);
      assertGapless(log);
      assert.deepEqual(systemTexts(log), [
        "Abe joined the conversation", "The conversation was transferred to Bea", "Bea marked the conversation as resolved",
      ]);
      assert.equal(log.length, 5);
      // A resolved conversation can still be read, but nobody on the agent side stays in its
      // room, not even after reading it (a console open all day would collect rooms).
      const read = await call(bea.socket, "sync", { conversationId: cid, afterSeq: 0 });
      assert.deepEqual(read.ok && read.messages.map((m) => m.seq), [1, 2, 3, 4, 5]);
      assert.equal(srv.application.io.of("/agent").adapter.rooms.get(`conversation:${cid}`)?.size ?? 0, 0);
      // The visitor got every message of the transcript, once each.
      const got = visitor.received.filter((m) => m.conversationId === cid).map((m) => m.seq);
      assert.deepEqual([...new Set(got)].sort((a, b) => a - b), [2, 3, 5], "visitor got the others' messages");
      assert.deepEqual(cy.conversations.filter((c) => c.id === cid), [], "nothing to the bystander");
      assert.ok(!cy.received.some((m) => m.conversationId === cid));
      await retire(abe, bea, cy, visitor);
    });

    it("a hand-over may exceed the receiver's capacity, frees the giver's slot for the queue; to oneself is a no-op", async () => {
      const cy = await newAgent(srv, "Cy", 1);
      const v0 = await newVisitor(srv);
      const c0 = (await say(v0)).conversationId;
      await settled(srv, c0, "open", cy.id);
      const abe = await newAgent(srv, "Abe", 1);
      const v1 = await newVisitor(srv);
      const c1 = (await say(v1)).conversationId;
      await settled(srv, c1, "open", abe.id);
      const v2 = await newVisitor(srv);
      const c2 = (await say(v2)).conversationId; // both full: it waits
      await until(() => v2.received.some((m) => m.sender.type === "system"), 3000, "no-agent message");
      assert.equal((await row(srv, c2)).status, "waiting");

      const same = await call(abe.socket, "conversation:transfer", { conversationId: c1, toAgentId: abe.id });
      assert.equal(same.ok, true);
      assert.equal(Number((await row(srv, c1)).last_seq), 2, "no message for a transfer to oneself");
      // Capacity binds automatic assignment; a deliberate hand-over to a full agent goes through.
      const moved = await call(abe.socket, "conversation:transfer", { conversationId: c1, toAgentId: cy.id });
      assert.equal(moved.ok, true, JSON.stringify(moved));
      await settled(srv, c1, "open", cy.id);
      assertGapless(await transcript(srv, c1));
      // Abe's slot is free again: the waiting conversation moves to Abe without another trigger.
      await settled(srv, c2, "open", abe.id, 3000);
      await until(async () => systemTexts(await transcript(srv, c2)).length === 2, 3000, "joined message");
      assert.deepEqual(systemTexts(await transcript(srv, c2)).slice(1), ["Abe joined the conversation"]);
      await retire(abe, cy, v0, v1, v2);
    });
  });
}
