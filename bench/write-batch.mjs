// The write path alone against PostgreSQL: CPU per group-commit batch, of the database's
// backends and of this process, at a few batch sizes, through the repository's own
// writeBatch (dist/conversations/batch-write.repository.js, a node alone: the cached,
// one-statement path). Each batch's messages are in distinct conversations, as at 2,000
// msg/s from 200 visitors. From two sizes, the fixed cost per batch and the cost per
// message follow (a straight line through them), which is what the writer's pace trades
// against latency (src/conversations/write-pace.ts; BENCHMARKS.md, "Group commit paced by
// the load"). Writes the "write-batch" section of BENCHMARKS.md.
//   npm run bench:write-batch [-- --sizes 1,40 --batches 400 --conversations 500]
import { randomUUID } from "node:crypto";
import { createBatchWriter } from "../dist/conversations/batch-write.repository.js";
import { openDatabase } from "../dist/lib/db.js";
import { createLogger } from "../dist/lib/logger.js";
import { migrate } from "../dist/lib/migrate.js";
import { cpuDelta, withBenchDatabase } from "./postgres.mjs";
import { machine, writeSection } from "./report.mjs";

const args = new Map();
for (let i = 2; i < process.argv.length; i += 2) {
  const k = process.argv[i].replace(/^--/, "");
  if (!["sizes", "batches", "conversations"].includes(k)) throw new Error(`unknown argument ${process.argv[i]}`);
  args.set(k, process.argv[i + 1]);
}
const sizes = (args.get("sizes") ?? "1,40").split(",").map(Number);
const batches = Number(args.get("batches") ?? 400);
const conversations = Number(args.get("conversations") ?? 500);
if (sizes.some((s) => !(s >= 1 && s <= 200)) || !(batches >= 10 && batches <= 100_000) || !(conversations >= Math.max(...sizes))) {
  throw new Error("--sizes: 1-200 each; --batches: 10-100000; --conversations: at least the largest size");
}
const ownCpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

const host = machine();
const startedAt = new Date();
const notes = [];
const rows = await withBenchDatabase(async (bench) => {
  const db = await openDatabase({ databaseUrl: bench.url, dataDir: "unused" });
  try {
    await migrate(db, createLogger("silent"));
    await db.query(`INSERT INTO visitor (id, name) SELECT 'v' || g, 'Visitor ' || g FROM generate_series(1, $1::int) g`, [conversations]);
    await db.query(`INSERT INTO conversation (id, visitor_id, status) SELECT 'c' || g, 'v' || g, 'waiting' FROM generate_series(1, $1::int) g`, [conversations]);
    const writer = createBatchWriter(db, (id) => `/attachments/${id}`, undefined, { alone: true });
    let k = 0;
    const batch = (n) => Array.from({ length: n }, (_, i) => {
      const c = 1 + ((k * 37 + i) % conversations);
      return { conversationId: `c${c}`, sender: { type: "visitor", id: `v${c}`, name: `Visitor ${c}` }, clientMsgId: randomUUID(), type: "text", body: `message ${k}.${i}: is my order on its way?` };
    });
    const write = async (n) => {
      const out = await writer.writeBatch(batch(n));
      k++;
      const bad = out.find((o) => !o.ok);
      if (bad) throw new Error(`a send was refused: ${JSON.stringify(bad)}`);
    };
    for (let i = 0; i < 50; i++) await write(Math.max(...sizes)); // warm-up: JIT, pool, caches
    const out = [];
    for (const size of sizes) {
      const [db0, own0, t0] = [await bench.backendCpu(), ownCpuMs(), performance.now()];
      for (let i = 0; i < batches; i++) await write(size);
      const [db1, own1, t1] = [await bench.backendCpu(), ownCpuMs(), performance.now()];
      const dbUs = (cpuDelta(db0, db1) * 1e6) / batches;
      out.push({ size, dbUs, nodeUs: ((own1 - own0) * 1000) / batches, wallUs: ((t1 - t0) * 1000) / batches });
    }
    return { out, paths: writer.stats };
  } finally {
    await db.close();
  }
}, notes);
if (!rows) {
  console.log(notes.join("\n"));
  process.exit(1);
}

const lines = [
  "## The write path alone (`npm run bench:write-batch`)",
  "",
  `Run: ${startedAt.toISOString()}, ${host}.`,
  `Command: \`npm run bench:write-batch${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}\` (PostgreSQL on 127.0.0.1:5432, a database of its own).`,
  "",
  `The repository's \`writeBatch\` on a node alone (the one-statement path), ${batches} batches per size, each`,
  `batch's messages in distinct conversations of ${conversations}. CPU per batch: the database's backends from`,
  "/proc, this process from `process.cpuUsage()` (its driver, the plan, the statement's",
  "parameters and result).",
  "",
  "| batch size | database µs/batch | µs/msg | Node µs/batch | µs/msg | wall µs/batch |",
  "|---|---|---|---|---|---|",
  ...rows.out.map((r) => `| ${r.size} | ${r.dbUs.toFixed(0)} | ${(r.dbUs / r.size).toFixed(1)} | ${r.nodeUs.toFixed(0)} | ${(r.nodeUs / r.size).toFixed(1)} | ${r.wallUs.toFixed(0)} |`),
];
if (rows.out.length >= 2) {
  const [a, b] = [rows.out[0], rows.out[rows.out.length - 1]];
  const line = (k) => {
    const perMsg = (b[k] - a[k]) / (b.size - a.size);
    return `${(a[k] - perMsg * a.size).toFixed(0)} µs per batch + ${perMsg.toFixed(1)} µs per message`;
  };
  lines.push("", `A line through sizes ${a.size} and ${b.size}: the database ${line("dbUs")}; Node ${line("nodeUs")}.`,
    "What the group commit's pace trades against latency (the \"Group commit paced by the load\" section).");
}
lines.push("", `Write paths taken: ${JSON.stringify(rows.paths)}.`);
console.log(lines.join("\n"));
console.log(`written to ${writeSection("write-batch", lines.join("\n"))}`);
