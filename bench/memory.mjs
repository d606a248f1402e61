// Memory of Holdfast on the embedded database: resident set (RSS, the process with its
// database thread) when idle after a first start on a fresh DATA_DIR and after a restart
// on the same data, and the cost of each connected visitor. Writes the "memory" section
// of BENCHMARKS.md (peak RSS under load is the messages section's, `npm run bench`).
// Per visitor: RSS (and JS heap) after a full GC with the visitors connected, less the
// same before they connected, over their number: without the GCs the difference was
// mostly the garbage of their sessions' creation (57-63 KB "per visitor" at 1,000).
//   npm run bench:memory [-- --visitors 1000] [--runs 2] [--root DIR (another checkout's dist, for a before/after)]
import path from "node:path";
import { holdfastVisitor, pool } from "./parties.mjs";
import { fmt, machine, root, writeSection } from "./report.mjs";
import { inspect } from "./inspect.mjs";
import { freePort, holdfastEnv, LAUNCH, rssMb, startServer, withDataDir } from "./servers.mjs";

const argv = process.argv.slice(2);
const arg = (name, dflt) => (argv.includes(`--${name}`) ? argv[argv.indexOf(`--${name}`) + 1] : dflt);
const visitors = Number(arg("visitors", "1000"));
if (!(visitors > 0 && visitors <= 2000)) throw new Error("--visitors: 1..2000");
const from = path.resolve(arg("root", root));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const host = machine();

/** RSS once the server has settled: after startup work (migrations, JIT), idle 3 s. */
async function idleRss(pid) {
  await sleep(3000);
  return rssMb(pid);
}

const runs = Number(arg("runs", "2"));
if (!(runs >= 1 && runs <= 10)) throw new Error("--runs: 1..10");

/** One measurement: `launch` true starts the server as npm start does (servers.mjs
 *  LAUNCH: its malloc setting and node flags), false as plain `node dist/index.js`. */
const measure = (launch) => withDataDir(async (dir) => {
  const inspectPort = await freePort();
  // --inspect-port opens nothing until SIGUSR1 (inspect.mjs), after the idle figures.
  const nodeArgs = [`--inspect-port=127.0.0.1:${inspectPort}`];
  // The visitors' sockets all come from 127.0.0.1 (their sessions are given their own
  // addresses): the per-address caps are lifted above their number.
  const caps = { SOCKETS_PER_IP: String(visitors + 100), HANDSHAKES_PER_IP_PER_MINUTE: String(10 * visitors) };
  const env = holdfastEnv({ DATA_DIR: dir, ...caps });
  const start = () => startServer(path.join(from, "dist/index.js"), { cwd: from, env, nodeArgs, readyPath: "/readyz", launch });
  let t = Date.now();
  let s = await start();
  const firstStartS = (Date.now() - t) / 1000;
  const first = await idleRss(s.child.pid);
  await s.stop();
  t = Date.now();
  s = await start();
  const restartS = (Date.now() - t) / 1000;
  const restart = await idleRss(s.child.pid);
  const inspector = await inspect(s.child.pid, inspectPort);
  await inspector.gc();
  const [rss0, heap0] = [rssMb(s.child.pid), await inspector.heapUsedMb()];
  const conns = await pool(visitors, 20, (i) => holdfastVisitor(s.url, i));
  await idleRss(s.child.pid);
  await inspector.gc();
  const [rss1, heap1] = [rssMb(s.child.pid), await inspector.heapUsedMb()];
  inspector.close();
  for (const c of conns) c.socket.disconnect();
  await s.stop();
  const per = (mb0, mb1) => ((mb1 - mb0) * 1024) / visitors;
  return { firstStartS, first, restartS, restart, perVisitorKb: per(rss0, rss1), heapPerVisitorKb: per(heap0, heap1) };
});

// Alternated, so a machine that gets busier during the run weighs on both alike.
const all = { plain: [], launched: [] };
for (let i = 0; i < runs; i++) {
  all.plain.push(await measure(false));
  all.launched.push(await measure(true));
}
console.log(all);
const range = (list, k) => {
  const v = list.map((x) => x[k]).sort((a, b) => a - b);
  return v.length === 1 ? fmt(v[0]) : `${fmt(v[0])}-${fmt(v.at(-1))}`;
};
const row = (label, k) => `| ${label} | ${range(all.plain, k)} | ${range(all.launched, k)} |`;
if (from === root) {
  writeSection(
    "memory",
    `## Memory (embedded database)

\`npm run bench:memory${argv.length ? ` -- ${argv.join(" ")}` : ""}\`, ${new Date().toISOString()}; ${host}.

${runs} run(s) of each, alternated (ranges). **plain**: \`node dist/index.js\`; **as launched**: what
\`npm start\`, the Procfile and the image run (\`${[...Object.entries(LAUNCH.env).map(([k, v]) => `${k}=${v}`), "node", ...LAUNCH.nodeArgs, "dist/index.js"].join(" ")}\`,
README "Performance").

| | plain | as launched |
|---|---|---|
${row("idle RSS after first start, fresh DATA_DIR (MB)", "first")}
${row("idle RSS after restart on the same data (MB)", "restart")}
${row("first start: ready after (s)", "firstStartS")}
${row("restart: ready after (s)", "restartS")}
${row("per connected visitor, RSS (KB)", "perVisitorKb")}
${row("per connected visitor, JS heap (KB)", "heapPerVisitorKb")}

Per connected visitor: ${visitors} visitors with a session, connected, idle; after a full GC
with them connected less before, over their number (RSS moves in pages and arenas, so its
share per visitor varies from run to run; the JS heap's does not).
Peak RSS under load: the messages section (\`npm run bench\`).`,
  );
}
