// The admin reports' SQL at a million messages, on PGlite and PostgreSQL.
//   npm run bench:reports [-- --conversations 50000 --runs 5 --no-postgres]   (writes the "reports" section)
// Seeds, with the real migrations applied, 20 agents, 50,000 visitors and conversations
// spread over 90 days, and 20 messages each (1,000,000), in bulk (INSERT ... SELECT
// generate_series, in chunks); the conversations carry the marks the write path sets
// (first_visitor_at, first_response_at) and a rating on a third of them. Then times each
// report query (src/reports/reports.repository.ts, the very SQL the page runs) for the
// default period (last 30 days), the whole 90 days, and one agent: the median of `runs`
// runs after a warm-up. For comparison, the same first-response figures computed from the
// message table (what the precomputed columns avoid).
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { openDatabase, type Database } from "../src/lib/db.js";
import { createLogger } from "../src/lib/logger.js";
import { migrate } from "../src/lib/migrate.js";
import { REPORT_SQL, reportParams, type ReportQuery } from "../src/reports/reports.repository.js";
import { reportFilter } from "../src/reports/reports.rules.js";
import { withBenchDatabase } from "./postgres.mjs";
import { fmt, machine, writeSection } from "./report.mjs";

const argv = process.argv.slice(2);
const arg = (name: string, dflt: number) => (argv.includes(name) ? Number(argv[argv.indexOf(name) + 1]) : dflt);
const CONVERSATIONS = arg("--conversations", 50_000);
const RUNS = arg("--runs", 5);
const PER_CONVERSATION = 20;
const CHUNK = 5000;
if (!(CONVERSATIONS >= 1000 && CONVERSATIONS % CHUNK === 0)) throw new Error(`--conversations: a multiple of ${CHUNK}`);

/** The first-response median and p90 from messages alone (no precomputed column). */
const NAIVE_FRT = `WITH firsts AS (
    SELECT c.id,
      (SELECT min(m.created_at) FROM message m WHERE m.conversation_id = c.id AND m.sender_type = 'visitor') AS fv,
      (SELECT min(m.created_at) FROM message m WHERE m.conversation_id = c.id AND m.sender_type = 'agent') AS fa
    FROM conversation c WHERE c.created_at >= $1::timestamptz AND c.created_at < $2::timestamptz AND ($3::text IS NULL OR c.agent_id = $3::text))
  SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM fa - fv)::float8) AS median,
         percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM fa - fv)::float8) AS p90 FROM firsts WHERE fa >= fv`;

