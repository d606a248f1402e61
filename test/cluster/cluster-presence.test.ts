// Presence and assignment across two in-process nodes (one PostgreSQL, one Redis): traffic
// on either node counts for the participant everywhere, and a claim race between agents
// on different nodes has exactly one winner.
import assert from "node:assert/strict";
import type { AckError } from "../../src/events.js";
import { agentToken, call, connectAgent, connectVisitor, createAgent, expectOk, isOk, sleep, until, visitorSession, type ClientSocket } from "../helpers/clients.js";
import { describeCluster, range, sql, startCluster, syncAll, type Cluster } from "./helpers.js";

const OFFLINE_AFTER_MS = 2000;
/** The store's flush and deadline poll (up to ~1.25 s), a Redis round trip and a pub/sub
 * hop, on a loaded two-core machine. */
const SLACK_MS = 2500;

/** A stalled link: the client stops answering the server's transport pings (engine.io
 * `pong`), which is all the traffic an idle tab makes. */
function stall(socket: ClientSocket) {
  const engine = socket.io.engine as unknown as { _sendPacket(type: string, ...rest: unknown[]): void };
  const send = engine._sendPacket.bind(engine);
  engine._sendPacket = (type, ...rest) => void (type !== "pong" && send(type, ...rest));
}

describeCluster("cluster: presence and claims across nodes", function () {
  this.timeout(60_000);
  let c: Cluster;
  beforeEach(async () => (c = await startCluster({ env: { OFFLINE_AFTER_MS: String(OFFLINE_AFTER_MS) } })));
  afterEach(async () => c?.stop());

  it("keeps a visitor whose traffic reaches node B online for their agent on node A, and says offline when it stops", async () => {
    const admin = await agentToken(c.a.url);
    const x = await createAgent(c.a.url, admin.token, "Agent Watch", { maxConcurrent: 50 });
    const agent = await connectAgent(c.a.url, x.token);
    const seen: { presence: string; at: number }[] = [];
    const v = await visitorSession(c.b.url);
    agent.socket.on("presence", (p) => p.participant.id === v.visitorId && seen.push({ presence: p.presence, at: Date.now() }));

    const onB = await connectVisitor(c.b.url, v.token);
    const first = await call(onB.socket, "message:send", { clientMsgId: "hello", type: "text", body: "anyone there?" });
    assert.equal(first.ok, true, JSON.stringify(first));
    const cid = first.message.conversationId;
    await until(() => agent.received.some((m) => m.id === first.message.id), 10_000, "assigned to the agent on A");

    // A tab on node A that goes silent: node A alone hears nothing from this visitor.
    const onA = await connectVisitor(c.a.url, v.token);
    stall(onA.socket);
    const hb = setInterval(() => onB.socket.emit("hb", { t: Date.now() }, () => {}), 400);
    try {
      await sleep(OFFLINE_AFTER_MS * 2.5);
      assert.deepEqual(seen.filter((s) => s.presence !== "online"), [], "never offline while node B has traffic");
      // Node A's own answer (computed from the shared state) when a new agent tab connects there.
      const again = await connectAgent(c.a.url, x.token);
      assert.equal(again.ready.conversations.find((cv) => cv.id === cid)?.visitor.presence, "online");
      again.close();
    } finally {
      clearInterval(hb);
    }

    // Now node B's link stalls too: no traffic anywhere, so the agent on A hears "offline".
    stall(onB.socket);
    const stalledAt = Date.now();
    await until(() => seen.some((s) => s.presence === "offline"), OFFLINE_AFTER_MS + SLACK_MS, "offline announced to node A");
    const offline = seen.find((s) => s.presence === "offline")!;
    assert.ok(offline.at - stalledAt <= OFFLINE_AFTER_MS + SLACK_MS, `offline after ${offline.at - stalledAt} ms`);

    // Traffic again, on node B: the agent on A hears "online".
    const back = await connectVisitor(c.b.url, v.token);
    await until(() => seen.at(-1)?.presence === "online", 5000, "online again");
    [agent, onA, onB, back].forEach((p) => p.close());
  });

  it("gives a conversation claimed at once from two nodes to exactly one agent; the other gets CONFLICT", async () => {
    const admin = await agentToken(c.a.url);
    const p = await createAgent(c.a.url, admin.token, "Agent Pat");
    const q = await createAgent(c.a.url, admin.token, "Agent Quinn");
    const onA = await connectAgent(c.a.url, p.token);
    const onB = await connectAgent(c.b.url, q.token);
    // Both away: nothing is assigned automatically, the conversations wait to be claimed.
    for (const a of [onA, onB]) assert.equal((await call(a.socket, "agent:status", { status: "away" })).ok, true);

    const visitors = await Promise.all(
      range(6).map(async (i) => {
        const v = await visitorSession(c.a.url);
        const socket = (await connectVisitor(i % 2 ? c.a.url : c.b.url, v.token)).socket;
        const r = await call(socket, "message:send", { clientMsgId: "first", type: "text", body: "help" });
        assert.equal(r.ok, true, JSON.stringify(r));
        // The "no agent available" notice is the last step of creating a conversation.
        await until(async () => (await syncAll(socket)).length === 2, 10_000, "no-agent notice");
        return { socket, cid: r.message.conversationId };
      }),
    );

    for (const { socket, cid } of visitors) {
      const [ra, rb] = await Promise.all([
        call(onA.socket, "conversation:claim", { conversationId: cid }),
        call(onB.socket, "conversation:claim", { conversationId: cid }),
      ]);
      const results = [ra, rb];
      assert.equal(results.filter((r) => r.ok).length, 1, `one winner: ${JSON.stringify(results)}`);
      const loser = results.find((r): r is AckError => !r.ok)!; // one of the two, as just asserted
      assert.equal(loser.error.code, "CONFLICT");
      const [winner, winnerSocket, loserSocket] = ra.ok ? [p, onA, onB] : [q, onB, onA];
      assert.equal(results.find(isOk)!.conversation.agent?.id, winner.agentId);
      const [row] = await sql<{ status: string; agent_id: string | null }>(c.store, "SELECT status, agent_id FROM conversation WHERE id = $1", [cid]);
      assert.deepEqual(row, { status: "open", agent_id: winner.agentId });
      // The winner follows the conversation on its node; the loser does not.
      const next = expectOk(await call(socket, "message:send", { clientMsgId: "after-claim", type: "text", body: "thanks" }));
      await until(() => winnerSocket.received.some((m) => m.id === next.message.id), 5000, "the winner gets the visitor's next message");
      const joined = (await syncAll(socket)).filter((m) => m.type === "system" && m.body.includes("joined"));
      assert.equal(joined.length, 1, "one 'joined' system message");
      assert.ok(joined[0].body.startsWith(winner === p ? "Agent Pat" : "Agent Quinn"));
      assert.ok(!loserSocket.received.some((m) => m.conversationId === cid), "the loser is not in the room");
    }
  });
});
