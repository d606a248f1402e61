// bench:search: the console search at 1,000,000 messages (BENCH_SEARCH_ROWS), on PGlite
// and on PostgreSQL. The database is filled in SQL (generate_series: 50,000 visitors and
// conversations of 20 messages, 20 agents, English words with about 10% Chinese lines),
// the search indexes built after the fill (as CREATE INDEX on a filled table, not a
// million index updates), ANALYZE run (what src/maintenance/planner-stats.ts does), then
// each query is searched RUNS times through the search service, as an admin and as an
// agent. Writes the "search" section of BENCHMARKS.md (`npm run bench:search`).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createConversationViews } from "../dist/conversations/conversation.views.js";
import { createConversationsRepository } from "../dist/conversations/conversations.repository.js";
import { openDatabase } from "../dist/lib/db.js";
import { createLogger } from "../dist/lib/logger.js";
import { migrate } from "../dist/lib/migrate.js";
import { createSearchRepository } from "../dist/search/search.repository.js";
import { createSearchService } from "../dist/search/search.service.js";
import { withBenchDatabase } from "./postgres.mjs";
import { fmt, machine, root, writeSection } from "./report.mjs";

const ROWS = Number(process.env.BENCH_SEARCH_ROWS ?? 1_000_000);
const PER_CONVERSATION = 20;
const CONVERSATIONS = Math.ceil(ROWS / PER_CONVERSATION);
const AGENTS = 20;
const RUNS = 7;
/** BENCH_SEARCH_EXPLAIN="order,退款": print the plans (EXPLAIN ANALYZE) of those searches' statements. */
const EXPLAIN = new Set((process.env.BENCH_SEARCH_EXPLAIN ?? "").split(",").filter(Boolean));
/** BENCH_SEARCH_ONLY=postgres (or pglite): one database only. */
const ONLY = process.env.BENCH_SEARCH_ONLY;
const log = createLogger("silent");
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

const QUERIES = [
  ["rare word", "zebrawood"],
  ["common word", "order"],
  ["two words", "refund invoice"],
  ["visitor name", "hansen"],
  ["e-mail", "wei.chen4242@example.com"],
  ["Chinese word (4 chars)", "发货时间"],
  ["Chinese, 2 chars", "退款"],
  ["Chinese, 1 char", "慢"],
];

const sqlArray = (xs) => `ARRAY[${xs.map((x) => `'${x}'`).join(",")}]`;
const WORDS = sqlArray(("hello thanks order delivery package please help account password login payment card refund invoice " +
  "shipping address change cancel subscription plan price discount code error page website app update problem issue " +
  "question answer today tomorrow week month time soon late waiting still again never always maybe really very much " +
  "the a is it to and of for my your we can not was have this that with on be you are will").split(" "));
const CHINESE = sqlArray(["您好，我的订单还没有发货", "请问发货时间是多久", "我想申请退款", "物流太慢了", "谢谢你们的帮助",
  "账号登录不了", "可以开发票吗", "优惠码无效", "什么时候到货", "地址需要修改"]);
const FIRST = sqlArray(["nora", "otto", "wendy", "pia", "rex", "li", "wei", "anna", "omar", "sara", "ivan", "yuki"]);
const LAST = sqlArray(["hansen", "smith", "garcia", "chen", "wang", "müller", "rossi", "kim", "silva", "novak", "tanaka", "dubois",
  "jones", "brown", "lee", "martin", "khan", "singh", "cohen", "petrov", "larsen", "nowak", "costa", "moreau", "berg"]);

