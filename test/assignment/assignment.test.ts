// Automatic assignment on a real server (PROTOCOL.md section 4): the online, not-away agent
// with the fewest open conversations below capacity wins; ties go to whoever waited longest
// since their last assignment; nobody available leaves the conversation `waiting` and tells
// the visitor. Agents join one at a time so every assignment history is real, not seeded.
import assert from "node:assert/strict";
import { call, callRaw, until } from "../helpers/clients.js";
import {
  assertGapless, errorCode, newAgent, newVisitor, retire, row, say, settled, suiteServer, systemTexts, transcript, variants,
  type Agent,
} from "./harness.js";

for (const v of variants()) {
  describe(`assignment: least loaded, capacity, away [${v.name}]`, function () {
    this.timeout(30_000);
    const srv = suiteServer(v);

    /** A new visitor's first message; answers the conversation id once assignment settled. */
    async function newConversation(expect: Agent | null) {
      const visitor = await newVisitor(srv);
      const cid = (await say(visitor)).conversationId;
      if (expect) await settled(srv, cid, "open", expect.id);
      else await until(async () => systemTexts(await transcript(srv, cid)).length > 0, 5000, "no-agent message");
      return { visitor, cid };
    }
    const owner = async (cid: string) => (await row(srv, cid)).agent_id;
    const names = new Map<string | null, string>();
    const who = async (cid: string) => names.get(await owner(cid)) ?? String(await owner(cid));

    it("gives each conversation to the least loaded available agent, ties to the longest wait", async () => {
      const bea = await newAgent(srv, "Bea", 2);
      const c1 = await newConversation(bea); // the only one online: Bea
      const abe = await newAgent(srv, "Abe", 2);
      const c2 = await newConversation(abe); // Abe 0 open vs Bea 1
      assert.equal((await call(bea.socket, "conversation:resolve", { conversationId: c1.cid })).ok, true);
      const cy = await newAgent(srv, "Cy", 1);
      const di = await newAgent(srv, "Di", 5);
      assert.deepEqual(await call(di.socket, "agent:status", { status: "away" }), { ok: true });
      for (const a of [abe, bea, cy, di]) names.set(a.id, a.name);

      // Bea and Cy both have 0 open; Cy has never been assigned, so Cy waited longest.
      // Di has 0 open too but is away.
      const c3 = await newConversation(cy);
      // Cy is at capacity (1): Bea (0 open) beats Abe (1 open).
      const c4 = await newConversation(bea);
      // Abe and Bea both have 1 open: Abe's last assignment (c2) is older than Bea's (c4).
      const c5 = await newConversation(abe);
      const c6 = await newConversation(bea); // Abe is full (2), Bea has 1 of 2
      assert.deepEqual(
        [await who(c2.cid), await who(c3.cid), await who(c4.cid), await who(c5.cid), await who(c6.cid)],
        ["Abe", "Cy", "Bea", "Abe", "Bea"],
      );

      // Everyone online is at capacity and Di is away: c7 waits, and the visitor is told.
      const c7 = await newConversation(null);
      assert.equal((await row(srv, c7.cid)).status, "waiting");
      assert.equal(await owner(c7.cid), null);
      const told = await transcript(srv, c7.cid);
      assert.match(systemTexts(told)[0], /^We are away right now/);
      await until(() => c7.visitor.received.some((m) => m.sender.type === "system"), 3000, "visitor hears no-agent");
      // Every agent sees the waiting conversation in its queue, Di included.
      for (const a of [abe, bea, cy, di]) {
        await until(() => a.conversations.some((c) => c.id === c7.cid && c.status === "waiting"), 3000, `${a.name} sees queue`);
      }

      // Di comes back: the queue moves to Di at once.
      assert.deepEqual(await call(di.socket, "agent:status", { status: "online" }), { ok: true });
      await settled(srv, c7.cid, "open", di.id);
      await until(() => di.conversations.some((c) => c.id === c7.cid && c.agent?.id === di.id), 3000, "Di told");
      const after = await transcript(srv, c7.cid);
      assertGapless(after);
      assert.deepEqual(systemTexts(after).map((t) => t.replace(/^We are away right now.*/, "no-agent")), ["no-agent", "Di joined the conversation"]);
      await retire(abe, bea, cy, di, ...[c1, c2, c3, c4, c5, c6, c7].map((c) => c.visitor));
    });

    it("never assigns to an away agent, and an agent at capacity gets nothing more", async () => {
      const full = await newAgent(srv, "Full", 1);
      const away = await newAgent(srv, "Away", 5);
      assert.equal((await call(away.socket, "agent:status", { status: "away" })).ok, true);
      const first = await newConversation(full);
      const second = await newConversation(null);
      const third = await newConversation(null);
      assert.deepEqual([(await row(srv, second.cid)).status, (await row(srv, third.cid)).status], ["waiting", "waiting"]);
      // Going away and online again via the event's validation: junk changes nothing
      // (sent with callRaw: the typed `call` does not let it through).
      assert.equal(errorCode(await callRaw(away.socket, "agent:status", { status: "busy" })), "VALIDATION");
      assert.equal(errorCode(await callRaw(away.socket, "agent:status", { status: "online", x: 1 })), "VALIDATION");
      await new Promise((r) => setTimeout(r, 300));
      assert.equal((await row(srv, second.cid)).status, "waiting", "a refused status change assigned nothing");
      // Freeing Full's slot hands it the oldest waiting conversation, and only that one.
      assert.equal((await call(full.socket, "conversation:resolve", { conversationId: first.cid })).ok, true);
      await settled(srv, second.cid, "open", full.id);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal((await row(srv, third.cid)).status, "waiting", "capacity 1 holds");
      assert.equal((await call(away.socket, "agent:status", { status: "online" })).ok, true);
      await settled(srv, third.cid, "open", away.id);
      await retire(full, away, first.visitor, second.visitor, third.visitor);
    });

    it("works off a queue longer than one page when an agent becomes available", async () => {
      const agent = await newAgent(srv, "Queue", 100);
      assert.equal((await call(agent.socket, "agent:status", { status: "away" })).ok, true);
      const queue = [];
      for (let i = 0; i < 60; i++) queue.push(await newConversation(null)); // > one page of 50
      assert.equal((await call(agent.socket, "agent:status", { status: "online" })).ok, true);
      for (const q of queue) await settled(srv, q.cid, "open", agent.id, 15_000);
      await retire(agent, ...queue.map((q) => q.visitor));
    });
  });
}
