// bench:history: how long a `sync` from seq 0 (500 messages) takes on a conversation of
// 50,000 messages, on PGlite and on PostgreSQL, before the planner has statistics (what a
// fresh PGlite always had: no autovacuum) and after the planner-statistics round of
// src/maintenance/planner-stats.ts. Times the repository's read (Prisma), as `sync` does.
// Writes the "history" section of BENCHMARKS.md (`node bench/history.mjs`, after a build).
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createMessagesRepository, MESSAGES_AFTER_SQL } from "../dist/conversations/messages.repository.js";
import { openDatabase } from "../dist/lib/db.js";
import { createLogger } from "../dist/lib/logger.js";
import { migrate } from "../dist/lib/migrate.js";
import { startPlannerStats } from "../dist/maintenance/planner-stats.js";
import { withBenchDatabase } from "./postgres.mjs";
import { fmt, machine, writeSection } from "./report.mjs";

const ROWS = Number(process.env.BENCH_HISTORY_ROWS ?? 50_000);
const RUNS = 50;
const LIMIT = 500;
const log = createLogger("silent");

const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

async function timeSyncs(db, repo) {
  const ms = [];
  for (let i = 0; i < RUNS; i++) {
    const t = process.hrtime.bigint();
    const got = await repo.messagesAfter("c-long", 0, LIMIT);
    ms.push(Number(process.hrtime.bigint() - t) / 1e6);
    if (got.length !== LIMIT) throw new Error(`sync answered ${got.length} messages`);
  }
  // The database's own share: the executor's time for the same statement (no transport, no mapping).
  const exec = [];
  for (let i = 0; i < 10; i++) {
    const rows = await db.query(`EXPLAIN ANALYZE ${MESSAGES_AFTER_SQL}`.replace("$1", "'c-long'").replace("$2", "0").replace("$3", String(LIMIT)));
    exec.push(Number(/Execution Time: ([\d.]+)/.exec(rows.map((r) => r["QUERY PLAN"]).join("\n"))?.[1]));
  }
  return { p50: pct(ms, 50), p95: pct(ms, 95), execMs: pct(exec, 50) };
}

async function plan(db) {
  const rows = await db.query(`EXPLAIN SELECT * FROM message m WHERE m.conversation_id = 'c-long' AND m.seq > 0 ORDER BY m.seq LIMIT ${LIMIT}`);
  return /Sort/.test(rows.map((r) => r["QUERY PLAN"]).join("\n")) ? "bitmap scan + sort" : "ordered index scan";
}

async function measure(kind, opts) {
  const db = await openDatabase(opts);
  try {
    await migrate(db, log);
    // PostgreSQL's autovacuum would analyse on its own schedule: off, so "before" is the state without statistics.
    await db.query("ALTER TABLE message SET (autovacuum_enabled = false)");
    await db.query("INSERT INTO visitor (id) VALUES ('v-long')");
    await db.query(`INSERT INTO conversation (id, visitor_id, last_seq) VALUES ('c-long', 'v-long', ${ROWS})`);
    await db.query(`INSERT INTO message (id, conversation_id, seq, sender_type, sender_id, sender_name, client_msg_id, type, body)
      SELECT 'm' || g, 'c-long', g, 'visitor', 'v-long', 'V', 'k' || g, 'text', 'message number ' || g FROM generate_series(1, ${ROWS}) g`);
    const repo = createMessagesRepository(db, (id) => `/a/${id}`);
    const beforePlan = await plan(db);
    const before = await timeSyncs(db, repo);
    const stats = startPlannerStats(db, log, 3600_000);
    const t = Date.now();
    const analysed = await stats.refresh();
    const roundMs = Date.now() - t;
    await stats.close();
    const after = { ...(await timeSyncs(db, repo)), plan: await plan(db) };
    return { kind, before: { ...before, plan: beforePlan }, after, roundMs, analysed };
  } finally {
    await db.close();
  }
}

const startedAt = new Date();
const host = machine();
const notes = [];
const results = [];
const dataDir = mkdtempSync(path.join(os.tmpdir(), "holdfast-bench-history-"));
try {
  results.push(await measure("PGlite", { dataDir }));
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
const pgResult = await withBenchDatabase((b) => measure("PostgreSQL", { databaseUrl: b.url, dataDir }), notes);
if (pgResult) results.push(pgResult);

const row = (r, which) => `| ${r.kind} | ${which} | ${r[which].plan} | ${fmt(r[which].p50, 2)} | ${fmt(r[which].p95, 2)} | ${fmt(r[which].execMs, 2)} |`;
const md = `## History: sync of ${LIMIT} at ${ROWS.toLocaleString("en")} messages

Run: ${startedAt.toISOString()}, ${host}.
Command: \`npm run bench:history\` (in the repository root; it builds first).

One conversation of ${ROWS.toLocaleString("en")} messages; \`sync\` from seq 0 reads the first
${LIMIT} through the messages repository (Prisma), ${RUNS} times in a row. **before**: the
planner has no statistics on the table (PGlite never had any: it runs no autovacuum; on
PostgreSQL autovacuum is switched off for the run to show the same state). **after**: one
round of the planner-statistics job (src/maintenance/planner-stats.ts), which the server
runs after its migrations and every minute. The target is at most 10 ms. The executor's
own time (EXPLAIN ANALYZE of the same statement) separates the plan's cost from the
driver's and Prisma's (transport and mapping of 500 rows), which the statistics do not change.

| database | statistics | plan | sync p50 ms | sync p95 ms | executor ms (EXPLAIN ANALYZE, p50 of 10) |
|---|---|---|---|---|---|
${results.flatMap((r) => [row(r, "before"), row(r, "after")]).join("\n")}

Round of the job (pg_stat_user_tables check + ANALYZE of ${results.map((r) => `${r.kind}: ${r.analysed.join(", ") || "none"}`).join("; ")}):
${results.map((r) => `${r.kind} ${r.roundMs} ms`).join(", ")}.
${notes.map((n) => `\nNote: ${n}`).join("")}`;
console.log(md);
console.log(`written to ${writeSection("history", md)}`);
