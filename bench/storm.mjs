// Reconnect storms, on one node, with PGlite and with PostgreSQL (a fresh database):
//   (a) handshake rate: `--width` concurrent loops over two load processes, each
//       connecting a visitor, waiting for `ready` and disconnecting, for `--seconds`;
//   (b) restart: `--visitors` visitors connected (websocket), the node is killed (SIGKILL)
//       and started again on the same port; the visitors reconnect as the product's client
//       does (bench/storm-clients.mjs). Measured: time from the kill until every visitor is
//       connected again and has its `sync` answered, and what the server refused meanwhile.
// With `--before DIR` (a build of an older commit, e.g. `git worktree add /tmp/storm-before
// c0e538d` + npm run build) that build is measured too, in the same run. Writes the
// "storm" section of BENCHMARKS.md.
//   npm run bench:storm [-- --visitors 5000 --seconds 8 --width 200 --before DIR --no-postgres --only pglite|postgres]
import { fork } from "node:child_process";
import path from "node:path";
import { pool } from "./parties.mjs";
import { cpuDelta, withBenchDatabase } from "./postgres.mjs";
import { machine, root } from "./report.mjs";
import { cpuSeconds, freePort, holdfastEnv, startServer, withDataDir } from "./servers.mjs";
import { writeStormSection } from "./storm-report.mjs";

const argv = process.argv.slice(2);
const opts = { visitors: 5000, seconds: 8, width: 200, before: null, only: null, postgres: true, profile: null, "rate-only": false };
for (let i = 0; i < argv.length; i++) {
  const name = argv[i].replace(/^--/, "");
  if (name === "no-postgres") opts.postgres = false;
  else if (name === "rate-only") opts[name] = true; // skip the restart (profiling the handshake)
  else if (["before", "only", "profile"].includes(name)) opts[name] = argv[++i];
  else if (name in opts && Number(argv[i + 1]) > 0) opts[name] = Number(argv[++i]);
  else throw new Error(`unknown argument ${argv[i]}`);
}
const command = `npm run bench:storm${argv.length ? ` -- ${argv.join(" ")}` : ""}`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const LOADS = 2;

