// Races for ownership (PROTOCOL.md section 3 `conversation:claim`, section 4): many agents
// claiming one waiting conversation at once get exactly one `ok` and `CONFLICT` for the rest;
// a burst of new conversations, on one node or on two nodes sharing the database, never
// gives a conversation to two agents nor an agent more than its capacity. The database
// rows and transcripts are the referee, not the acks alone.
import assert from "node:assert/strict";
import { call, callRaw, expectOk, until } from "../helpers/clients.js";
import type { TestServer } from "../helpers/server.js";
import {
  assertGapless, errorCode, newAgent, newVisitor, retire, row, say, serverFor, suiteServer, systemTexts, transcript, variants,
  type Agent, type Variant,
} from "./harness.js";

const joined = (texts: string[]) => texts.filter((t) => t.endsWith("joined the conversation"));

/** N visitors (spread over the servers) open conversations at once; once assignment has
 *  settled, every conversation is open with one agent (one "joined" message) or waiting,
 *  and no agent holds more than its capacity. */
async function burst(servers: TestServer[], agents: { a: Agent; max: number }[], n: number, checkLive = true) {
  const visitors = await Promise.all(Array.from({ length: n }, (_, i) => newVisitor(servers[i % servers.length], `V${i}`)));
  const cids = (await Promise.all(visitors.map((v) => say(v, "first!")))).map((m) => m.conversationId);
  const capacity = agents.reduce((s, x) => s + x.max, 0);
  const db = servers[0];
  const expected = Math.min(n, capacity);
  await until(async () => {
    const texts = await Promise.all(cids.map(async (c) => systemTexts(await transcript(db, c))));
    const rows = await Promise.all(cids.map((c) => row(db, c)));
    // Each is either assigned or told to wait, and the capacity is used up.
    return texts.every((t) => t.length > 0) && rows.filter((r) => r.status === "open").length >= expected;
  }, 10_000, "every conversation assigned or told to wait");
  await new Promise((r) => setTimeout(r, 500)); // a late double assignment would land meanwhile
  const rows = await Promise.all(cids.map((c) => row(db, c)));
  const open = rows.filter((r) => r.status === "open");
  assert.equal(open.length, expected, `open: ${open.length}`);
  assert.ok(rows.every((r) => (r.status === "open") === (r.agent_id !== null)), "open exactly when it has an agent");
  for (const { a, max } of agents) {
    const mine = open.filter((r) => r.agent_id === a.id).length;
    assert.equal(mine, max, `${a.name} holds ${mine} of ${max}`); // least-loaded fills everyone up
  }
  // The new owner is in the room before the first messages go out: it gets them live
  // (across nodes only with Redis: without REDIS_URL each node delivers to its own sockets).
  for (const r of checkLive ? open : []) {
    const owner = agents.find((x) => x.a.id === r.agent_id)!.a;
    const live = () => owner.nodes.flatMap((s) => s.received).filter((m) => m.conversationId === r.id).map((m) => m.seq);
    await until(() => live().includes(1) && live().includes(2), 3000, `${owner.name} gets seq 1 and 2 of ${r.id.slice(0, 8)} live: ${live()}`);
  }
  for (const r of rows) {
    const log = await transcript(db, r.id);
    assertGapless(log);
    const names = joined(systemTexts(log));
    if (r.status === "open") assert.deepEqual(names, [`${r.agent_name} joined the conversation`], `one owner for ${r.id}`);
    else assert.deepEqual(names, [], `waiting ${r.id} was never assigned`);
  }
  for (const v of visitors) v.close();
}

function suite(v: Variant) {
  describe(`assignment races [${v.name}]`, function () {
    this.timeout(40_000);
    const srv = suiteServer(v);

    it("12 agents claim one waiting conversation at once: one ok, the others CONFLICT", async () => {
      const agents: Agent[] = [];
      for (let i = 0; i < 12; i++) agents.push(await newAgent(srv, `Racer ${i}`));
      // Away, so automatic assignment leaves the conversation to the claims.
      await Promise.all(agents.map((a) => call(a.socket, "agent:status", { status: "away" })));
      const visitor = await newVisitor(srv);
      const cid = (await say(visitor)).conversationId;
      await until(() => visitor.received.some((m) => m.sender.type === "system"), 5000, "no-agent message");
      assert.equal((await row(srv, cid)).status, "waiting");

      const acks = await Promise.all(agents.map((a) => call(a.socket, "conversation:claim", { conversationId: cid })));
      const codes = acks.map(errorCode);
      assert.equal(codes.filter((c) => c === "ok").length, 1, codes.join(","));
      assert.equal(codes.filter((c) => c === "CONFLICT").length, 11, codes.join(","));
      const winner = agents[codes.indexOf("ok")];
      assert.equal(expectOk(acks[codes.indexOf("ok")]).conversation.agent?.id, winner.id);
      const r = await row(srv, cid);
      assert.deepEqual([r.status, r.agent_id], ["open", winner.id], "the database shows the winner");
      const log = await transcript(srv, cid);
      assertGapless(log);
      assert.deepEqual(joined(systemTexts(log)), [`${winner.name} joined the conversation`]);
      // The winner claiming again is a no-op; a loser still gets CONFLICT; junk gets VALIDATION.
      assert.equal(errorCode(await call(winner.socket, "conversation:claim", { conversationId: cid })), "ok");
      const loser = agents.find((a) => a !== winner)!;
      assert.equal(errorCode(await call(loser.socket, "conversation:claim", { conversationId: cid })), "CONFLICT");
      assert.equal(errorCode(await callRaw(loser.socket, "conversation:claim", { conversationId: 42 })), "VALIDATION"); // junk: untyped
      assert.equal(errorCode(await call(loser.socket, "conversation:claim", { conversationId: "nope" })), "NOT_FOUND");
      assert.equal((await transcript(srv, cid)).length, log.length, "nothing written by the later claims");
      await retire(...agents, visitor);
    });

    // Last on this server: it leaves waiting conversations behind.
    it("a burst of 14 new conversations never double-assigns nor exceeds capacity", async () => {
      const live = [];
      for (const [i, max] of [2, 3, 4].entries()) live.push({ a: await newAgent(srv, `Burst ${i}`, max), max });
      await burst([srv], live, 14);
      await retire(...live.map((x) => x.a));
    });

    if (v.db === "postgres") {
      it("two nodes on one database assigning at once never double-assign", async () => {
        // Two fresh nodes on one fresh PostgreSQL database (nothing left waiting from above).
        const first = await serverFor(v);
        const second = await serverFor(v, {}, first.store);
        try {
          // Each agent has a socket on both nodes, so both nodes may pick it (also in memory mode).
          const live = [];
          for (const [i, max] of [2, 3, 3].entries()) live.push({ a: await newAgent([first, second], `Node ${i}`, max), max });
          await burst([first, second], live, 16, v.state === "redis");
          await retire(...live.map((x) => x.a));
        } finally {
          await second.stop();
          await first.stop();
        }
      });
    }
  });
}
for (const v of variants()) suite(v);
