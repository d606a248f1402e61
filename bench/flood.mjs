// Flood isolation: the message-path load of bench/run.mjs (V visitors chatting with A
// agents at a fixed total rate), measured twice on the same server: alone, then while
// one more visitor floods `message:send` from a process of its own (bench/flooder.mjs).
// Per-participant limits must keep the flood from the others: their e2e p99 with the
// flood should stay within twice that without it. Writes the "flood" section of BENCHMARKS.md.
// The two alternate (quiet, flooded, quiet, flooded: --rounds 2), so that a drift of the
// server or the machine over the run (a growing database, a busy neighbour) shows as a
// difference between runs of the same kind rather than passing for the flood's effect.
//   npm run bench:flood [-- --flood-rate 10000 --rate 1000 --seconds 15 --visitors 200 --agents 4 --rounds 2 --no-postgres]
import { spawn } from "node:child_process";
import { setPriority } from "node:os";
import { writeFloodSection } from "./flood-report.mjs";
import { runLoad } from "./load.mjs";
import { disconnectAll, holdfastParties } from "./parties.mjs";
import { createBenchDatabase } from "./postgres.mjs";
import { machine, root } from "./report.mjs";
import { BENCH_ADMIN as ADMIN, cpuSeconds, holdfastEnv, onInterrupt, peakRssMb, rssMb, runQueueWaitNs, startServer, withDataDir } from "./servers.mjs";

const argv = process.argv.slice(2);
const opts = { rate: 1000, seconds: 15, visitors: 200, agents: 4, "flood-rate": 10_000, rounds: 2 };
let postgres = true;
for (let i = 0; i < argv.length; i++) {
  const name = argv[i].replace(/^--/, "");
  if (name === "no-postgres") postgres = false;
  else if (name in opts && Number(argv[i + 1]) > 0) opts[name] = Number(argv[++i]);
  else throw new Error(`unknown argument ${argv[i]}`);
}
if (opts.visitors > 100 * opts.agents) throw new Error("at most 100 visitors per agent");
const command = `npm run bench:flood${argv.length ? ` -- ${argv.join(" ")}` : ""}`;

/** /healthz round trips every 100 ms while `during` runs. */
async function probeHealth(url, during) {
  const times = [];
  let on = true;
  const loop = (async () => {
    while (on) {
      const t0 = performance.now();
      await fetch(`${url}/healthz`).catch(() => {});
      times.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  const out = await during;
  on = false;
  await loop;
  return { out, healthMaxMs: Math.max(...times) };
}

function flooder(url, token) {
  return new Promise((resolve, reject) => {
    const args = ["bench/flooder.mjs", url, "/visitor", token, "--rate", String(opts["flood-rate"]), "--seconds", String(opts.seconds)];
    const child = spawn(process.execPath, args, { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
    // An attacker's CPU is not the server's: on this one machine the flooder runs at the
    // lowest priority, so what the others feel is the server's own work for the flood, not
    // a third process taking the CPU from the server and the load generator.
    setPriority(child.pid, 19);
    let out = "";
    child.stdout.on("data", (b) => (out += b));
    child.on("exit", (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`flooder exited ${code}`))));
  });
}

async function measure(label, env) {
  const srv = await startServer("dist/index.js", { cwd: root, env, readyPath: "/readyz" });
  const pid = srv.child.pid;
  try {
    const p = await holdfastParties(srv.url, { ...opts, admin: ADMIN });
    await runLoad({ ...p, rate: Math.min(opts.rate, 200), seconds: 2, label: `${label}-warm` });
    const run = async (name, withFlood) => {
      const [cpu0, wait0] = [cpuSeconds(pid), runQueueWaitNs(pid)];
      const session = withFlood
        ? await fetch(`${srv.url}/api/visitor/session`, { method: "POST", headers: { "content-type": "application/json", "x-forwarded-for": "10.99.0.1" }, body: "{}" }).then((r) => r.json())
        : null;
      const load = runLoad({ ...p, rate: opts.rate, seconds: opts.seconds, label: `${label}-${name}` });
      const flood = session ? flooder(srv.url, session.token) : Promise.resolve(null);
      const { out: [res, f], healthMaxMs } = await probeHealth(srv.url, Promise.all([load, flood]));
      const serverWaitPct = ((runQueueWaitNs(pid) - wait0) / 1e9 / res.sendSeconds) * 100;
      return { ...res, flood: f, healthMaxMs, serverCpuPct: ((cpuSeconds(pid) - cpu0) / res.sendSeconds) * 100, serverWaitPct, rssMb: rssMb(pid) };
    };
    const quiet = [], flooded = [];
    for (let i = 1; i <= opts.rounds; i++) {
      quiet.push(await run(`quiet ${i}`, false));
      flooded.push(await run(`flooded ${i}`, true));
    }
    disconnectAll(p);
    return { label, quiet, flooded, peakRssMb: peakRssMb(pid) };
  } finally {
    await srv.stop();
  }
}

const host = machine();
const startedAt = new Date();
const results = [];
const notes = [];
console.error(`bench:flood: ${opts.visitors} visitors at ${opts.rate} msg/s for ${opts.seconds} s, then again with one visitor flooding at ${opts["flood-rate"]}/s`);
results.push(await withDataDir((dir) => measure("holdfast, PGlite", holdfastEnv({ DATA_DIR: dir }))));
if (postgres) {
  const db = await createBenchDatabase();
  if (db.error) notes.push(`PostgreSQL variant skipped: ${db.error}`);
  else {
    const done = onInterrupt(db.drop);
    try {
      results.push(await withDataDir((dir) => measure("holdfast, PostgreSQL", holdfastEnv({ DATA_DIR: dir, DATABASE_URL: db.url }))));
    } finally {
      done();
      await db.drop();
    }
  }
}
console.error(`bench:flood: wrote ${writeFloodSection({ opts, results, notes, host, startedAt, command })}`);
process.exit(0);
