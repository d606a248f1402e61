// EXPLAIN ANALYZE of the auto-resolve sweep's query (src/lifecycle/lifecycle.repository.ts)
// on PostgreSQL with 10,000 open conversations (plus 20,000 resolved): does it sort every
// open conversation? Run: npx tsx bench/explain-sweep.ts (PostgreSQL on 127.0.0.1:5432).
// Seeded: 2,000 idle with an agent's last message (resolvable), 8,000 whose last message is
// the visitor's (never resolved) or recent; the plan runs inside a rolled-back transaction.
import { freshStore } from "../test/helpers/server.js";
import { openDatabase } from "../src/lib/db.js";
import { createLogger } from "../src/lib/logger.js";
import { migrate } from "../src/lib/migrate.js";
import { RESOLVE_IDLE } from "../src/lifecycle/lifecycle.repository.js";

const store = await freshStore("postgres");
const db = await openDatabase({ databaseUrl: store.env.DATABASE_URL, dataDir: store.env.DATA_DIR });
try {
  await migrate(db, createLogger("silent"));
  await db.query(`INSERT INTO agent (id, email, name, password_hash, max_concurrent) VALUES ('a1', 'a1@x', 'A', 'x', 100000)`);
  await db.query(`INSERT INTO visitor (id) SELECT 'v' || i FROM generate_series(1, 30000) i`);
  // i <= 10000 open (every 5th idle after an agent's reply, the others the visitor's or recent), the rest resolved.
  await db.query(`INSERT INTO conversation (id, visitor_id, agent_id, status, last_seq, created_at, updated_at)
    SELECT 'c' || i, 'v' || i, 'a1', CASE WHEN i <= 10000 THEN 'open' ELSE 'resolved' END, 2,
      now() - interval '10 days' + i * interval '1 second',
      CASE WHEN i % 5 = 0 OR i % 5 = 1 THEN now() - interval '3 days' ELSE now() - interval '1 hour' END
    FROM generate_series(1, 30000) i`);
  await db.query(`INSERT INTO message (id, conversation_id, seq, sender_type, sender_id, sender_name, client_msg_id, type, body)
    SELECT 'm' || i || '-' || s, 'c' || i, s, CASE WHEN s = 2 AND i % 5 <> 1 THEN 'agent' ELSE 'visitor' END,
      CASE WHEN s = 2 AND i % 5 <> 1 THEN 'a1' ELSE 'v' || i END, 'n', 'k' || i || '-' || s, 'text', 'hello'
    FROM generate_series(1, 30000) i, generate_series(1, 2) s`);
  await db.query("ANALYZE");
  // Rolled back (the sentinel throw): EXPLAIN ANALYZE of an UPDATE runs it.
  let plan: string[] = [];
  await db.transaction(async (q) => {
    const rows = await q<{ "QUERY PLAN": string }>(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${RESOLVE_IDLE}`, [86_400_000, 100]);
    plan = rows.map((r) => r["QUERY PLAN"]);
    throw new Error("rollback");
  }).catch((err: unknown) => { if ((err as Error).message !== "rollback") throw err; });
  console.log(plan.join("\n"));
} finally {
  await db.close();
  await store.drop();
}
