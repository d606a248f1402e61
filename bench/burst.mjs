// Burst assignment: how fast a crowd of new conversations reaches the agents, on one node
// (PGlite, then PostgreSQL when one is reachable on 127.0.0.1:5432). 5 agents with room
// for 55 each; 250 visitors open conversations 50 at a time; 200 of those are resolved and
// 200 new visitors open theirs within one second while 1,000 msg/s flow in the 50 left;
// then 1,000 msg/s over all 250 open conversations. Writes the "burst" section of BENCHMARKS.md.
//   npm run bench:burst [-- --no-postgres | --only pglite|postgres]   (--only prints only)
// Every wait is bounded; everything talks to 127.0.0.1 only.
import { writeBurstSection } from "./burst-report.mjs";
import { runLoad, summarize } from "./load.mjs";
import { disconnectAll, holdfastAgents, holdfastVisitor, onAssigned, openConversation, pool } from "./parties.mjs";
import { withBenchDatabase } from "./postgres.mjs";
import { machine, root } from "./report.mjs";
import { BENCH_ADMIN, cpuSeconds, holdfastEnv, runQueueWaitNs, startServer, withDataDir } from "./servers.mjs";

const argv = process.argv.slice(2);
const only = argv[0] === "--only" ? argv[1] : null;
const noPostgres = argv.length === 1 && argv[0] === "--no-postgres";
if (argv.length && !noPostgres && !(argv.length === 2 && ["pglite", "postgres"].includes(only)))
  throw new Error("takes --no-postgres, or --only pglite|postgres");
const command = `npm run bench:burst${argv.length ? ` -- ${argv.join(" ")}` : ""}`;
const host = machine();
const startedAt = new Date();

const SHAPE = {
  agents: 5, room: 55, first: 250, width: 50, burst: 200, burstMs: 1000, rate: 1000, keep: 50, leadS: 2, duringS: 6, afterS: 10,
  /** A conversation not assigned this long after the burst's last open counts as stranded. */
  waitMs: 20_000,
};
const S = SHAPE;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Opens are { cid, at } (at: when the first message was sent); `assignedAt` fills in as
 *  agents hear of assignments. Waits until every one is assigned or `waitMs` passed. */
async function settle(name, opens, assignedAt) {
  const lastOpen = Math.max(...opens.map((o) => o.at));
  while (opens.some((o) => !assignedAt.has(o.cid)) && performance.now() < lastOpen + S.waitMs) await sleep(20);
  const done = opens.filter((o) => assignedAt.has(o.cid));
  const lastAssigned = Math.max(...done.map((o) => assignedAt.get(o.cid)));
  return {
    name, n: opens.length,
    openSpanMs: lastOpen - Math.min(...opens.map((o) => o.at)),
    lastOpenToLastAssignedMs: done.length ? lastAssigned - lastOpen : NaN,
    openToAssigned: summarize(done.map((o) => assignedAt.get(o.cid) - o.at)),
    stranded: opens.length - done.length,
  };
}

/** Runs `load` and adds the server's CPU and run-queue wait over it (% of one core / of the time). */
async function withServerTime(pid, load) {
  const [cpu0, wait0, t0] = [cpuSeconds(pid), runQueueWaitNs(pid), performance.now()];
  const res = await load;
  const wall = (performance.now() - t0) / 1000;
  return { ...res, serverCpuPct: ((cpuSeconds(pid) - cpu0) / wall) * 100, serverWaitPct: ((runQueueWaitNs(pid) - wait0) / 1e9 / wall) * 100 };
}

async function open(visitor) {
  const at = performance.now();
  return { cid: await openConversation(visitor), at, visitor };
}

async function measure(label, env) {
  const srv = await startServer("dist/index.js", { cwd: root, env, readyPath: "/readyz" });
  try {
    const agents = await holdfastAgents(srv.url, { agents: S.agents, admin: BENCH_ADMIN, maxConcurrent: S.room });
    const assignedAt = new Map();
    const owner = new Map();
    const stop = onAssigned(agents, (c, at) => {
      if (!assignedAt.has(c.id)) assignedAt.set(c.id, at);
      owner.set(c.id, c.agent.id);
    });

    // Burst 1: 250 visitors, 50 opening at a time.
    const first = await pool(S.first, S.width, (i) => holdfastVisitor(srv.url, i));
    const opens1 = await pool(S.first, S.width, (i) => open(first[i]));
    const burst1 = await settle(`${S.first}, ${S.width} at a time`, opens1, assignedAt);
    console.error(`bench: ${label}: burst 1`, JSON.stringify(burst1));

    // Make room: each agent keeps `keep / agents` conversations and resolves the rest.
    const byAgent = new Map(agents.map((a) => [a.ready.you.id, []]));
    for (const o of opens1) if (owner.has(o.cid)) byAgent.get(owner.get(o.cid)).push(o);
    const kept = [];
    const resolves = [];
    for (const a of agents) {
      const mine = byAgent.get(a.ready.you.id);
      kept.push(...mine.slice(0, S.keep / S.agents));
      for (const o of mine.slice(S.keep / S.agents)) resolves.push(a.socket.emitWithAck("conversation:resolve", { conversationId: o.cid }));
    }
    await Promise.all(resolves);
    for (const o of opens1) if (!kept.includes(o)) o.visitor.socket.disconnect();

    // Burst 2: 200 visitors (connected beforehand) open within one second, while 1,000 msg/s
    // flow in the conversations kept; then 1,000 msg/s over every open conversation.
    const second = await pool(S.burst, S.width, (i) => holdfastVisitor(srv.url, S.first + i));
    const parties = (os) => ({ agents, visitors: os.map((o) => ({ socket: o.visitor.socket, conversationId: o.cid })) });
    const pid = srv.child.pid;
    const during = withServerTime(pid, runLoad({ ...parties(kept), rate: S.rate, seconds: S.duringS, label: `${label}-during` }));
    await sleep(S.leadS * 1000);
    const opens2 = await Promise.all(second.map((v, i) => sleep((i * S.burstMs) / S.burst).then(() => open(v))));
    const burst2 = await settle(`${S.burst} within ${S.burstMs} ms, under load`, opens2, assignedAt);
    console.error(`bench: ${label}: burst 2`, JSON.stringify(burst2));
    const traffic = [{ phase: `during burst 2 (${S.keep} conversations)`, ...(await during) }];
    const all = [...kept, ...opens2];
    const after = runLoad({ ...parties(all), rate: S.rate, seconds: S.afterS, label: `${label}-after` });
    traffic.push({ phase: `after (${all.length} conversations)`, ...(await withServerTime(pid, after)) });
    stop();
    disconnectAll(parties(all));
    return { label, bursts: [burst1, burst2], traffic };
  } finally {
    await srv.stop();
  }
}

const results = [];
const notes = [];
console.error(`bench: burst assignment, ${S.agents} agents x ${S.room}`);
if (!only || only === "pglite") results.push(await withDataDir((dir) => measure("PGlite", holdfastEnv({ DATA_DIR: dir }))));
if ((!only || only === "postgres") && !noPostgres) {
  const r = await withBenchDatabase(
    (db) => withDataDir((dir) => measure("PostgreSQL", holdfastEnv({ DATA_DIR: dir, DATABASE_URL: db.url }))),
    notes,
  );
  if (r) results.push(r);
}
const file = writeBurstSection({ shape: S, results, notes, host, startedAt, command, write: !only });
console.error(file ? `bench: wrote ${file}` : "bench: --only given, BENCHMARKS.md left as it was");
process.exit(0);
