// The "burst" section of BENCHMARKS.md: per database, how long each burst of new
// conversations took to reach the agents, and the message traffic during and after it.
import { fmt as f, writeSection } from "./report.mjs";

const TARGET_MS = 2000;

function burstRow(label, b) {
  const t = b.openToAssigned;
  return `| ${label} | ${b.name} | ${f(b.openSpanMs, 0)} | ${f(b.lastOpenToLastAssignedMs, 0)} | ` +
    `${f(t.p50, 0)} | ${f(t.p99, 0)} | ${f(t.max, 0)} | ${b.stranded} |`;
}

function trafficRow(label, r) {
  const errs = Object.entries(r.errors).map(([k, v]) => `${k} ${v}`).join(", ");
  return `| ${label} | ${r.phase} | ${r.offered} | ${r.delivered}/${r.sent} | ${r.failed}${errs ? ` (${errs})` : ""} | ${r.lost} | ` +
    `${f(r.e2e.p50)} | ${f(r.e2e.p99)} | ${f(r.e2e.max)} | ${f(r.ack.p99)} | ${f(r.serverCpuPct, 0)} | ${f(r.serverWaitPct, 0)} | ${f(r.loadWaitPct, 0)} |`;
}

function verdict(r) {
  const ok = r.bursts.every((b) => b.stranded === 0 && b.lastOpenToLastAssignedMs < TARGET_MS);
  const worst = Math.max(...r.bursts.map((b) => b.lastOpenToLastAssignedMs));
  const stranded = r.bursts.reduce((s, b) => s + b.stranded, 0);
  return `- ${r.label}: ${ok ? "**met**" : "**missed**"} (slowest burst: last assignment ${f(worst, 0)} ms after the last open; ${stranded} left waiting)`;
}

export function writeBurstSection({ shape: s, results, notes, host, startedAt, command, write = true }) {
  const md = `## Burst assignment

Run: ${startedAt.toISOString()}, ${host}.
Command: \`${command}\` (in the repository root; it builds first).

One node, ${s.agents} agents with room for ${s.room} conversations each, all online. **Burst 1**:
${s.first} visitors open a conversation (their first message), ${s.width} at a time. Then each agent
resolves all but ${s.keep / s.agents} of its conversations, and ${s.rate} msg/s start flowing in the ${s.keep} kept.
**Burst 2**, ${s.leadS} s into that traffic: ${s.burst} more visitors (connected beforehand) open theirs,
spread evenly over ${s.burstMs} ms. Then ${s.rate} msg/s for ${s.afterS} s over every open conversation.
A conversation counts as assigned when its agent's device receives the \`conversation\` event
naming that agent; **open** is when the visitor sent the first message. "Stranded" is
what was not assigned ${s.waitMs / 1000} s after the burst's last open. Traffic columns as in
"Message path" (e2e: visitor send to agent receipt); server CPU and the run-queue waits
(the share of time the server's, or the load generator's, main thread was ready but had
no CPU: taken by other processes on the machine) are over the traffic phase, which for
"during" contains burst 2. A run-queue wait of tens of percent means the figures show
the machine's contention more than the server.

| database | burst | opens spread over ms | last open → last assigned ms | open → assigned p50 ms | p99 ms | max ms | stranded |
|---|---|---|---|---|---|---|---|
${results.flatMap((r) => r.bursts.map((b) => burstRow(r.label, b))).join("\n")}

| database | traffic | offered msg/s | delivered/sent | failed | lost | e2e p50 ms | e2e p99 ms | e2e max ms | ack p99 ms | server CPU % | server run-queue wait % | load run-queue wait % |
|---|---|---|---|---|---|---|---|---|---|---|---|---|
${results.flatMap((r) => r.traffic.map((t) => trafficRow(r.label, t))).join("\n")}

Target (every conversation of a burst assigned within ${TARGET_MS / 1000} s of its last open, none stranded):
${results.map(verdict).join("\n") || "- not measured"}
${notes.length ? `\n${notes.map((n) => `- ${n}`).join("\n")}\n` : ""}`;
  console.log(md);
  return write ? writeSection("burst", md) : null;
}