/** A load process (bench/storm-clients.mjs) and a request/answer over its IPC channel. */
function loadProcess() {
  const child = fork(path.join(root, "bench/storm-clients.mjs"), [], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const ask = (msg, answer = msg.cmd) => new Promise((resolve) => {
    const on = (m) => m.cmd === answer && (child.off("message", on), resolve(m));
    child.on("message", on);
    child.send(msg);
  });
  return { child, ask };
}

async function post(url, p, body, ip) {
  const r = await fetch(url + p, { method: "POST", headers: { "content-type": "application/json", "x-forwarded-for": ip }, body: JSON.stringify(body) });
  if (!r.ok) throw new Error(`POST ${p}: ${r.status} ${await r.text()}`);
  return r.json();
}

async function measure(label, cwd, env, db) {
  const port = await freePort();
  const nodeArgs = opts.profile ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(opts.profile)}`] : [];
  const start = () => startServer("dist/index.js", { cwd, env, readyPath: "/readyz", port, nodeArgs });
  let srv = await start();
  const loads = Array.from({ length: LOADS }, loadProcess);
  try {
    const t0 = Date.now();
    const tokens = await pool(opts.visitors, 50, async (i) => (await post(srv.url, "/api/visitor/session", { name: `Visitor ${i}` }, `10.78.${i >> 8}.${i & 255}`)).token);
    console.error(`bench: ${label}: ${opts.visitors} visitor sessions in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const parts = loads.map((_, k) => ({ tokens: tokens.filter((_, i) => i % LOADS === k) }));
    const rate = async (seconds) => {
      const [c0, d0] = [cpuSeconds(srv.child.pid), await db?.backendCpu()];
      const t = performance.now();
      const outs = await Promise.all(loads.map((l, k) => l.ask({ cmd: "rate", url: srv.url, tokens: parts[k].tokens.slice(0, 2000), width: opts.width / LOADS, seconds, base: k })));
      const wall = (performance.now() - t) / 1000;
      const [cpu, dbCpu] = [cpuSeconds(srv.child.pid) - c0, db ? cpuDelta(d0, await db.backendCpu()) : NaN];
      const done = outs.reduce((n, o) => n + o.done, 0);
      const times = outs.flatMap((o) => o.times).sort((a, b) => a - b);
      const errors = {};
      for (const o of outs) for (const [k, v] of Object.entries(o.errors)) errors[k] = (errors[k] ?? 0) + v;
      return { perSec: done / wall, done, wall, errors, p50: times[Math.floor(times.length / 2)], p99: times[Math.floor(times.length * 0.99)],
        cpuMsEach: (cpu * 1000) / done, dbCpuMsEach: (dbCpu * 1000) / done, serverCpuPct: (cpu / wall) * 100, loadCpuPct: outs.reduce((n, o) => n + o.cpuS, 0) / wall * 100 };
    };
    await rate(2); // warm-up: JIT, pool, caches
    const r = await rate(opts.seconds);
    console.error(`bench: ${label}: ${r.perSec.toFixed(0)} handshakes/s, ${r.cpuMsEach.toFixed(2)} ms server CPU each`);

    if (opts["rate-only"]) return { label, rate: r, storm: {} };
    // (b) the restart under every visitor connected.
    await Promise.all(loads.map((l, k) => l.ask({ cmd: "storm", url: srv.url, tokens: parts[k].tokens, base: k }, "started")));
    const synced = async () => (await Promise.all(loads.map((l) => l.ask({ cmd: "synced" })))).reduce((n, m) => n + m.n, 0);
    const connectDeadline = Date.now() + 60_000;
    while ((await synced()) < opts.visitors && Date.now() < connectDeadline) await sleep(250);
    const before = await synced();
    await Promise.all(loads.map((l) => l.ask({ cmd: "reset" })));
    const killedAt = Date.now();
    srv.child.kill("SIGKILL");
    await new Promise((r) => srv.child.once("exit", r));
    srv = await start();
    const upAt = Date.now();
    const deadline = killedAt + 45_000;
    let n = 0;
    while ((n = await synced()) < opts.visitors && Date.now() < deadline) await sleep(100);
    const reports = await Promise.all(loads.map((l) => l.ask({ cmd: "report" })));
    const at = reports.flatMap((x) => x.syncedAt).filter((t) => t > killedAt).map((t) => t - killedAt).sort((a, b) => a - b);
    const refusals = {};
    for (const x of reports) for (const [k, v] of Object.entries(x.refusals)) refusals[k] = (refusals[k] ?? 0) + v;
    const told = reports.flatMap((x) => x.told).sort((a, b) => a - b);
    const honoured = { n: told.length, p50Ms: told[Math.floor(told.length / 2)], maxMs: told.at(-1) };
    const storm = { before, after: n, restartMs: upAt - killedAt, allMs: n >= opts.visitors ? at.at(-1) : NaN,
      p50Ms: at[Math.floor(at.length / 2)], p99Ms: at[Math.floor(at.length * 0.99)], refusals, honoured };
    console.error(`bench: ${label}: restart: ${n}/${opts.visitors} resynced, all after ${storm.allMs} ms (node up after ${storm.restartMs} ms)`, refusals,
      `told delays waited: ${honoured.n}, p50 ${honoured.p50Ms} ms, max ${honoured.maxMs} ms`);
    return { label, rate: r, storm };
  } finally {
    await Promise.all(loads.map((l) => l.ask({ cmd: "stop" }, "stopped").catch(() => {})));
    await srv.stop();
  }
}

// The bench's own caps: every visitor has its own address, so none of the per-address limits bite.
const env = (extra) => holdfastEnv({ ...extra, SOCKETS_PER_IP: "100000" });
const builds = [...(opts.before ? [["before", path.resolve(opts.before)]] : []), ["after", root]];
const want = (k) => !opts.only || opts.only === k;
const startedAt = new Date();
const host = machine();
const results = [];
const notes = [];
for (const [which, cwd] of builds) {
  if (want("pglite")) results.push({ which, db: "PGlite", ...(await withDataDir((dir) => measure(`${which}, PGlite`, cwd, env({ DATA_DIR: dir })))) });
  if (want("postgres") && opts.postgres) {
    const r = await withBenchDatabase((db) => withDataDir((dir) => measure(`${which}, PostgreSQL`, cwd, env({ DATA_DIR: dir, DATABASE_URL: db.url }), db)), notes);
    if (r) results.push({ which, db: "PostgreSQL", ...r });
  }
}
const file = writeStormSection({ opts, results, notes, host, startedAt, command, write: !opts.only });
console.error(file ? `bench: wrote ${file}` : "bench: --only given, BENCHMARKS.md left as it was");
process.exit(0);
