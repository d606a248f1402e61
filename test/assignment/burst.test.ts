// A burst of new conversations (PROTOCOL.md section 4): 200 visitors send their first
// message at the same moment. Every conversation the agents have room for is assigned,
// once, with one "joined" line, to an agent below its capacity, and the agent's devices
// hear of it; on two nodes working the queue at once too. The database is the referee.
// Timing is the benchmark's business (npm run bench:burst): the bounds here are generous.
import assert from "node:assert/strict";
import { until } from "../helpers/clients.js";
import { freshStore, type TestServer } from "../helpers/server.js";
import { describeCluster } from "../cluster/helpers.js";
import {
  assertGapless, newAgent, newVisitor, repos, retire, say, serverFor, suiteServer, systemTexts, transcript, variants,
  type Agent,
} from "./harness.js";

const N = 200;

/** N visitors spread over the servers, connected first, then all opening at once. */
async function openAtOnce(servers: TestServer[]) {
  const visitors = await Promise.all(Array.from({ length: N }, (_, i) => newVisitor(servers[i % servers.length], `Crowd ${i}`)));
  const cids = (await Promise.all(visitors.map((v) => say(v, "first!")))).map((m) => m.conversationId);
  assert.equal(new Set(cids).size, N, "one conversation each");
  return { visitors, cids };
}

/** Waits until `expected` of the conversations are open, then (after a pause in which a late
 *  second assignment would land) checks the stored truth; answers the open rows. */
async function assertAssigned(db: TestServer, cids: string[], agents: { a: Agent; max: number }[], expected: number) {
  const rows = () => repos(db).conversations.byIds(cids);
  const open = async () => (await rows()).filter((r) => r.status === "open");
  await until(async () => (await open()).length >= expected, 60_000, `${expected} of ${cids.length} assigned`);
  await new Promise((r) => setTimeout(r, 500));
  const all = await rows();
  const opened = all.filter((r) => r.status === "open");
  assert.equal(opened.length, expected);
  assert.ok(all.every((r) => (r.status === "open") === (r.agent_id !== null)), "open exactly when it has an agent");
  for (const { a, max } of agents) {
    const mine = opened.filter((r) => r.agent_id === a.id).length;
    assert.ok(mine <= max, `${a.name} holds ${mine}, more than its ${max}`);
  }
  for (const r of all) {
    const log = await transcript(db, r.id);
    assertGapless(log);
    const joined = systemTexts(log).filter((t) => t.endsWith("joined the conversation"));
    assert.deepEqual(joined, r.status === "open" ? [`${r.agent_name} joined the conversation`] : [], `${r.id}: ${systemTexts(log)}`);
  }
  // Every device of the owner is told, with the owner named.
  for (const r of opened) {
    const owner = agents.find((x) => x.a.id === r.agent_id)!.a;
    for (const device of owner.nodes) {
      await until(() => device.conversations.some((c) => c.id === r.id && c.agent?.id === owner.id), 5000, `${owner.name} told of ${r.id.slice(0, 8)}`);
    }
  }
  return opened;
}

for (const v of variants().filter((x) => x.state === "memory")) {
  describe(`assignment: a burst of ${N} new conversations [${v.name}]`, function () {
    this.timeout(120_000);
    const srv = suiteServer(v);

    it(`${N} first messages at once against 5 agents with room for 55: all assigned, evenly, each once`, async () => {
      const agents: { a: Agent; max: number }[] = [];
      for (let i = 0; i < 5; i++) agents.push({ a: await newAgent(srv, `Burst ${i}`, 55), max: 55 });
      const { visitors, cids } = await openAtOnce([srv]);
      const opened = await assertAssigned(srv, cids, agents, N);
      // One node, one run at a time, least loaded first: the crowd spreads evenly.
      for (const { a } of agents) assert.equal(opened.filter((r) => r.agent_id === a.id).length, N / 5, a.name);
      for (const r of opened) {
        const owner = agents.find((x) => x.a.id === r.agent_id)!.a;
        const log = await transcript(srv, r.id);
        // Nobody was told to wait, and the owner was in the room before the visitor's
        // first message went out: it arrived live, as did the "joined" line.
        assert.deepEqual(systemTexts(log), [`${owner.name} joined the conversation`]);
        const live = () => owner.received.filter((m) => m.conversationId === r.id).map((m) => m.seq);
        await until(() => live().includes(1) && live().includes(2), 5000, `${owner.name} gets seq 1 and 2 of ${r.id.slice(0, 8)} live: ${live()}`);
      }
      await retire(...agents.map((x) => x.a), ...visitors);
    });
  });
}

describeCluster(`assignment: a burst of ${N} new conversations on two nodes`, function () {
  this.timeout(120_000);

  it(`both nodes work the queue at once: room for 150 fills exactly, nobody beyond capacity`, async () => {
    const v = variants(["postgres"]).find((x) => x.state === "redis")!;
    const store = await freshStore("postgres");
    // A Redis prefix of their own: the visitor-session budget per address is cluster-wide,
    // and this run's other servers on the same Redis have spent some of it.
    const env = { REDIS_PREFIX: `hft${process.pid}burst:` };
    const [a, b] = await Promise.all([serverFor(v, env, store), serverFor(v, env, store)]);
    try {
      // Each agent has a device on both nodes, so both nodes' runs pick from all of them.
      const agents: { a: Agent; max: number }[] = [];
      for (let i = 0; i < 5; i++) agents.push({ a: await newAgent([a, b], `Pair ${i}`, 30), max: 30 });
      const { visitors, cids } = await openAtOnce([a, b]);
      const opened = await assertAssigned(a, cids, agents, 150);
      for (const { a: agent } of agents) assert.equal(opened.filter((r) => r.agent_id === agent.id).length, 30, agent.name);
      await retire(...agents.map((x) => x.a), ...visitors);
    } finally {
      await Promise.allSettled([a.stop(), b.stop()]);
      await store.drop();
    }
  });
});
