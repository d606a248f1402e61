// Two in-process nodes on one PostgreSQL and one Redis: a visitor's and an agent's devices
// spread over both nodes see the same conversation, live, exactly once; first messages
// racing on two nodes open one conversation. Presence and claims: cluster-presence.test.ts;
// two OS processes writing at once: cluster-process.test.ts.
import assert from "node:assert/strict";
import type { Message, ReceiptPayload, TypingPayload } from "../../src/events.js";
import { agentToken, call, connectAgent, connectVisitor, createAgent, expectOk, until, visitorSession, type Participant } from "../helpers/clients.js";
import { describeCluster, range, receivesExactly, sql, startCluster, syncAll, type Cluster } from "./helpers.js";

describeCluster("cluster: two nodes, one database, one Redis", function () {
  this.timeout(60_000);
  let c: Cluster;
  before(async () => (c = await startCluster()));
  after(async () => c?.stop());

  it("round-trips messages, receipts and typing between devices on both nodes, each message exactly once", async () => {
    const admin = await agentToken(c.a.url);
    const x = await createAgent(c.a.url, admin.token, "Agent Cross", { maxConcurrent: 50 });
    const v = await visitorSession(c.a.url);
    // Every device is connected before the conversation exists: the rooms they need are
    // joined later, by whichever node creates or assigns it.
    const visitorA = await connectVisitor(c.a.url, v.token);
    const visitorB = await connectVisitor(c.b.url, v.token);
    const agentB = await connectAgent(c.b.url, x.token);
    const agentA = await connectAgent(c.a.url, x.token);
    const devices: [Participant, string][] = [[visitorA, "visitor tab on A"], [visitorB, "visitor tab on B"], [agentB, "agent tab on B"], [agentA, "agent tab on A"]];

    const first = await call(visitorA.socket, "message:send", { clientMsgId: "v-1", type: "text", body: "hello from A" });
    assert.equal(first.ok, true, JSON.stringify(first));
    const cid = first.message.conversationId;
    // The only online agent gets it automatically; its tab on B follows the room.
    await until(() => agentB.received.some((m) => m.id === first.message.id), 10_000, "agent on B gets the first message");

    const sent = new Map<Participant, string[]>(devices.map(([d]) => [d, []]));
    sent.get(visitorA)!.push(first.message.id);
    const send = async (d: Participant, clientMsgId: string, body: string) => {
      const r = await call(d.socket, "message:send", { conversationId: cid, clientMsgId, type: "text", body });
      assert.equal(r.ok, true, JSON.stringify(r));
      sent.get(d)!.push(r.message.id);
      return r.message;
    };
    // Both directions, from each of the four devices, one after another and then at once.
    await send(agentB, "a-1", "reply from B");
    await send(visitorB, "v-2", "second tab, node B");
    await send(agentA, "a-2", "second agent tab, node A");
    await Promise.all([send(visitorA, "v-3", "together 1"), send(visitorB, "v-4", "together 2"), send(agentA, "a-3", "together 3"), send(agentB, "a-4", "together 4")]);

    const all = await syncAll(visitorB.socket);
    assert.deepEqual(all.map((m) => m.seq), range(all.length), "seqs 1..N");
    assert.equal(all.filter((m) => m.type === "system").length, 1, "one 'joined' system message");
    for (const [d, name] of devices) {
      const own = new Set(sent.get(d));
      await receivesExactly(d, all.filter((m) => !own.has(m.id)).map((m) => m.id), name);
    }

    // Read receipts: written on one node, seen by the other side's devices on both.
    const lastSeq = all.at(-1)!.seq;
    const receipts = (d: Participant) => {
      const got: ReceiptPayload[] = [];
      d.socket.on("receipt", (r) => got.push(r));
      return got;
    };
    const [rVA, rVB, rAA, rAB] = [visitorA, visitorB, agentA, agentB].map(receipts);
    assert.equal((await call(agentB.socket, "message:read", { conversationId: cid, upToSeq: lastSeq })).ok, true);
    await until(() => rVA.length > 0 && rVB.length > 0, 5000, "agent's receipt on both visitor tabs");
    for (const r of [rVA[0], rVB[0]]) assert.deepEqual(r, { conversationId: cid, reader: { type: "agent", id: x.agentId }, upToSeq: lastSeq });
    assert.equal((await call(visitorA.socket, "message:read", { upToSeq: lastSeq })).ok, true);
    await until(() => [rAA, rAB].every((l) => l.some((r) => r.reader.type === "visitor")), 5000, "visitor's receipt on both agent tabs");

    // Typing goes only to the other side, on every node.
    const typing = (d: Participant) => {
      const got: TypingPayload[] = [];
      d.socket.on("typing", (t) => got.push(t));
      return got;
    };
    const [tVA, tVB, tAA, tAB] = [visitorA, visitorB, agentA, agentB].map(typing);
    assert.equal((await call(visitorB.socket, "typing", { isTyping: true })).ok, true);
    await until(() => tAA.length > 0 && tAB.length > 0, 5000, "visitor typing on both agent tabs");
    assert.deepEqual(tAA[0], { conversationId: cid, from: { type: "visitor", id: v.visitorId, name: "Vera Visitor" }, isTyping: true });
    assert.equal((await call(agentA.socket, "typing", { conversationId: cid, isTyping: true })).ok, true);
    await until(() => tVA.length > 0 && tVB.length > 0, 5000, "agent typing on both visitor tabs");
    assert.equal(tVB[0].from.id, x.agentId);
    assert.equal(tVA.length + tVB.length, 2, "the visitor's own typing was not echoed to its tabs");
    devices.forEach(([d]) => d.close());
  });

  it("opens one conversation when a new visitor's first messages race from two tabs on two nodes", async () => {
    // Several visitors at once, so the two creations really overlap for some of them.
    const runs = await Promise.all(
      range(8).map(async (i) => {
        const v = await visitorSession(i % 2 ? c.a.url : c.b.url);
        const tabA = await connectVisitor(c.a.url, v.token);
        const tabB = await connectVisitor(c.b.url, v.token);
        const [ra, rb] = await Promise.all([
          call(tabA.socket, "message:send", { clientMsgId: "first-a", type: "text", body: "from tab A" }),
          call(tabB.socket, "message:send", { clientMsgId: "first-b", type: "text", body: "from tab B" }),
        ]);
        return { v, tabA, tabB, ra, rb };
      }),
    );
    await Promise.all(runs.map(async ({ v, tabA, tabB, ra: ackA, rb: ackB }) => {
      assert.equal(ackA.ok && ackB.ok, true, JSON.stringify([ackA, ackB]));
      const [ra, rb] = [expectOk(ackA), expectOk(ackB)]; // both ok, as just asserted
      assert.equal(ra.message.conversationId, rb.message.conversationId, "both tabs landed in one conversation");
      const rows = await sql<{ id: string }>(c.store, "SELECT id FROM conversation WHERE visitor_id = $1", [v.visitorId]);
      assert.equal(rows.length, 1, "exactly one conversation stored");
      // Two visitor messages and one "no agent available" notice (written after the
      // first ack, by the node that stored seq 1), seqs 1..3.
      let all: Message[] = [];
      await until(async () => (all = await syncAll(tabA.socket)).length >= 3, 10_000, "the no-agent notice");
      assert.deepEqual(all.map((m) => m.seq), [1, 2, 3]);
      assert.deepEqual(all.map((m) => m.type).sort(), ["system", "text", "text"]);
      // Each tab, on its own node, gets the other tab's message and the notice.
      await receivesExactly(tabA, all.filter((m) => m.id !== ra.message.id).map((m) => m.id), "tab A");
      await receivesExactly(tabB, all.filter((m) => m.id !== rb.message.id).map((m) => m.id), "tab B");
      tabA.close();
      tabB.close();
    }));
  });
});
