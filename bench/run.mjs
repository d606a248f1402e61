// Benchmark of the message path: Holdfast on the embedded database (PGlite), and on
// PostgreSQL when one is reachable on 127.0.0.1:5432, against a minimal raw Socket.IO
// relay; same load, same machine, same run. Writes the "messages" section of BENCHMARKS.md.
//   npm run bench [-- --rate 2000 --seconds 15 --visitors 200 --agents 4 --section messages]
//   options: --no-postgres; --only relay|pglite|postgres (prints, leaves BENCHMARKS.md alone);
//   --profile DIR (node --cpu-prof for the Holdfast servers; PROFILE_RELAY=1: the relay too);
//   BENCH_TRACE=1 (per-250 ms trace)
// Every loop is bounded (fixed count of messages, fixed drain time) and talks to 127.0.0.1 only.
import { mkdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { runLoad } from "./load.mjs";
import { writeMessagesSection } from "./messages-report.mjs";
import { disconnectAll, holdfastParties, relayParties } from "./parties.mjs";
import { cpuDelta, withBenchDatabase } from "./postgres.mjs";
import { machine, root } from "./report.mjs";
import { BENCH_ADMIN as ADMIN, cpuSeconds, holdfastEnv, peakRssMb, rssMb, runQueueWaitNs, startServer, withDataDir } from "./servers.mjs";

const argv = process.argv.slice(2);
const NUMERIC = ["rate", "seconds", "visitors", "agents"];
const flags = new Map();
for (let i = 0; i < argv.length; i++) {
  const name = argv[i].replace(/^--/, "");
  const takesValue = [...NUMERIC, "only", "profile", "section"].includes(name);
  if (!argv[i].startsWith("--") || (!takesValue && name !== "no-postgres")) throw new Error(`unknown argument ${argv[i]}`);
  flags.set(name, takesValue ? argv[++i] : true);
}
const opts = { rate: 2000, seconds: 15, visitors: 200, agents: 4 };
for (const k of NUMERIC) {
  if (!flags.has(k)) continue;
  opts[k] = Number(flags.get(k));
  if (!(opts[k] > 0 && opts[k] <= 100_000)) throw new Error(`--${k} needs a positive number`);
}
if (opts.seconds > 600) throw new Error("--seconds: at most 600");
if (opts.visitors > 100 * opts.agents) throw new Error("at most 100 visitors per agent (the API caps an agent's capacity at 100)");
const only = flags.get("only") ?? null;
// The section of BENCHMARKS.md written: "messages" (npm run bench), "capacity" (bench:capacity).
const section = flags.get("section") ?? "messages";
if (!/^[a-z-]+$/.test(section)) throw new Error("--section takes a lowercase name");
if (only && !["relay", "pglite", "postgres"].includes(only)) throw new Error("--only takes relay, pglite or postgres");
const want = (k) => !only || only === k;
const profileDir = flags.has("profile") ? path.resolve(flags.get("profile") ?? path.join(os.tmpdir(), "holdfast-bench-profiles")) : null;
const command = `npm run bench${argv.length ? ` -- ${argv.join(" ")}` : ""}`;
const host = machine();
const startedAt = new Date();

const metric = async (url, name) => {
  const text = await fetch(`${url}/metrics`).then((r) => r.text());
  return Number(new RegExp(`^${name} (\\S+)$`, "m").exec(text)?.[1] ?? NaN);
};
const writerStats = async (url) => [await metric(url, "holdfast_write_batches_total"), await metric(url, "holdfast_messages_written_total")];

/** BENCH_TRACE=1: the server's CPU and run-queue wait per 250 ms (next to load.mjs's latency). */
function traceServer(pid, label) {
  if (!process.env.BENCH_TRACE) return () => {};
  const samples = [];
  const timer = setInterval(() => samples.push([cpuSeconds(pid), runQueueWaitNs(pid)]), 250);
  return () => {
    clearInterval(timer);
    const d = (k, scale) => samples.slice(1).map((s, i) => Math.round((s[k] - samples[i][k]) * scale)).join(" ");
    console.error(`${label} server CPU % per 250 ms: ${d(0, 400)}\n${label} server run-queue wait ms per 250 ms: ${d(1, 1e-6)}`);
  };
}

async function measure(label, script, env, parties, db) {
  const isHoldfast = script.startsWith("dist");
  const nodeArgs = profileDir && (isHoldfast || process.env.PROFILE_RELAY) ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [];
  const srv = await startServer(script, { cwd: root, env, nodeArgs, readyPath: isHoldfast ? "/readyz" : "/healthz" });
  const pid = srv.child.pid;
  try {
    const t0 = Date.now();
    const p = await parties(srv.url, { ...opts, admin: ADMIN });
    console.error(`bench: ${label}: ${opts.visitors} conversations set up in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    // Warm-up (JIT, connection pool, caches), then the measured run.
    await runLoad({ ...p, rate: Math.min(opts.rate, 200), seconds: 2, label: `${label}-warm` });
    const w0 = isHoldfast ? await writerStats(srv.url) : null;
    const [cpu0, wait0, db0] = [cpuSeconds(pid), runQueueWaitNs(pid), await db?.backendCpu()];
    const endTrace = traceServer(pid, label);
    const res = await runLoad({ ...p, rate: opts.rate, seconds: opts.seconds, label });
    endTrace();
    const t = res.retryAfterMs;
    console.error(`bench: ${label}: ${res.delivered} delivered, ack p99 ${res.ack.p99.toFixed(0)} ms, e2e p99 ${res.e2e.p99.toFixed(0)} ms; refused ${JSON.stringify(res.errors)}` +
      `, ${t.n} with retryAfterMs${t.n ? ` (p50 ${t.p50}, max ${t.max})` : ""}`);
    const wall = res.sendSeconds;
    const cpu = cpuSeconds(pid) - cpu0;
    const dbCpu = db ? cpuDelta(db0, await db.backendCpu()) : NaN;
    res.serverCpuPct = (cpu / wall) * 100;
    res.dbCpuPct = (dbCpu / wall) * 100;
    // CPU per message sent, server and database together: the cost that decides capacity.
    res.cpuPerMsgUs = ((cpu + (Number.isFinite(dbCpu) ? dbCpu : 0)) / res.sent) * 1e6;
    res.serverWaitPct = ((runQueueWaitNs(pid) - wait0) / 1e9 / wall) * 100;
    res.serverRssMb = rssMb(pid);
    res.serverPeakRssMb = peakRssMb(pid);
    if (w0) {
      const [batches, written] = (await writerStats(srv.url)).map((x, i) => x - w0[i]);
      res.writer = { batches, written, perBatch: written / batches };
    }
    disconnectAll(p);
    return res;
  } finally {
    await srv.stop();
  }
}

if (profileDir) mkdirSync(profileDir, { recursive: true });
const results = [];
const notes = [];
console.error(`bench: ${opts.visitors} visitors -> ${opts.agents} agents, ${opts.rate} msg/s for ${opts.seconds} s`);
if (want("relay")) results.push(await measure("raw relay", "bench/raw-relay.mjs", {}, relayParties));
if (want("pglite")) {
  results.push(await withDataDir((dir) => measure("holdfast, PGlite", "dist/index.js", holdfastEnv({ DATA_DIR: dir }), holdfastParties)));
}
if (want("postgres") && !flags.has("no-postgres")) {
  const r = await withBenchDatabase((db) => {
    const env = (dir) => holdfastEnv({ DATA_DIR: dir, DATABASE_URL: db.url });
    return withDataDir((dir) => measure("holdfast, PostgreSQL", "dist/index.js", env(dir), holdfastParties, db));
  }, notes);
  if (r) results.push(r);
}
// A partial run (--only) prints its table but leaves BENCHMARKS.md to full runs.
const file = writeMessagesSection({ opts, results, notes, host, startedAt, command, profileDir, section, write: !only });
console.error(file ? `bench: wrote ${file}` : "bench: --only given, BENCHMARKS.md left as it was");
process.exit(0);