async function fill(db) {
  const agents = Array.from({ length: AGENTS }, (_, i) => `bench-agent-${i}`);
  await db.query(`INSERT INTO agent (id, email, name, password_hash, role) SELECT 'bench-agent-' || g, 'agent' || g || '@bench.local', 'Agent ' || g, 'x', 'agent' FROM generate_series(0, ${AGENTS - 1}) g`);
  await db.query(`INSERT INTO visitor (id, name, email, created_at)
    SELECT 'v' || g, initcap((${FIRST})[1 + g % 12]) || ' ' || initcap((${LAST})[1 + (g / 12) % 25]),
      (${FIRST})[1 + g % 12] || '.' || (${LAST})[1 + (g / 12) % 25] || g || '@example.com', now() - (g || ' minutes')::interval
    FROM generate_series(1, ${CONVERSATIONS}) g`);
  // 2% open (with an agent), 1% waiting, the rest resolved; agent by conversation number.
  await db.query(`INSERT INTO conversation (id, visitor_id, agent_id, status, last_seq, created_at, updated_at)
    SELECT 'c' || g, 'v' || g, CASE WHEN g % 100 = 1 THEN NULL ELSE 'bench-agent-' || g % ${AGENTS} END,
      CASE WHEN g % 100 = 1 THEN 'waiting' WHEN g % 50 = 0 THEN 'open' ELSE 'resolved' END,
      ${PER_CONVERSATION}, now() - (g || ' minutes')::interval, now() - (g || ' minutes')::interval
    FROM generate_series(1, ${CONVERSATIONS}) g`);
  // Message g: conversation 1 + (g-1)/20, seq 1 + (g-1)%20; odd seqs the visitor's. Words by a
  // cheap hash, skewed to the front of the list (common words common); "zebrawood" in 1 of 50,000.
  await db.query(`INSERT INTO message (id, conversation_id, seq, sender_type, sender_id, sender_name, client_msg_id, type, body, created_at)
    SELECT 'm' || g, 'c' || c, s,
      CASE WHEN s % 2 = 1 THEN 'visitor' ELSE 'agent' END,
      CASE WHEN s % 2 = 1 THEN 'v' || c ELSE 'bench-agent-' || c % ${AGENTS} END,
      'x', 'k' || g, 'text',
      CASE WHEN h % 10 = 0 THEN (${CHINESE})[1 + (h / 10) % 10]
        ELSE concat_ws(' ', (${WORDS})[1 + (h / 7) % 25], (${WORDS})[1 + (h / 13) % 70],
          (${WORDS})[1 + (h / 31) % 70], (${WORDS})[1 + (h / 101) % 40], (${WORDS})[1 + (h / 997) % 70],
          CASE WHEN g % 50000 = 7 THEN 'zebrawood' END) END,
      now() - (c || ' minutes')::interval + (s || ' seconds')::interval
    FROM (SELECT g, 1 + (g - 1) / ${PER_CONVERSATION} AS c, 1 + (g - 1) % ${PER_CONVERSATION} AS s,
      abs(hashint4(g)) AS h FROM generate_series(1, ${ROWS}) g) x`);
}

/** The search indexes of the migration, dropped for the fill and built after it. */
const migration = readdirSync(path.join(root, "prisma/migrations")).find((f) => f.endsWith("_console_search.sql"));
const indexStatements = readFileSync(path.join(root, "prisma/migrations", migration), "utf8")
  .split(/;\s*\n/).map((s) => s.replace(/^\s*--.*$/gm, "").trim()).filter((s) => /^CREATE INDEX/.test(s));
const indexNames = indexStatements.map((s) => /CREATE INDEX "([^"]+)"/.exec(s)[1]);

