// The conversation lifecycle (issue 11, PROTOCOL.md section 4) against a real server with
// short timers: a visitor who left never resolves a conversation and continues it on
// return; AUTO_RESOLVE_AFTER_MS resolves only after an agent's last message; snooze until a
// time or the visitor's next message; a returning visitor goes back to their last agent.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { call, connectVisitor, sleep, until } from "../helpers/clients.js";
import {
  assertGapless, errorCode, newAgent, newVisitor, retire, row, say, settled, suiteServer, systemTexts, transcript, variants,
  type Agent,
} from "../assignment/harness.js";

const HB = 500, OFFLINE = 1500, RELEASE = 3000, AUTO_RESOLVE = 2500;
const ENV = {
  HEARTBEAT_INTERVAL_MS: `${HB}`, OFFLINE_AFTER_MS: `${OFFLINE}`, RELEASE_AFTER_MS: `${RELEASE}`,
  AUTO_RESOLVE_AFTER_MS: `${AUTO_RESOLVE}`,
};
/** The sweep runs every AUTO_RESOLVE / 10; plus a loaded 2-core machine. */
const SLACK = 1500;
const AUTO_LINE = "The conversation was resolved after a long silence. Write again any time.";

const reply = async (a: Agent, conversationId: string, body = "Here is the answer") => {
  const r = await call(a.socket, "message:send", { conversationId, clientMsgId: randomUUID(), type: "text", body });
  assert.equal(r.ok, true, JSON.stringify(r));
  return r.ok ? r.message : null!;
};
const resolveAll = async (a: Agent, ...cids: string[]) => {
  for (const conversationId of cids) await call(a.socket, "conversation:resolve", { conversationId });
};