async function seed(db: Database) {
  const t0 = performance.now();
  await db.withConnection(async (c) => {
    await c.exec(`INSERT INTO agent (id, email, name, password_hash, role)
      SELECT 'ag' || i, 'ag' || i || '@bench.local', 'Agent ' || i, 'x', 'agent' FROM generate_series(1, 20) i`);
    for (let lo = 1; lo <= CONVERSATIONS; lo += CHUNK) {
      const hi = lo + CHUNK - 1;
      await c.exec(`INSERT INTO visitor (id, name) SELECT 'v' || i, 'Visitor ' || i FROM generate_series(${lo}, ${hi}) i`);
      // Every 10th waiting and unanswered, every 7th open, the rest resolved; a third rated.
      await c.exec(`INSERT INTO conversation (id, visitor_id, agent_id, status, last_seq, created_at, updated_at,
          first_visitor_at, first_response_at, resolved_at, csat_rating)
        SELECT 'c' || i, 'v' || i, CASE WHEN i % 10 = 0 THEN NULL ELSE 'ag' || (i % 20 + 1) END,
          CASE WHEN i % 10 = 0 THEN 'waiting' WHEN i % 7 = 0 THEN 'open' ELSE 'resolved' END, ${PER_CONVERSATION}, t, t, t,
          CASE WHEN i % 10 = 0 THEN NULL ELSE t + (15 + i % 600) * interval '1 second' END,
          CASE WHEN i % 10 <> 0 AND i % 7 <> 0 THEN t + (900 + i % 7200) * interval '1 second' END,
          CASE WHEN i % 3 = 0 THEN 1 + i % 5 END
        FROM (SELECT i, now() - (i % 90) * interval '1 day' - (i % 86400) * interval '1 second' AS t
              FROM generate_series(${lo}, ${hi}) i) s`);
      await c.exec(`INSERT INTO message (id, conversation_id, seq, sender_type, sender_id, sender_name, client_msg_id, type, body, created_at)
        SELECT 'm' || i || '_' || s, 'c' || i, s, CASE WHEN s % 2 = 1 OR i % 10 = 0 THEN 'visitor' ELSE 'agent' END,
          CASE WHEN s % 2 = 1 OR i % 10 = 0 THEN 'v' || i ELSE 'ag' || (i % 20 + 1) END, 'Someone', 'k' || i || '_' || s, 'text',
          'Message number ' || s || ' of conversation ' || i || ', with some words in it', t + s * interval '30 seconds'
        FROM (SELECT i, now() - (i % 90) * interval '1 day' - (i % 86400) * interval '1 second' AS t
              FROM generate_series(${lo}, ${hi}) i) cs CROSS JOIN generate_series(1, ${PER_CONVERSATION}) s`);
    }
    await c.exec("ANALYZE");
  });
  const [{ n }] = await db.withConnection((c) => c.query<{ n: number }>("SELECT count(*)::int AS n FROM message"));
  return { seconds: (performance.now() - t0) / 1000, messages: Number(n) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function time(db: Database, sql: string, params: unknown[]) {
  const run = () => db.withConnection(async (c) => {
    const t = performance.now();
    await c.query(sql, params);
    return performance.now() - t;
  });
  await run(); // warm-up: plan cache, buffers
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) ms.push(await run());
  return median(ms);
}

interface Row { db: string; period: string; query: string; ms: number }

async function bench(kind: "pglite" | "postgres", databaseUrl?: string) {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "holdfast-bench-reports-"));
  const db = await openDatabase({ databaseUrl, dataDir });
  try {
    await migrate(db, createLogger("error"));
    const seeded = await seed(db);
    console.log(`${kind}: seeded ${seeded.messages} messages in ${fmt(seeded.seconds)} s`);
    const periods = [
      ["last 30 days", reportFilter({})],
      ["90 days", reportFilter({ from: new Date(Date.now() - 89 * 86_400_000).toISOString().slice(0, 10) })],
      ["30 days, one agent", { ...reportFilter({}), agentId: "ag7" }],
    ] as const;
    const rows: Row[] = [];
    for (const [period, f] of periods) {
      for (const q of Object.keys(REPORT_SQL) as ReportQuery[]) {
        rows.push({ db: kind, period, query: q, ms: await time(db, REPORT_SQL[q], reportParams(f)) });
      }
      rows.push({ db: kind, period, query: "first response from messages (no precomputed column)", ms: await time(db, NAIVE_FRT, reportParams(f)) });
      console.log(rows.filter((r) => r.period === period && r.db === kind).map((r) => `${kind} ${period} ${r.query}: ${fmt(r.ms)} ms`).join("\n"));
    }
    return { rows, seeded };
  } finally {
    await db.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const notes: string[] = [];
const env = machine();
const results = [await bench("pglite")];
if (!argv.includes("--no-postgres")) {
  const pgResult = await withBenchDatabase((d: { url: string }) => bench("postgres", d.url), notes);
  if (pgResult) results.push(pgResult);
}

const table = ["| database | period | query | median ms |", "|---|---|---|---:|"];
for (const r of results.flatMap((x) => x.rows)) table.push(`| ${r.db} | ${r.period} | ${r.query} | ${fmt(r.ms)} |`);
const file = writeSection("reports", `## Reports

\`npm run bench:reports\` (bench/reports.bench.ts), ${new Date().toISOString().slice(0, 10)}. ${env}.

Seeded in bulk with the real migrations: ${CONVERSATIONS.toLocaleString("en")} conversations over 90 days,
${results.map((r) => `${r.seeded.messages.toLocaleString("en")} messages (${r.rows[0]?.db}: ${fmt(r.seeded.seconds)} s to seed)`).join(", ")};
20 agents, a third of the conversations rated. Each figure is the median of ${RUNS} runs after
a warm-up, on the raw driver, of the exact SQL the /admin/reports page and the CSV run
(\`REPORT_SQL\` in src/reports/reports.repository.ts; the page runs the four together).
The last row of each period computes first-response times from the message table
instead of the precomputed \`first_visitor_at\`/\`first_response_at\` columns (set by the
write path in the same transaction), to show what those columns save.

${table.join("\n")}
${notes.length ? `\n${notes.map((n) => `- ${n}`).join("\n")}\n` : ""}`);
console.log(`wrote ${file}`);