async function measure(kind, opts) {
  const db = await openDatabase(opts);
  try {
    await migrate(db, log);
    // One connection without the server's query timeout: the fill and the builds take minutes.
    const { fillMs, indexMs } = await db.withConnection(async (conn) => {
      for (const n of indexNames) await conn.query(`DROP INDEX "${n}"`);
      let t = Date.now();
      await fill(conn);
      const fillMs = Date.now() - t;
      t = Date.now();
      await conn.query("SET maintenance_work_mem = '256MB'");
      for (const s of indexStatements) await conn.query(s);
      const indexMs = Date.now() - t;
      await conn.query("ANALYZE");
      return { fillMs, indexMs };
    });
    let explaining = false;
    const explained = {
      async query(sql, params) {
        if (explaining) {
          const plan = await db.query(`EXPLAIN ANALYZE ${sql}`, params);
          console.log(`${sql}\n${JSON.stringify(params)}\n${plan.map((r) => r["QUERY PLAN"]).join("\n")}\n`);
        }
        return db.query(sql, params);
      },
    };
    const search = createSearchService({
      repo: createSearchRepository(explained), conversations: createConversationsRepository(db),
      views: createConversationViews({ presenceMany: async (ps) => ps.map(() => "offline") }),
    });
    const admin = { id: "bench-admin", role: "admin" };
    const agent = { id: "bench-agent-3", role: "agent" };
    const rows = [];
    for (const [what, q] of QUERIES) {
      for (const [who, me] of [["admin", admin], ["agent", agent]]) {
        const ms = [];
        let n = 0;
        for (let i = 0; i < RUNS; i++) {
          const t0 = process.hrtime.bigint();
          n = (await search.search(me, q)).results.length;
          ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
        }
        if (EXPLAIN.has(q)) {
          explaining = true;
          console.log(`--- ${kind} ${who} ${q}`);
          await search.search(me, q);
          explaining = false;
        }
        rows.push({ what, q, who, n, p50: pct(ms, 50), max: Math.max(...ms) });
        console.log(kind, what, who, n, fmt(pct(ms, 50)), fmt(Math.max(...ms)));
      }
    }
    return { kind, fillMs, indexMs, rows };
  } finally {
    await db.close();
  }
}

const startedAt = new Date();
const host = machine();
const notes = [];
const results = [];
const dataDir = mkdtempSync(path.join(os.tmpdir(), "holdfast-bench-search-"));
try {
  if (ONLY !== "postgres") results.push(await measure("PGlite", { dataDir }));
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
const pgResult = ONLY === "pglite" ? null : await withBenchDatabase((b) => measure("PostgreSQL", { databaseUrl: b.url, dataDir }), notes);
if (pgResult) results.push(pgResult);

const line = (r, x) => `| ${r.kind} | ${x.what} | \`${x.q}\` | ${x.who} | ${x.n} | ${fmt(x.p50)} | ${fmt(x.max)} |`;
const md = `## Console search at ${ROWS.toLocaleString("en")} messages

Run: ${startedAt.toISOString()}, ${host}.
Command: \`npm run bench:search\` (in the repository root; it builds first).

${ROWS.toLocaleString("en")} messages in ${CONVERSATIONS.toLocaleString("en")} conversations (one visitor each, ${AGENTS} agents; 2% open,
1% waiting, the rest resolved), generated in SQL: short English lines with common words
common, about 10% Chinese lines. Each query runs ${RUNS} times through the search service
(src/search: the visitor and the message query, then the conversation views), as an admin
(everything) and as an agent (theirs, the queue, the resolved ones they took part in). Target:
under 100 ms per search. Results: how many hits the search answered (at most 10 visitor + 30
message hits).

| database | query | q | as | results | p50 ms | max ms |
|---|---|---|---|---|---|---|
${results.flatMap((r) => r.rows.map((x) => line(r, x))).join("\n")}

How it reads (src/search/search.repository.ts): the trigram (or, for Chinese, the CJK
character/pair) index finds up to 1,000 matches, joined with the conversations and the
agent's visibility; a word with more matches (a common one) also walks the newest 3,000
conversations on their own indexes, stopping at 30 matches, and the two are merged. The max
column is mostly the first search after the fill (a cold cache). Hits for an agent are
fewer where they may read less (the e-mail belongs to another agent's visitor: 0).

Fill (SQL) / search index build: ${results.map((r) => `${r.kind} ${fmt(r.fillMs / 1000)} s / ${fmt(r.indexMs / 1000)} s`).join(", ")}.
${notes.map((n) => `\nNote: ${n}`).join("")}`;
console.log(md);
console.log(`written to ${writeSection("search", md)}`);
