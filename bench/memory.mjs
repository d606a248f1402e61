// Memory of Holdfast on the embedded database: resident set (RSS, the process with its
// database thread) when idle after a first start on a fresh DATA_DIR and after a restart
// on the same data, and the cost of each connected visitor. Writes the "memory" section
// of BENCHMARKS.md (peak RSS under load is the messages section's, `npm run bench`).
//   npm run bench:memory [-- --visitors 200] [--root DIR (another checkout's dist, for a before/after)]
import path from "node:path";
import { holdfastVisitor, pool } from "./parties.mjs";
import { fmt, machine, root, writeSection } from "./report.mjs";
import { holdfastEnv, rssMb, startServer, withDataDir } from "./servers.mjs";

const argv = process.argv.slice(2);
const arg = (name, dflt) => (argv.includes(`--${name}`) ? argv[argv.indexOf(`--${name}`) + 1] : dflt);
const visitors = Number(arg("visitors", "200"));
if (!(visitors > 0 && visitors <= 2000)) throw new Error("--visitors: 1..2000");
const from = path.resolve(arg("root", root));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const host = machine();

/** RSS once the server has settled: after startup work (migrations, JIT), idle 3 s. */
async function idleRss(pid) {
  await sleep(3000);
  return rssMb(pid);
}

const r = await withDataDir(async (dir) => {
  const start = () => startServer(path.join(from, "dist/index.js"), { cwd: from, env: holdfastEnv({ DATA_DIR: dir }), readyPath: "/readyz" });
  let t = Date.now();
  let s = await start();
  const firstStartS = (Date.now() - t) / 1000;
  const first = await idleRss(s.child.pid);
  await s.stop();
  t = Date.now();
  s = await start();
  const restartS = (Date.now() - t) / 1000;
  const restart = await idleRss(s.child.pid);
  const conns = await pool(visitors, 20, (i) => holdfastVisitor(s.url, i));
  const withVisitors = await idleRss(s.child.pid);
  for (const c of conns) c.socket.disconnect();
  await s.stop();
  return { firstStartS, first, restartS, restart, perVisitorKb: ((withVisitors - restart) * 1024) / visitors };
});

console.log(r);
if (from === root) {
  writeSection(
    "memory",
    `## Memory (embedded database)

\`npm run bench:memory${argv.length ? ` -- ${argv.join(" ")}` : ""}\`, ${new Date().toISOString()}; ${host}.

| | RSS (MB) | ready after (s) |
|---|---|---|
| idle after first start, fresh DATA_DIR | ${fmt(r.first)} | ${fmt(r.firstStartS)} |
| idle after restart on the same data | ${fmt(r.restart)} | ${fmt(r.restartS)} |

Per connected visitor (${visitors} visitors with a session, connected, idle): ${fmt(r.perVisitorKb)} KB.
Peak RSS under load: the messages section (\`npm run bench\`).`,
  );
}
