// The "flood" section of BENCHMARKS.md: per server, the chatting visitors' latency
// without and with one visitor flooding, and what the flood got.
import { fmt as f, writeSection } from "./report.mjs";

function row(label, name, r) {
  const errs = Object.entries(r.errors).map(([k, v]) => `${k} ${v}`).join(", ");
  return `| ${label} | ${name} | ${f(r.throughput)} | ${r.delivered}/${r.sent} | ${r.failed}${errs ? ` (${errs})` : ""} | ${r.lost} | ` +
    `${f(r.e2e.p50)} | ${f(r.e2e.p99)} | ${f(r.e2e.max)} | ${f(r.ack.p99)} | ${f(r.healthMaxMs, 0)} | ${f(r.serverCpuPct, 0)} | ` +
    `${f(r.serverWaitPct, 0)} | ${f(r.loadCpuPct, 0)} | ${f(r.loadLagP99, 0)} | ${f(r.rssMb, 0)} |`;
}

const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const p99s = (runs) => runs.map((r) => f(r.e2e.p99)).join(", ");

function floodLine(x) {
  const fl = x.flooded[0].flood;
  const [q, fd] = [mean(x.quiet.map((r) => r.e2e.p99)), mean(x.flooded.map((r) => r.e2e.p99))];
  const ratio = fd / q;
  const codes = Object.entries(fl.codes).map(([k, v]) => `${k} ${v}`).join(", ");
  return `- ${x.label}: e2e p99 ${p99s(x.quiet)} ms alone (mean ${f(q)}), ${p99s(x.flooded)} ms with the flood (mean ${f(fd)}; ` +
    `**${f(ratio, 2)}×**, ${ratio <= 2 ? "within" : "**beyond**"} twice); in the first flooded run the flooder sent ${fl.sent} in ${f(fl.seconds)} s, ` +
    `answered ${codes}${fl.disconnects ? `, was cut off ${fl.disconnects}× and refused ${Object.entries(fl.refusedHandshakes).map(([k, v]) => `${v} handshakes ${k}`).join(", ") || "no handshake"} afterwards` : ", stayed connected"} ` +
    `(the flooder process used ${f(fl.cpuPct, 0)} % of a CPU); ` +
    `others' sends refused: ${x.flooded.reduce((n, r) => n + r.failed, 0)}; peak server RSS ${f(x.peakRssMb, 0)} MB.`;
}

export function writeFloodSection({ opts, results, notes, host, startedAt, command }) {
  const md = `## Flood isolation

Run: ${startedAt.toISOString()}, ${host}.
Command: \`${command}\` (in the repository root; \`npm run bench:flood\` builds first).

The load of the message-path bench (${opts.visitors} visitors sending at a total ${opts.rate} msg/s to
${opts.agents} agents for ${opts.seconds} s, load generator in one process) runs on the same
server, after a warm-up, ${opts.rounds} times each way, alternating: alone ("quiet"), then while one more visitor, from a process of its
own (bench/flooder.mjs), fires \`message:send\` at ${opts["flood-rate"]}/s from one socket for the same
${opts.seconds} s, each with an ack ("flooded"). The figures are the other visitors'; health max is
the slowest \`/healthz\` round trip, probed every 100 ms. Per-participant limits (PROTOCOL.md
section 3; src/limits) answer the flood RATE_LIMITED past its budget, and the message writer caps one
sender's queued writes, so the flood may cost CPU but must not cost the others their sends or
more than twice their e2e p99. Server run-queue wait is the share of the window the server's
main thread was ready to run but had no CPU (other processes on this machine); load CPU and
loop lag are the load generator's own (see the message-path section).

| server | run | delivered msg/s | delivered/sent | failed | lost | e2e p50 ms | e2e p99 ms | e2e max ms | ack p99 ms | health max ms | server CPU % | server run-queue wait % | load CPU % | load loop lag p99 ms | server RSS MB |
|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|
${results.flatMap((x) => x.quiet.flatMap((r, i) => [row(x.label, `quiet ${i + 1}`, r), row(x.label, `flooded ${i + 1}`, x.flooded[i])])).join("\n")}

${results.map(floodLine).join("\n")}
${notes.length ? `\n${notes.map((n) => `- ${n}`).join("\n")}\n` : ""}`;
  console.log(md);
  return writeSection("flood", md);
}
