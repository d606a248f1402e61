// A conversation given to an agent who never saw it is offered again as soon as the agent
// is offline, not RELEASE_AFTER_MS later (src/assignment/requeue.rules.ts). Here the agent's
// link stalls: the socket stays open, so they still look online for OFFLINE_AFTER_MS and
// the next conversation goes to them, though nothing of theirs reaches the server any more.
import assert from "node:assert/strict";
import { until } from "../helpers/clients.js";
import { newAgent, newVisitor, retire, row, say, settled, suiteServer, systemTexts, transcript, variants, type Agent } from "./harness.js";

const OFFLINE_AFTER_MS = 1500;
const RELEASE_AFTER_MS = 20_000;
const ENV = { HEARTBEAT_INTERVAL_MS: "500", OFFLINE_AFTER_MS: `${OFFLINE_AFTER_MS}`, RELEASE_AFTER_MS: `${RELEASE_AFTER_MS}` };
/** Timer granularity, a Redis flush and a few database round trips on a loaded machine. */
const SLACK_MS = 2000;

/** From now on nothing the agent's client sends leaves it: no event, no ack, no pong. */
function stall(agent: Agent) {
  const engine = agent.socket.io.engine as unknown as { _sendPacket(...args: unknown[]): void };
  engine._sendPacket = () => {};
}

// The database does little here: the embedded one is enough.
for (const v of variants(["pglite"])) {
  describe(`conversations an agent never saw [${v.name}]`, function () {
    this.timeout(30_000);
    const srv = suiteServer(v, ENV);

    it("an agent whose link stalls: the chat given to them meanwhile is requeued when they go offline, the one they saw stays", async () => {
      const abe = await newAgent(srv, "Abe", 5);
      const seen = await newVisitor(srv, "Seen");
      const c1 = (await say(seen)).conversationId;
      await settled(srv, c1, "open", abe.id);
      await until(() => abe.received.some((m) => m.conversationId === c1), 3000, "Abe got c1");

      stall(abe);
      const stalledAt = Date.now();
      const unseen = await newVisitor(srv, "Unseen");
      const c2 = (await say(unseen)).conversationId;
      await settled(srv, c2, "open", abe.id); // Abe still looks online
      const bea = await newAgent(srv, "Bea", 5);

      await settled(srv, c2, "open", bea.id, OFFLINE_AFTER_MS + SLACK_MS);
      const movedAfter = Date.now() - stalledAt;
      console.log(`      stalled agent: the chat they never saw went to another agent ${movedAfter} ms after the stall`);
      assert.ok(movedAfter < RELEASE_AFTER_MS / 2, `requeued ${movedAfter} ms after the stall`);
      await until(async () => systemTexts(await transcript(srv, c2)).length === 3, 3000, "system messages written");
      assert.deepEqual(systemTexts(await transcript(srv, c2)), [
        "Abe joined the conversation", "Abe is unavailable; waiting for the next agent", "Bea joined the conversation",
      ]);
      const kept = await row(srv, c1);
      assert.deepEqual([kept.status, kept.agent_id], ["open", abe.id], "the chat Abe had seen stays his until RELEASE_AFTER_MS");
      abe.close();
      await retire(bea, seen, unseen);
    });
  });
}
