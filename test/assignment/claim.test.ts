// The queue's bulk claim (src/assignment/assignment.repository.ts) against the database:
// what of a plan it takes, and, on PostgreSQL, that another node's transaction holding an
// agent or a conversation is waited for and then respected: capacity and ownership hold
// whatever the interleaving. The agents here are never online, so the server's own runs
// leave these conversations alone.
import assert from "node:assert/strict";
import pg from "pg";
import { agentToken, createAgent } from "../helpers/clients.js";
import { serverPerSuite, startServer, testDatabases } from "../helpers/server.js";
import { newVisitor, repos, retire, row, say, type Visitor } from "./harness.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const db of testDatabases()) {
  describe(`assignment: bulk claim [${db}]`, function () {
    this.timeout(30_000);
    const srv = serverPerSuite(() => startServer({ db }));
    const visitors: Visitor[] = [];
    after(() => retire(...visitors));

    const claim = (plan: [string, string][]) =>
      repos(srv).claims.claimWaiting(plan.map(([conversationId, agentId]) => ({ conversationId, agentId })));
    async function agent(name: string, maxConcurrent: number) {
      const a = await createAgent(srv.url, (await agentToken(srv.url)).token, name, { maxConcurrent });
      return a.agentId;
    }
    async function waiting(n: number) {
      const cids = [];
      for (let i = 0; i < n; i++) {
        const v = await newVisitor(srv, `Queued ${visitors.length}`);
        visitors.push(v);
        cids.push((await say(v)).conversationId);
      }
      return cids;
    }
    const owners = async (cids: string[]) => Promise.all(cids.map(async (c) => (await row(srv, c)).agent_id));

    it("takes each agent's share up to its free room, the oldest of the share first, and stamps the agents", async () => {
      const [x, y] = [await agent("Xena", 3), await agent("Yann", 5)];
      const [c0, c1, c2, c3, c4] = await waiting(5);
      // Xena already holds one: room for two more.
      assert.equal(await repos(srv).conversations.assign(c0, x, { status: "waiting", agentId: null }, false), true);
      const got = await claim([[c1, x], [c2, y], [c3, x], [c4, x]]);
      assert.deepEqual(new Set(got.map((g) => `${g.conversationId}>${g.agentName}`)), new Set([`${c1}>Xena`, `${c2}>Yann`, `${c3}>Xena`]));
      assert.deepEqual(await owners([c1, c2, c3, c4]), [x, y, x, null]);
      assert.equal((await row(srv, c4)).status, "waiting");
      const agents = await repos(srv).accounts.activeAgents([x, y]);
      assert.ok(agents.every((a) => a.lastAssignedAt), "both stamped as just assigned");
    });

    it("leaves out conversations no longer waiting and agents no longer active", async () => {
      const [x, y, gone] = [await agent("Xavi", 10), await agent("Yoko", 10), await agent("Gone", 10)];
      const [resolved, taken, free, toGone] = await waiting(4);
      assert.equal(await repos(srv).conversations.setStatus(resolved, "resolved", {}), true);
      assert.equal(await repos(srv).conversations.assign(taken, y, { status: "waiting", agentId: null }, false), true);
      await repos(srv).accounts.updateAgent(gone, { active: false });
      const got = await claim([[resolved, x], [taken, x], [free, x], [toGone, gone]]);
      assert.deepEqual(got.map((g) => g.conversationId), [free]);
      assert.deepEqual(await owners([resolved, taken, free, toGone]), [null, y, x, null]);
      assert.deepEqual(await claim([]), []);
    });

    if (db === "postgres") {
      /** A transaction on its own connection: another node assigning at the same moment. */
      async function otherNode() {
        const c = new pg.Client({ connectionString: srv.store.env.DATABASE_URL });
        await c.connect();
        await c.query("BEGIN");
        return c;
      }
      const settled = <T>(p: Promise<T>) => {
        const s = { done: false };
        void p.finally(() => (s.done = true)).catch(() => {});
        return s;
      };

      it("an assignment another node commits while the claim waits for the agent counts against its room", async () => {
        const x = await agent("Xiu", 2);
        const [c1, c2, c3] = await waiting(3);
        const other = await otherNode();
        try {
          // The other node holds Xiu and fills her room, not yet committed.
          await other.query("SELECT id FROM agent WHERE id = $1 FOR UPDATE", [x]);
          await other.query("UPDATE conversation SET status = 'open', agent_id = $1 WHERE id = ANY($2::text[])", [x, [c1, c2]]);
          const ours = claim([[c3, x]]);
          const state = settled(ours);
          await sleep(300);
          assert.equal(state.done, false, "the claim waits for the agent's lock");
          await other.query("COMMIT");
          assert.deepEqual(await ours, [], "no room left once the other node's assignments count");
        } finally {
          await other.end();
        }
        assert.deepEqual(await owners([c1, c2, c3]), [x, x, null]);
      });

      it("a conversation another node takes while the claim waits for it is left out", async () => {
        const [x, y] = [await agent("Xoan", 10), await agent("Yuki", 10)];
        const [c1, c2] = await waiting(2);
        const other = await otherNode();
        try {
          await other.query("SELECT id FROM agent WHERE id = $1 FOR UPDATE", [y]);
          await other.query("UPDATE conversation SET status = 'open', agent_id = $1 WHERE id = $2", [y, c1]);
          const ours = claim([[c1, x], [c2, x]]);
          const state = settled(ours);
          await sleep(300);
          assert.equal(state.done, false, "the claim waits for the conversation's row lock");
          await other.query("COMMIT");
          assert.deepEqual((await ours).map((g) => g.conversationId), [c2]);
        } finally {
          await other.end();
        }
        assert.deepEqual(await owners([c1, c2]), [y, x]);
      });
    }
  });
}
