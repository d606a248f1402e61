// The "storm" section of BENCHMARKS.md: handshakes + `ready` per second on one node, and
// the restart of that node under every visitor connected, per build (before/after) and
// database.
import { fmt as f, writeSection } from "./report.mjs";

const codes = (o) => Object.entries(o).map(([k, v]) => `${k} ${v}`).join(", ") || "none";

function rateRow(x) {
  const r = x.rate;
  return `| ${x.which} | ${x.db} | ${f(r.perSec, 0)} | ${r.done} | ${codes(r.errors)} | ${f(r.p50)} | ${f(r.p99)} | ` +
    `${f(r.cpuMsEach, 2)}${Number.isFinite(r.dbCpuMsEach) ? ` + ${f(r.dbCpuMsEach, 2)} (db)` : ""} | ${f(r.serverCpuPct, 0)} | ${f(r.loadCpuPct, 0)} |`;
}

function stormRow(x, visitors) {
  const s = x.storm;
  return `| ${x.which} | ${x.db} | ${s.before}/${visitors} | ${s.restartMs} | ${s.after}/${visitors} | ${f(s.p50Ms, 0)} | ${f(s.p99Ms, 0)} | ` +
    `${Number.isFinite(s.allMs) ? f(s.allMs, 0) : "**not all**"} | ${codes(s.refusals)} | ` +
    `${s.honoured ? `${s.honoured.n}${s.honoured.n ? ` (p50 ${f(s.honoured.p50Ms, 0)}, max ${f(s.honoured.maxMs, 0)})` : ""}` : "-"} |`;
}

export function writeStormSection({ opts, results, notes, host, startedAt, command, write }) {
  const md = `## Reconnect storms

Run: ${startedAt.toISOString()}, ${host}.
Command: \`${command}\` (in the repository root; it builds first).

One node (no Redis). **Handshake rate**: ${opts.width} loops over 2 load processes, each
connecting a visitor over WebSocket (its own X-Forwarded-For address), waiting for
\`ready\`, disconnecting and starting over, for ${opts.seconds} s after a 2 s warm-up.
**Restart**: ${opts.visitors} visitors connected (the same 2 load processes), the node
is killed (SIGKILL) and started again on its port; each visitor reconnects as the
product's client does (src/client/runtime/connection.ts: a refusal's \`retryAfterMs\`
exactly when it has one, else full-jitter exponential backoff from 1 s capped at 30 s)
and calls \`sync\` after each \`ready\`. "Resynced" is the \`sync\` answered; times are
from the kill. Refusals are the connect_errors the visitors got meanwhile (NETWORK: the
port was not taken yet; UNAVAILABLE: the node was starting; RATE_LIMITED: over
HANDSHAKES_PER_SECOND), and the told delays the visitors waited. "before" is the build of the base commit, measured in the same run.

| build | database | handshakes+ready /s | done | refused | connect→ready p50 ms | p99 ms | server CPU ms each | server CPU % | load CPU % |
|---|---|---|---|---|---|---|---|---|---|
${results.map(rateRow).join("\n")}

| build | database | connected before | node up after ms | resynced | resynced p50 ms | p99 ms | all resynced after ms | refusals during the storm | told delays waited (ms) |
|---|---|---|---|---|---|---|---|---|---|
${results.filter((x) => x.storm.after !== undefined).map((x) => stormRow(x, opts.visitors)).join("\n") || "| (restart not measured in this run: --rate-only) |"}

Target (>= 1,000 handshakes per second on one node with either database; all visitors back and resynced within 15 s of a restart):
${results.filter((x) => x.which === "after").map((x) => `- ${x.db}: ${x.rate.perSec >= 1000 ? "**met**" : "**not met**"} (${f(x.rate.perSec, 0)}/s); restart ${x.storm.after === undefined ? "not measured" : x.storm.allMs <= 15_000 ? "**met**" : "**not met**"} (${Number.isFinite(x.storm.allMs) ? `${f(x.storm.allMs / 1000)} s` : "not all back"})`).join("\n")}
${notes.map((n) => `\n${n}`).join("")}`;
  console.log(md);
  return write ? writeSection("storm", md) : null;
}
