// Slots released by absence (PROTOCOL.md section 4), with short timers: a visitor gone for
// RELEASE_AFTER_MS has `left`, its conversation stays open with its agent but out of their
// load, so the slot goes to the next waiting conversation, and the visitor who comes back
// goes on in it (issue 11); an agent gone that long has its open conversations put back to
// `waiting` and handed to another available agent.
import assert from "node:assert/strict";
import { call, connectVisitor, until } from "../helpers/clients.js";
import { assertGapless, newAgent, newVisitor, repos, retire, row, say, settled, suiteServer, systemTexts, transcript, variants } from "./harness.js";

const OFFLINE_AFTER_MS = 1500;
const RELEASE_AFTER_MS = 3000;
const HEARTBEAT_INTERVAL_MS = 500;
const ENV = { HEARTBEAT_INTERVAL_MS: `${HEARTBEAT_INTERVAL_MS}`, OFFLINE_AFTER_MS: `${OFFLINE_AFTER_MS}`, RELEASE_AFTER_MS: `${RELEASE_AFTER_MS}` };
/** The last heartbeat may precede the close by up to one interval. */
const EARLIEST = RELEASE_AFTER_MS - HEARTBEAT_INTERVAL_MS - 100;
/** Timer granularity, a Redis flush and a database round trip on a loaded 2-core machine. */
const SLACK_MS = 1500;

// The database does little here (two conditional updates): the embedded one is enough.
for (const v of variants(["pglite"])) {
  describe(`release after absence [${v.name}]`, function () {
    this.timeout(30_000);
    const srv = suiteServer(v, ENV);

    it("a visitor who left frees the slot but keeps the conversation: the next waiting one goes to that agent too", async () => {
      const abe = await newAgent(srv, "Abe", 1);
      const v1 = await newVisitor(srv, "Leaving Visitor");
      const first = await say(v1);
      const c1 = first.conversationId;
      await settled(srv, c1, "open", abe.id);
      const v2 = await newVisitor(srv, "Patient Visitor");
      const c2 = (await say(v2)).conversationId;
      await until(() => v2.received.some((m) => m.sender.type === "system"), 3000, "no-agent message");
      assert.equal((await row(srv, c2)).status, "waiting", "Abe is at capacity");

      const gone = Date.now();
      v1.close();
      await until(() => abe.presence.some((p) => p.participant.id === v1.id && p.presence === "left"), RELEASE_AFTER_MS + SLACK_MS, "left");
      const leftAfter = abe.presence.find((p) => p.presence === "left")!.at - gone;
      assert.ok(leftAfter >= EARLIEST, `left only after RELEASE_AFTER_MS (${leftAfter} ms)`);
      // offline first (the disconnect grace or OFFLINE_AFTER_MS), then left: once each.
      assert.deepEqual(abe.presence.filter((p) => p.participant.id === v1.id).map((p) => p.presence), ["offline", "left"]);
      // The slot is free (the left visitor is not load), yet c1 stays open and Abe's.
      await settled(srv, c2, "open", abe.id, 3000);
      const r1 = await row(srv, c1);
      assert.equal(r1.status, "open");
      assert.equal(r1.agent_id, abe.id);
      assert.ok(r1.visitor_left_at, "marked as left");
      assert.equal((await repos(srv).conversations.openLoads([abe.id])).get(abe.id), 1, "only c2 is load");
      assert.ok(!abe.conversations.some((c) => c.id === c1 && c.status === "resolved"), "never resolved");
      await until(() => v2.received.some((m) => m.body === "Abe joined the conversation"), 3000, "v2 hears Abe joined");
      await until(() => abe.conversations.some((c) => c.id === c2 && c.agent?.id === abe.id), 3000, "Abe told of c2");
      assert.ok(!abe.presence.some((p) => p.participant.id === v2.id && p.presence !== "online"));

      // The visitor comes back with the same token: the same conversation goes on, the next seq.
      const back = await connectVisitor(srv.url, v1.token);
      assert.deepEqual(back.ready.conversations.map((c) => [c.id, c.status, c.agent?.id]), [[c1, "open", abe.id]]);
      const again = await say(back, "I am back");
      assert.equal(again.conversationId, c1);
      assert.equal(again.seq, (await transcript(srv, c1)).length);
      await until(async () => !(await row(srv, c1)).visitor_left_at, 3000, "no longer left");
      assert.equal((await repos(srv).conversations.openLoads([abe.id])).get(abe.id), 2, "c1 is load again");
      const log1 = await transcript(srv, c1);
      assertGapless(log1);
      assert.deepEqual(systemTexts(log1), ["Abe joined the conversation"]);
      assert.deepEqual(log1.filter((m) => m.sender.type === "visitor").map((m) => m.body), [first.body, "I am back"]);
      // Resolved, so that Abe's own release later cannot requeue them into the next case.
      for (const cid of [c1, c2]) assert.equal((await call(abe.socket, "conversation:resolve", { conversationId: cid })).ok, true);
      back.close();
      await retire(abe, v2);
    });

    it("an agent gone that long has its conversations requeued and reassigned to another agent", async () => {
      const abe = await newAgent(srv, "Abe", 5);
      const visitors = [await newVisitor(srv, "First"), await newVisitor(srv, "Second")];
      const cids: string[] = [];
      for (const vis of visitors) {
        cids.push((await say(vis)).conversationId);
        await settled(srv, cids.at(-1)!, "open", abe.id);
      }
      const bea = await newAgent(srv, "Bea", 5); // online, idle, and not the owner of anything

      const gone = Date.now();
      abe.close();
      for (const cid of cids) await settled(srv, cid, "open", bea.id, RELEASE_AFTER_MS + SLACK_MS + 2000);
      const movedAfter = Date.now() - gone;
      assert.ok(movedAfter >= EARLIEST, `requeued only after RELEASE_AFTER_MS (${movedAfter} ms)`);
      for (const [i, cid] of cids.entries()) {
        await until(async () => systemTexts(await transcript(srv, cid)).length === 3, 3000, "messages written");
        const log = await transcript(srv, cid);
        assertGapless(log);
        assert.deepEqual(systemTexts(log), [
          "Abe joined the conversation", "Abe is unavailable; waiting for the next agent", "Bea joined the conversation",
        ]);
        await until(() => visitors[i].received.some((m) => m.body === "Bea joined the conversation"), 3000, "visitor told");
        await until(() => bea.conversations.some((c) => c.id === cid && c.agent?.id === bea.id), 3000, "Bea told");
        // Visitors hear of their agent's absence: offline, then left, once each. (Before, they
        // may have heard Abe "online": that reaction reads the owner's conversations when it
        // runs, which can be after they were assigned. True, so not a duplicate.)
        const heard = visitors[i].presence.filter((p) => p.participant.id === abe.id && p.at >= gone).map((p) => p.presence);
        assert.deepEqual(heard, ["offline", "left"]);
      }
      await retire(bea, ...visitors);
    });
  });
}
