// Cluster benchmark: three nodes behind nginx (deploy/nginx.conf.template), PostgreSQL and
// Redis each behind a TCP fault proxy (the chaos suite's deployment, test/chaos/), 200
// visitors (half on WebSocket, half on long-polling, from their own loopback addresses so
// that nginx spreads them) and 5 agents. A steady phase, then each fault in turn: Redis
// down, PostgreSQL down, kill -9 of a node (restarted once its clients have failed over).
// Per phase: delivery ratio, end-to-end latency (visitor's first send attempt to the
// agent's receipt, retries included, on one clock) and the fault's recovery time.
// Writes the "cluster" section of BENCHMARKS.md.
//   npm run bench:cluster [-- --visitors 200 --agents 5 --interval-ms 1000 --steady-s 20]
//   BENCH_TRACE=1: the five slowest messages of each phase (ack wait, how and where received)
// Bounded: fixed phases, then a 10 s drain; 127.0.0.0/8 only.
import { assertStoredExactlyOnce, waitAllReady, waitCrossNode } from "../test/chaos/checks.js";
import { NODE_NAMES, startChaosCluster, type ChaosCluster } from "../test/chaos/cluster.js";
import type { Device } from "../test/chaos/devices.js";
import { landsOn, populate, type Population } from "../test/chaos/population.js";
import { sleep, until } from "../test/helpers/clients.js";
import { writeClusterSection } from "./cluster-report.mjs";
import { summarize } from "./load.mjs";
import { machine } from "./report.mjs";
import { cpuSeconds } from "./servers.mjs";

const argv = process.argv.slice(2);
const opts: Record<string, number> = { visitors: 200, agents: 5, "interval-ms": 1000, "steady-s": 20 };
for (let i = 0; i < argv.length; i += 2) {
  const name = argv[i].replace(/^--/, "");
  const value = Number(argv[i + 1]);
  if (!(name in opts) || !(value > 0 && value <= 10_000)) throw new Error(`unknown argument or bad value: ${argv[i]} ${argv[i + 1]}`);
  opts[name] = value;
}
const SETTLE_MS = 10_000;
const host = machine();
const startedAt = new Date();

export interface Phase {
  name: string;
  from: number;
  to: number;
  recovery: string;
  serverCpuPct?: number;
}

/** Messages first sent this close to a phase's end are counted nowhere: the next
 *  phase's fault would land on them. */
const TAIL_MS = 3000;

/** Visitor messages first sent in the phase (but its last TAIL_MS): how many were acked
 *  and reached their agent, and how fast. */
function phaseStats(p: Population, ph: Phase) {
  const agentOf = (cid: string) => p.agents.find((a) => a.conversations.has(cid));
  const e2e: number[] = [];
  const slowest: { t: number; e2e: number; ack: number; attempts: string; via: string; from: string; to: string | null }[] = [];
  let sent = 0, acked = 0, delivered = 0, unavailable = 0;
  for (const v of p.visitors) {
    for (const s of v.sent) {
      unavailable += s.attempts.filter((a) => a.code === "UNAVAILABLE" && a.at >= ph.from && a.at < ph.to).length;
      if (s.firstAt < ph.from || s.firstAt >= ph.to - TAIL_MS) continue;
      sent++;
      if (!s.acked) continue;
      acked++;
      const h = agentOf(s.acked.message.conversationId)?.held.get(s.acked.message.id);
      if (!h) continue;
      delivered++;
      e2e.push(h.at - s.firstAt);
      slowest.push({ t: s.firstAt - ph.from, e2e: h.at - s.firstAt, ack: s.acked.at - s.firstAt, attempts: s.attempts.map((a) => a.code).join(","), via: h.via, from: `${v.name} ${v.transport} on ${s.acked.node}`, to: h.node });
    }
  }
  if (process.env.BENCH_TRACE) {
    slowest.sort((x, y) => y.e2e - x.e2e);
    console.error(`bench: ${ph.name}: slowest ${JSON.stringify(slowest.slice(0, 5))}`);
  }
  const reconnects = p.all.reduce((n, d) => n + d.connects.filter((c, i) => i > 0 && c.at >= ph.from && c.at < ph.to).length, 0);
  return { ...ph, sent, rate: sent / ((ph.to - TAIL_MS - ph.from) / 1000), acked, delivered, unavailable, reconnects, e2e: summarize(e2e) };
}

