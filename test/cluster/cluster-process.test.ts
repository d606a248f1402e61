// Two OS processes writing to one PostgreSQL at once: node A in this process, node B the
// built server (dist/) as a child. Seqs stay gapless and unique under concurrent sends
// from both, a retry racing its original on the other node yields one message, and after
// both nodes are gone (B by SIGKILL) a new node serves every acked message by `sync`.
import assert from "node:assert/strict";
import type { Message, SendPayload } from "../../src/events.js";
import { agentToken, call, connectAgent, connectVisitor, createAgent, expectOk, isOk, until, visitorSession, type Participant } from "../helpers/clients.js";
import { describeCluster, inProcessNode, range, receivesExactly, sql, startCluster, syncAll, type Cluster } from "./helpers.js";

// Long enough that a slow ack on a loaded machine is not re-emitted: "exactly once" holds.
const env = { DELIVERY_RETRY_MS: "20000" };

describeCluster("cluster: two processes, one database, one Redis", function () {
  this.timeout(60_000);
  let c: Cluster;
  before(async () => (c = await startCluster({ bProcess: true, env })));
  after(async () => c?.stop());

  const send = (d: Participant, p: Pick<SendPayload, "clientMsgId"> & Partial<SendPayload>) =>
    call(d.socket, "message:send", { type: "text", body: "x", ...p }, 30_000);

  it("gives 200 concurrent sends through both nodes the seqs 1..N and delivers every one to every device", async () => {
    const admin = await agentToken(c.a.url);
    const x = await createAgent(c.a.url, admin.token, "Agent Load", { maxConcurrent: 50 });
    const v = await visitorSession(c.b.url);
    const devices = [
      await connectVisitor(c.a.url, v.token), await connectVisitor(c.b.url, v.token),
      await connectAgent(c.a.url, x.token), await connectAgent(c.b.url, x.token),
    ];
    const first = expectOk(await send(devices[1], { clientMsgId: "start" }));
    const cid = first.message.conversationId;
    await until(() => devices.slice(2).every((d) => d.received.some((m) => m.id === first.message.id)), 10_000, "assigned");

    // 40 from each of the visitor's devices: the visitor's send budget (10/s plus 100 a
    // minute, limits.rules.ts) is one across the cluster, so 2 x 60 at once would be refused.
    const acks = await Promise.all(
      devices.flatMap((d, i) => range(i < 2 ? 40 : 60).map((n) => send(d, { conversationId: cid, clientMsgId: `d${i}-${n}`, body: `${i}/${n}` }))),
    );
    assert.ok(acks.every(isOk), JSON.stringify(acks.find((a) => !a.ok)));
    assert.equal(new Set(acks.map((a) => a.message.seq)).size, acks.length, "every ack has its own seq");

    // The stored truth: seqs exactly 1..N, last_seq = N, every ack stored with its seq.
    const rows = await sql<{ id: string; seq: number }>(c.store, "SELECT id, seq FROM message WHERE conversation_id = $1 ORDER BY seq", [cid]);
    assert.deepEqual(rows.map((r) => r.seq), range(rows.length));
    const [conv] = await sql<{ last_seq: number }>(c.store, "SELECT last_seq FROM conversation WHERE id = $1", [cid]);
    assert.equal(conv.last_seq, rows.length);
    const stored = new Map(rows.map((r) => [r.id, r.seq]));
    for (const a of acks) assert.equal(stored.get(a.message.id), a.message.seq);

    // Every device gets every message but its own, exactly once, wherever it was written.
    const all = await syncAll(devices[0].socket);
    assert.deepEqual(all.map((m) => m.seq), range(rows.length));
    await Promise.all(
      devices.map((d, i) => {
        const own = new Set(acks.filter((a) => a.message.clientMsgId.startsWith(`d${i}-`)).map((a) => a.message.id));
        if (i === 1) own.add(first.message.id);
        return receivesExactly(d, all.filter((m) => !own.has(m.id)).map((m) => m.id), `device ${i}`, 30_000);
      }),
    );
    devices.forEach((d) => d.close());
  });

  it("answers one clientMsgId sent at once through both nodes with one message and one duplicate", async () => {
    const v = await visitorSession(c.a.url);
    const tabA = await connectVisitor(c.a.url, v.token);
    const tabB = await connectVisitor(c.b.url, v.token);
    // The first pair also races the creation of the conversation.
    const keys = range(20).map((n) => `retry-${n}`);
    const pairs = [await Promise.all([send(tabA, { clientMsgId: keys[0] }), send(tabB, { clientMsgId: keys[0] })])];
    pairs.push(...(await Promise.all(keys.slice(1).map((k) => Promise.all([send(tabA, { clientMsgId: k }), send(tabB, { clientMsgId: k })])))));
    for (const [ackA, ackB] of pairs) {
      assert.equal(ackA.ok && ackB.ok, true, JSON.stringify([ackA, ackB]));
      const [ra, rb] = [expectOk(ackA), expectOk(ackB)]; // both ok, as just asserted
      assert.equal(ra.message.id, rb.message.id, "same message for both copies");
      assert.equal(ra.message.seq, rb.message.seq);
      assert.deepEqual([ra.duplicate, rb.duplicate].sort(), [false, true], "one original, one duplicate");
    }
    const stored = await sql<{ client_msg_id: string }>(c.store, "SELECT client_msg_id FROM message WHERE sender_id = $1", [v.visitorId]);
    assert.deepEqual(stored.map((r) => r.client_msg_id).sort(), [...keys].sort(), "one row per clientMsgId");
    const all = await syncAll(tabA.socket);
    assert.deepEqual(all.map((m) => m.seq), range(all.length));
    // Nothing new is delivered for a duplicate: each tab gets each message at most once.
    for (const tab of [tabA, tabB]) {
      const ids = tab.received.map((m) => m.id);
      assert.equal(ids.length, new Set(ids).size, "a duplicate was delivered");
    }
    tabA.close();
    tabB.close();
  });

  it("serves every acked message with its seq from a new node after both nodes are gone", async () => {
    const admin = await agentToken(c.a.url);
    const v = await visitorSession(c.a.url);
    const tabs = [await connectVisitor(c.a.url, v.token), await connectVisitor(c.b.url, v.token)];
    const first = expectOk(await send(tabs[0], { clientMsgId: "open" }));
    const cid = first.message.conversationId;
    // The admin may write in any conversation: replies through both nodes too.
    const admins = [await connectAgent(c.a.url, admin.token), await connectAgent(c.b.url, admin.token)];
    const acks = [first, ...(await Promise.all([
      ...tabs.flatMap((t, i) => range(30).map((n) => send(t, { clientMsgId: `t${i}-${n}` }))),
      ...admins.flatMap((a, i) => range(10).map((n) => send(a, { conversationId: cid, clientMsgId: `r${i}-${n}` }))),
    ]))];
    assert.ok(acks.every(isOk), JSON.stringify(acks.find((a) => !a.ok)));
    [...tabs, ...admins].forEach((d) => d.close());

    await c.b.kill!(); // a crash: only what was acked counts
    await c.a.stop();
    const fresh = await inProcessNode(c.store, env);
    try {
      const tab = await connectVisitor(fresh.url, v.token);
      assert.equal(tab.ready.conversations[0]?.id, cid);
      const all = await syncAll(tab.socket);
      assert.deepEqual(all.map((m) => m.seq), range(all.length), "seqs 1..N after the restart");
      const bySeq = new Map<number, Message>(all.map((m) => [m.seq, m]));
      for (const a of acks) assert.equal(bySeq.get(a.message.seq)?.id, a.message.id, `acked seq ${a.message.seq} lost or moved`);
      // And the conversation goes on where it stopped.
      const next = expectOk(await send(tab, { clientMsgId: "after-restart" }));
      assert.equal(next.message.seq, all.length + 1);
      tab.close();
    } finally {
      await fresh.stop();
    }
  });
});
