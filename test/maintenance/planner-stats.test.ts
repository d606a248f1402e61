// Planner statistics (src/maintenance/planner-stats.ts) against a real server's database:
// after a conversation grows to 50,000 messages the job's round ANALYZEs the message table
// (last_analyze, reltuples change), and the sync query is then an ordered index scan, not
// a sort. On PGlite, which has no autovacuum, the plan before the round is the slow one.
// On PostgreSQL, a node that finds the advisory lock held by another skips its round.
import assert from "node:assert/strict";
import pg from "pg";
import { MESSAGES_AFTER_SQL } from "../../src/conversations/messages.repository.js";
import { serverPerSuite, startServer, testDatabases } from "../helpers/server.js";

const ROWS = 50_000;
const LOCK_KEY = 727_346_002; // src/maintenance/planner-stats.ts

for (const dbKind of testDatabases()) {
  describe(`planner statistics (${dbKind})`, function () {
    this.timeout(120_000);
    const srv = serverPerSuite(() => startServer({ db: dbKind }));
    const services = () => srv.application.services;
    const stats = async () => {
      const q = services().db.query;
      await q("SELECT pg_stat_force_next_flush()");
      const [row] = await q<{ last_analyze: Date | null; reltuples: number }>(
        `SELECT s.last_analyze, c.reltuples FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
         WHERE s.relname = 'message' AND s.schemaname = current_schema()`,
      );
      return row;
    };
    const syncPlan = async () => {
      const sql = MESSAGES_AFTER_SQL.replace("$1", "'c-long'").replace("$2", "0").replace("$3", "500");
      const rows = await services().db.query<{ "QUERY PLAN": string }>(`EXPLAIN ${sql}`);
      return rows.map((r) => r["QUERY PLAN"]).join("\n");
    };

    before(async () => {
      await services().plannerStats.refresh(); // the round started with the server (empty tables)
      // This database's own autovacuum could analyse first: the test is about the job's rounds.
      if (dbKind === "postgres") await services().db.query("ALTER TABLE message SET (autovacuum_enabled = false)");
      await services().db.query(`INSERT INTO visitor (id) VALUES ('v-long')`);
      await services().db.query(`INSERT INTO conversation (id, visitor_id, last_seq) VALUES ('c-long', 'v-long', ${ROWS})`);
      await services().db.query(
        `INSERT INTO message (id, conversation_id, seq, sender_type, sender_id, sender_name, client_msg_id, type, body)
         SELECT 'm' || g, 'c-long', g, 'visitor', 'v-long', 'V', 'k' || g, 'text', 'message ' || g FROM generate_series(1, ${ROWS}) g`,
      );
    });

    it("ANALYZEs the grown table, after which sync is an ordered index scan", async () => {
      const before = await stats();
      if (dbKind === "pglite") {
        // Nothing else analyses PGlite: without the job the planner sorts (the 75-85 ms plan).
        assert.equal(before.last_analyze, null);
        assert.match(await syncPlan(), /Sort/, "before the round the sync plan sorts");
      }
      const analysed = await services().plannerStats.refresh();
      assert.ok(analysed.includes("message"), `message analysed (got ${analysed.join(", ")})`);
      const after = await stats();
      assert.ok(after.last_analyze, "last_analyze set");
      assert.ok(after.reltuples >= ROWS * 0.9, `reltuples ${after.reltuples} reflects ${ROWS} rows`);
      const plan = await syncPlan();
      assert.match(plan, /Index Scan using message_conversation_id_seq_key/, plan);
      assert.doesNotMatch(plan, /Sort/, plan);
      // Nothing changed since: the next round leaves the table alone.
      assert.ok(!(await services().plannerStats.refresh()).includes("message"), "not analysed again without changes");
    });

    if (dbKind === "postgres") {
      it("skips its round while another node holds the lock", async () => {
        await services().db.query(`UPDATE message SET body = body || '!' WHERE seq <= 20000`);
        const other = new pg.Client({ connectionString: srv.store.env.DATABASE_URL });
        await other.connect();
        try {
          await other.query("SELECT pg_advisory_lock($1)", [LOCK_KEY]);
          assert.deepEqual(await services().plannerStats.refresh(), [], "another node is at it");
          await other.query("SELECT pg_advisory_unlock($1)", [LOCK_KEY]);
        } finally {
          await other.end();
        }
        // pending counters of the pool's connections reach the view within a second or so
        let analysed: string[] = [];
        for (let i = 0; i < 30 && !analysed.includes("message"); i++) {
          await new Promise((r) => setTimeout(r, 500));
          analysed = await services().plannerStats.refresh();
        }
        assert.ok(analysed.includes("message"), "analysed once the lock is free");
      });
    }
  });
}