// Every test database: the sweep's SKIP LOCKED statement runs on PGlite and PostgreSQL.
for (const v of variants()) {
  describe(`conversation lifecycle [${v.name}]`, function () {
    this.timeout(40_000);
    const srv = suiteServer(v, ENV);

    it("leave a message: nobody online, the visitor leaves; assigned later, never resolved, continued on return", async () => {
      const vis = await newVisitor(srv, "Left A Message");
      const first = await say(vis, "Please call me back");
      const cid = first.conversationId;
      await until(() => vis.received.some((m) => m.sender.type === "system"), 3000, "no-agent line");
      vis.close();
      await until(async () => !!(await row(srv, cid)).visitor_left_at, RELEASE + SLACK + 1000, "visitor left");
      assert.equal((await row(srv, cid)).status, "waiting", "stays in the queue");

      const abe = await newAgent(srv, "Abe");
      await settled(srv, cid, "open", abe.id);
      await sleep(RELEASE + AUTO_RESOLVE + 500); // well past release and auto-resolve
      const r = await row(srv, cid);
      assert.equal(r.status, "open", "a visitor who left never resolves it");
      assert.ok(!abe.conversations.some((c) => c.id === cid && c.status === "resolved"));

      const back = await connectVisitor(srv.url, vis.token);
      assert.deepEqual(back.ready.conversations.map((c) => [c.id, c.status]), [[cid, "open"]]);
      const again = await say(back, "Back again");
      assert.equal(again.conversationId, cid, "the same conversation");
      const log = await transcript(srv, cid);
      assertGapless(log);
      assert.equal(again.seq, log.length, "the next seq of the same line");
      assert.deepEqual(systemTexts(log).map((t) => t.replace(/^We are away right now.*/, "no-agent")), ["no-agent", "Abe joined the conversation"]);
      await resolveAll(abe, cid);
      back.close();
      await retire(abe);
    });

    it("AUTO_RESOLVE_AFTER_MS: resolved after an agent's last message only, with a line and a conversation event", async () => {
      const abe = await newAgent(srv, "Abe");
      const asks = await newVisitor(srv, "Asked Last");
      const answered = await newVisitor(srv, "Answered");
      const ca = (await say(asks)).conversationId;
      const cb = (await say(answered)).conversationId;
      await settled(srv, ca, "open", abe.id);
      await settled(srv, cb, "open", abe.id);
      const answer = await reply(abe, cb);
      const at = Date.parse(answer.createdAt);

      await settled(srv, cb, "resolved", undefined, AUTO_RESOLVE + SLACK + 1000);
      const after = Date.now() - at;
      console.log(`      auto-resolved ${after} ms after the agent's last message (AUTO_RESOLVE_AFTER_MS=${AUTO_RESOLVE})`);
      assert.ok(after >= AUTO_RESOLVE, `not before AUTO_RESOLVE_AFTER_MS (${after} ms)`);
      // The status changes first, then its system line takes the next seq.
      await until(async () => (await transcript(srv, cb)).at(-1)!.body === AUTO_LINE, 3000, "auto-resolve line");
      const log = await transcript(srv, cb);
      assertGapless(log);
      assert.equal(log.at(-1)!.sender.type, "system");
      await until(() => abe.conversations.some((c) => c.id === cb && c.status === "resolved"), 3000, "agent told");
      await until(() => answered.received.some((m) => m.body === AUTO_LINE), 3000, "visitor told");

      // The visitor's question is older than AUTO_RESOLVE_AFTER_MS and unanswered: still open.
      await sleep(Math.max(0, at + AUTO_RESOLVE + 1000 - Date.now()));
      assert.equal((await row(srv, ca)).status, "open", "the visitor's last message: never auto-resolved");
      assert.ok(!systemTexts(await transcript(srv, ca)).includes(AUTO_LINE));
      await resolveAll(abe, ca);
      await retire(abe, asks, answered);
    });

    it("snooze until a time: out of the lists, back by itself when the time comes", async () => {
      const abe = await newAgent(srv, "Abe");
      const vis = await newVisitor(srv);
      const cid = (await say(vis)).conversationId;
      await settled(srv, cid, "open", abe.id);
      const until_ = new Date(Date.now() + 1500).toISOString();
      const s = await call(abe.socket, "conversation:snooze", { conversationId: cid, until: until_ });
      assert.ok(s.ok, JSON.stringify(s));
      assert.deepEqual(s.conversation.snooze, { until: until_ });
      assert.ok((await row(srv, cid)).snoozed_at);
      await until(() => abe.conversations.some((c) => c.id === cid && c.snooze?.until === until_), 2000, "snooze announced");
      // Still snoozed a moment before the time.
      await sleep(Math.max(0, Date.parse(until_) - Date.now() - 300));
      assert.ok((await row(srv, cid)).snoozed_at, "still snoozed");
      const seen = abe.conversations.length;
      await until(() => abe.conversations.slice(seen).some((c) => c.id === cid && c.snooze === null), 1500 + SLACK, "back");
      const back = abe.conversations.slice(seen).find((c) => c.id === cid && c.snooze === null)!;
      assert.ok(back.at >= Date.parse(until_), "not before its time");
      assert.equal((await row(srv, cid)).snoozed_at, null);
      assert.equal((await row(srv, cid)).status, "open");
      await resolveAll(abe, cid);
      await retire(abe, vis);
    });

    it("snooze until the visitor's next message; not auto-resolved meanwhile; bad input changes nothing", async () => {
      const abe = await newAgent(srv, "Abe");
      const vis = await newVisitor(srv);
      const cid = (await say(vis)).conversationId;
      await settled(srv, cid, "open", abe.id);
      await reply(abe, cid, "Could you send the order number?");

      for (const bad of [{ until: "2020-01-01T00:00:00Z" }, { until: "tomorrow" }, { until: "2099-01-01T00:00:00" }, { until: 5 }, { extra: 1 }]) {
        const r = await call(abe.socket, "conversation:snooze", { conversationId: cid, ...bad } as never);
        assert.equal(errorCode(r), "VALIDATION", JSON.stringify(bad));
      }
      const bea = await newAgent(srv, "Bea");
      assert.equal(errorCode(await call(bea.socket, "conversation:snooze", { conversationId: cid })), "FORBIDDEN");
      assert.equal((await row(srv, cid)).snoozed_at, null, "nothing changed");

      const s = await call(abe.socket, "conversation:snooze", { conversationId: cid, until: null });
      assert.ok(s.ok, JSON.stringify(s));
      assert.deepEqual(s.conversation.snooze, { until: null });
      // Snoozed: an agent's last message, silent past AUTO_RESOLVE_AFTER_MS, and still open.
      await sleep(AUTO_RESOLVE + 1000);
      const r = await row(srv, cid);
      assert.equal(r.status, "open");
      assert.ok(r.snoozed_at, "still snoozed");

      const seen = abe.conversations.length;
      const m = await say(vis, "It is 4471");
      assert.equal(m.conversationId, cid);
      await until(() => abe.conversations.slice(seen).some((c) => c.id === cid && c.snooze === null), 3000, "woken by the message");
      assert.equal((await row(srv, cid)).snoozed_at, null);
      await until(() => abe.received.some((x) => x.id === m.id), 3000, "message delivered");

      // unsnooze ends one at once.
      assert.ok((await call(abe.socket, "conversation:snooze", { conversationId: cid })).ok);
      const u = await call(abe.socket, "conversation:unsnooze", { conversationId: cid });
      assert.ok(u.ok && u.conversation.snooze === null, JSON.stringify(u));
      await resolveAll(abe, cid);
      assert.equal(errorCode(await call(abe.socket, "conversation:snooze", { conversationId: cid })), "CONFLICT");
      await retire(abe, bea, vis);
    });

    it("a returning visitor goes back to their last agent, not the least loaded one", async () => {
      const abe = await newAgent(srv, "Abe");
      const vis = await newVisitor(srv, "Regular");
      const c1 = (await say(vis)).conversationId;
      await settled(srv, c1, "open", abe.id);
      await reply(abe, c1);
      await resolveAll(abe, c1);
      const other = await newVisitor(srv, "Other");
      const co = (await say(other)).conversationId;
      await settled(srv, co, "open", abe.id); // Abe: load 1
      const bea = await newAgent(srv, "Bea"); // load 0, never assigned: the rule's first choice

      const c2 = (await say(vis, "Me again")).conversationId;
      assert.notEqual(c2, c1);
      await settled(srv, c2, "open", abe.id);
      // Anyone new goes to the least loaded.
      const fresh = await newVisitor(srv, "New");
      const cf = (await say(fresh)).conversationId;
      await settled(srv, cf, "open", bea.id);
      await resolveAll(abe, co, c2);
      await resolveAll(bea, cf);
      await retire(abe, bea, vis, other, fresh);
    });
  });
}