const cpuOf = (c: ChaosCluster) => c.nodes.reduce((s, n) => s + cpuSeconds(n.proc!.child.pid), 0);

async function dependencyFault(c: ChaosCluster, p: Population, name: string, down: () => void, up: () => Promise<void>): Promise<Phase> {
  const from = Date.now();
  down();
  await sleep(8000);
  await up();
  const upAt = Date.now();
  const ready = await waitAllReady(c, upAt, 30_000);
  const cross = await waitCrossNode(p, NODE_NAMES, upAt, 30_000);
  console.error(`bench: ${name}: recovered in ${Math.max(ready, cross)} ms`);
  await sleep(SETTLE_MS);
  return { name, from, to: Date.now(), recovery: `${Math.max(ready, cross)} ms (all ready ${ready} ms, cross-node delivery ${cross} ms)` };
}

async function killNode(c: ChaosCluster, p: Population, victim = NODE_NAMES[0]): Promise<Phase> {
  const moving = p.all.filter((d) => d.connected && d.node === victim);
  const from = Date.now();
  await c.kill(victim);
  const moved = (d: Device) => d.connected && d.node !== victim && d.connects.at(-1)!.at > from;
  await until(() => moving.every(moved), 60_000, "every client of the killed node served elsewhere");
  const failover = Date.now() - from;
  const restartAt = Date.now();
  await c.restart(victim);
  const ready = await waitAllReady(c, restartAt, 30_000);
  await until(async () => (await landsOn(c.nginx.url, moving[0].address)) === victim, 30_000, "new clients on the restarted node");
  const back = Date.now() - restartAt;
  const dropped = moving.filter((d) => d.disconnects.filter((x) => x.at >= from).length > 1).length;
  console.error(`bench: kill -9 ${victim}: ${moving.length} clients failed over in ${failover} ms, restarted node ready in ${ready} ms`);
  await sleep(SETTLE_MS);
  return {
    name: `kill -9 ${victim}`, from, to: Date.now(),
    recovery: `${moving.length} clients failed over in ${failover} ms; restarted, ready in ${ready} ms, new clients on it after ${back} ms; ${dropped} dropped again`,
  };
}

const c = await startChaosCluster({ NODE_ENV: "production" });
let p: Population | undefined;
try {
  const t0 = Date.now();
  p = await populate(c.nginx.url, NODE_NAMES, { visitors: opts.visitors, agents: opts.agents, intervalMs: opts["interval-ms"], replyRatio: 0.1 });
  console.error(`bench: ${opts.visitors} visitors and ${opts.agents} agents connected and assigned in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  await sleep(3000); // warm-up
  const phases: Phase[] = [];
  const cpu0 = cpuOf(c);
  const from = Date.now();
  await sleep(opts["steady-s"] * 1000);
  phases.push({ name: "steady", from, to: Date.now(), recovery: "-", serverCpuPct: ((cpuOf(c) - cpu0) / ((Date.now() - from) / 1000)) * 100 });
  phases.push(await dependencyFault(c, p, "Redis down 8 s", () => c.redis.down(), () => c.redis.up()));
  phases.push(await dependencyFault(c, p, "PostgreSQL down 8 s", () => c.pg.down(), () => c.pg.up()));
  phases.push(await killNode(c, p));
  await sleep(SETTLE_MS); // drain: what is still on its way arrives, or counts as lost
  const acked = await assertStoredExactlyOnce(c, p.all);
  const rows = phases.map((ph) => phaseStats(p!, ph));
  const total = phaseStats(p, { name: "whole run", from, to: phases.at(-1)!.to, recovery: "-" });
  if (process.env.BENCH_TRACE) {
    for (const n of c.nodes) {
      const counts = new Map<string, number>();
      for (const l of n.proc!.logged) if (l.level === "warn" || l.level === "error") counts.set(String(l.msg), (counts.get(String(l.msg)) ?? 0) + 1);
      console.error(`bench: ${n.name} warnings and errors: ${JSON.stringify(Object.fromEntries(counts))}`);
    }
  }
  const file = writeClusterSection({ opts, rows, total, acked, host, startedAt, argv });
  console.error(`bench: wrote ${file}`);
} finally {
  p?.close();
  await c.stop();
}
process.exit(0);
