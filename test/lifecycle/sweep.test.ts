// The auto-resolve sweep's statement under concurrency (issue 11): several sweeps at once
// (as several nodes run them) resolve each silent conversation exactly once, and never one
// whose last message is the visitor's, one that is snoozed, or one touched recently.
// Seeded with SQL: 60 conversations, 4 sweeps racing on the pool (on PostgreSQL, truly in
// parallel, each with its own connection).
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { createLifecycleRepository, RESOLVE_IDLE } from "../../src/lifecycle/lifecycle.repository.js";
import { serverPerSuite, startServer, testDatabases } from "../helpers/server.js";

for (const db of testDatabases()) {
  describe(`auto-resolve sweep statement [${db}]`, function () {
    this.timeout(60_000);
    // AUTO_RESOLVE_AFTER_MS at its default (a day): the server's own sweep leaves these alone.
    const srv = serverPerSuite(() => startServer({ db }));

    it("racing sweeps resolve each silent conversation once, and only those", async () => {
      const { db: database } = srv.application.services;
      const q = (sql: string, ...p: unknown[]) => database.prisma.$executeRawUnsafe(sql, ...p);
      const [agent] = await database.prisma.$queryRawUnsafe<{ id: string }[]>("SELECT id FROM agent LIMIT 1");
      const kinds = ["agent-last", "visitor-last", "snoozed", "recent"] as const;
      const made: Record<(typeof kinds)[number], string[]> = { "agent-last": [], "visitor-last": [], snoozed: [], recent: [] };
      for (let i = 0; i < 60; i++) {
        const kind = kinds[i < 36 ? 0 : 1 + (i % 3)];
        const vid = randomUUID(), cid = randomUUID();
        await q("INSERT INTO visitor (id, name) VALUES ($1, 'Seeded')", vid);
        await q(`INSERT INTO conversation (id, visitor_id, agent_id, status, last_seq, updated_at, snoozed_at)
          VALUES ($1, $2, $3, 'open', 3, now() - interval '${kind === "recent" ? "1 second" : "2 hours"}', ${kind === "snoozed" ? "now()" : "NULL"})`,
          cid, vid, agent.id);
        const senders = ["visitor", kind === "visitor-last" ? "agent" : "visitor", kind === "visitor-last" ? "visitor" : "agent"];
        for (const [k, s] of senders.entries()) {
          await q(`INSERT INTO message (id, conversation_id, seq, sender_type, sender_id, sender_name, client_msg_id, type, body)
            VALUES ($1, $2, $3, $4, $5, 'x', $6, 'text', 'hi')`, randomUUID(), cid, k + 1, s, s === "agent" ? agent.id : vid, randomUUID());
        }
        made[kind].push(cid);
      }
      // A system line after the agent's message does not make the visitor the last writer.
      await q(`INSERT INTO message (id, conversation_id, seq, sender_type, sender_id, sender_name, client_msg_id, type, body)
        VALUES ($1, $2, 4, 'system', 'system', 'Holdfast', $3, 'system', 'The conversation was transferred to X')`,
        randomUUID(), made["agent-last"][0], randomUUID());

      const sweeps = Array.from({ length: 4 }, () => createLifecycleRepository(database));
      const results = await Promise.all(sweeps.map((s) => s.resolveIdle(3600_000, 10)));
      const again = await Promise.all(sweeps.map((s) => s.resolveIdle(3600_000, 10)));
      const all = [...results, ...again].flat();
      while (all.length < 36) {
        const more = (await Promise.all(sweeps.map((s) => s.resolveIdle(3600_000, 10)))).flat();
        if (!more.length) break;
        all.push(...more);
      }
      assert.equal(new Set(all).size, all.length, "no conversation resolved twice");
      assert.ok([...results, ...again].every((r) => r.length <= 10), `a sweep resolves at most its limit: ${results.map((r) => r.length).join("+")}`);
      assert.deepEqual([...all].sort(), [...made["agent-last"]].sort(), "exactly the silent ones after an agent's message");
      const rows = await database.prisma.$queryRawUnsafe<{ id: string; status: string }[]>(
        "SELECT id, status FROM conversation WHERE id = ANY($1::text[])", [...made["visitor-last"], ...made.snoozed, ...made.recent]);
      assert.ok(rows.length === 24 && rows.every((r) => r.status === "open"), "the others stay open");
      console.log(`      [${db}] first round of 4 racing sweeps (limit 10 each) resolved ${results.map((r) => r.length).join("+")}`);
    });

    it("stops at its limit: no sort of every open conversation (its order is not indexed, to keep message writes HOT)", async () => {
      const { db: database } = srv.application.services;
      let plan = "";
      await database.transaction(async (q) => {
        const rows = await q<{ "QUERY PLAN": string }>(`EXPLAIN (COSTS OFF) ${RESOLVE_IDLE}`, [3600_000, 10]);
        plan = rows.map((r) => r["QUERY PLAN"]).join("\n");
      });
      // The pick of the open conversations (CTE picked) sorts nothing; the webhook outbox
      // insert after it orders only the conversations this sweep resolved (at most its limit).
      const picked = /CTE picked[\s\S]*?(?=\n  CTE |$)/.exec(plan)?.[0] ?? "";
      assert.match(picked, /Limit[\s\S]*LockRows/, plan);
      assert.doesNotMatch(picked, /Sort/, plan);
    });
  });
}
