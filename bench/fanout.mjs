// Cluster fan-out: what a node pays for messages of conversations it holds no socket of.
// Two nodes (the built server, dist/index.js) on one fresh PostgreSQL database and one
// Redis (127.0.0.1:6379, a prefix of its own). Every client is on node A (V visitors,
// A agents, each visitor's conversation assigned); node B holds no socket at all. The
// visitors send `--rate` msg/s for `--seconds`; node B's process CPU (/proc/pid/stat) is
// read over the same span, and over an idle span as long before it (timers, presence
// heartbeats), and the difference is divided by the messages sent. With `--before DIR`
// (a build of an older commit: `git worktree add /tmp/fanout-before <commit>`, symlink
// node_modules, npm run build) that build is measured too, in the same run. Writes the
// "fanout" section of BENCHMARKS.md.
//   npm run bench:fanout [-- --rate 200 --seconds 8 --visitors 40 --agents 2 --before DIR]
import { randomBytes } from "node:crypto";
import path from "node:path";
import { runLoad } from "./load.mjs";
import { disconnectAll, holdfastParties } from "./parties.mjs";
import { withBenchDatabase } from "./postgres.mjs";
import { fmt, machine, root, writeSection } from "./report.mjs";
import { BENCH_ADMIN, cpuSeconds, holdfastEnv, startServer, withDataDir } from "./servers.mjs";

const argv = process.argv.slice(2);
const opts = { rate: 200, seconds: 8, visitors: 40, agents: 2, before: null };
for (let i = 0; i < argv.length; i++) {
  const name = argv[i].replace(/^--/, "");
  if (!(name in opts)) throw new Error(`unknown option ${argv[i]}`);
  opts[name] = name === "before" ? argv[++i] : Number(argv[++i]);
}
const command = `npm run bench:fanout${argv.length ? ` -- ${argv.join(" ")}` : ""}`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function measure(label, cwd, db, dir) {
  const env = holdfastEnv({
    DATABASE_URL: db.url, REDIS_URL: process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379",
    REDIS_PREFIX: `hfbench-fanout-${randomBytes(4).toString("hex")}:`, SOCKETS_PER_IP: "100000",
  });
  const start = (name) => startServer("dist/index.js", { cwd, env: { ...env, DATA_DIR: dir, NODE_NAME: name }, readyPath: "/readyz" });
  // Sequentially: A migrates and seeds, then B finds the schema in place.
  const a = await start("a");
  const b = await start("b");
  try {
    const parties = await holdfastParties(a.url, { visitors: opts.visitors, agents: opts.agents, admin: BENCH_ADMIN });
    await sleep(1000); // assignment notices and joins settle
    const idleMs = opts.seconds * 1000;
    const b0 = cpuSeconds(b.child.pid);
    await sleep(idleMs);
    const bIdle = cpuSeconds(b.child.pid) - b0;
    const a1 = cpuSeconds(a.child.pid);
    const b1 = cpuSeconds(b.child.pid);
    const t1 = performance.now();
    const load = await runLoad({ ...parties, rate: opts.rate, seconds: opts.seconds, label: `${label}-${Date.now()}` });
    const spanS = (performance.now() - t1) / 1000;
    const bLoad = cpuSeconds(b.child.pid) - b1;
    const aLoad = cpuSeconds(a.child.pid) - a1;
    disconnectAll(parties);
    // B's idle CPU scaled to the load span, then per message sent.
    const bNet = bLoad - bIdle * (spanS / (idleMs / 1000));
    const r = {
      label, sent: load.sent, delivered: load.delivered, failed: load.failed, spanS,
      bIdlePct: (bIdle / (idleMs / 1000)) * 100, bLoadPct: (bLoad / spanS) * 100,
      bUsPerMsg: (bNet / load.sent) * 1e6, aUsPerMsg: (aLoad / load.sent) * 1e6, e2eP50: load.e2e.p50, e2eP99: load.e2e.p99,
    };
    console.error(`bench: ${label}: B ${fmt(r.bUsPerMsg)} us/msg (idle ${fmt(r.bIdlePct)}% / load ${fmt(r.bLoadPct)}% CPU), A ${fmt(r.aUsPerMsg)} us/msg, ${load.delivered}/${load.sent} delivered`);
    return r;
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
}

const builds = [...(opts.before ? [["before (serverSideEmit per message)", path.resolve(opts.before)]] : []), ["after (a channel per conversation)", root]];
const startedAt = new Date();
const host = machine();
const results = [];
const notes = [];
for (const [label, cwd] of builds) {
  const r = await withBenchDatabase((db) => withDataDir((dir) => measure(label, cwd, db, dir)), notes);
  if (r) results.push(r);
}
const rows = results.map((r) =>
  `| ${r.label} | ${r.sent} | ${r.delivered} | ${fmt(r.bIdlePct)} | ${fmt(r.bLoadPct)} | **${fmt(r.bUsPerMsg)}** | ${fmt(r.aUsPerMsg)} | ${fmt(r.e2eP50)} / ${fmt(r.e2eP99)} |`);
const body = `## Fan-out: a node that holds no socket of the conversations

${opts.rate} msg/s for ${opts.seconds} s from ${opts.visitors} visitors to ${opts.agents} agents, every client on node A;
node B (same build, same PostgreSQL database and Redis) holds no socket. "B per message": B's CPU
over the load span minus its idle CPU over as long, divided by the messages sent; /proc counts CPU
in 10 ms ticks, so one tick is ${fmt(results[0] ? 1e4 / results[0].sent : NaN)} µs per message here, and a figure within a
couple of ticks of 0 is 0. Before, every message reached B as a serverSideEmit that B decoded and
looked up its rooms for; after, B is subscribed to no conversation's channel and Redis sends it
nothing per message (checked with \`redis-cli psubscribe\` on the run's prefix during a run: the
only frames during the load were those of the conversations' channels, which only A hears).

- Machine: ${host}
- Date: ${startedAt.toISOString()}
- Command: \`${command}\`
${notes.map((n) => `- ${n}\n`).join("")}
| build | sent | delivered | B idle CPU % | B CPU % under load | B per message, µs | A per message, µs | e2e p50 / p99, ms |
|---|---|---|---|---|---|---|---|
${rows.join("\n")}
`;
console.log(body);
console.error(`bench: wrote ${writeSection("fanout", body)}`);
process.exit(0);
