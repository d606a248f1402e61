// The "cluster" section of BENCHMARKS.md, from the phases of bench/cluster.bench.ts.
import { fmt as f, writeSection } from "./report.mjs";

const ratio = (r) => (r.acked ? `${f((r.delivered / r.acked) * 100, 2)} %` : "-");
const row = (r) =>
  `| ${r.name} | ${r.sent} | ${f(r.rate, 0)} | ${r.acked} | ${r.delivered} | ${ratio(r)} | ${f(r.e2e.p50)} | ${f(r.e2e.p99)} | ${f(r.e2e.max, 0)} | ` +
  `${r.unavailable} | ${r.reconnects} | ${r.recovery} |`;

export function writeClusterSection({ opts, rows, total, acked, host, startedAt, argv }) {
  const steady = rows.find((r) => r.name === "steady");
  const md = `## Cluster: three nodes behind nginx, through faults

Run: ${startedAt.toISOString()}, ${host}.
Command: \`npm run bench:cluster${argv.length ? ` -- ${argv.join(" ")}` : ""}\` (in the repository root; it builds first).

Three Holdfast nodes (the built server, \`NODE_NAME=node1..3\`) on one PostgreSQL database
and one Redis, each dependency behind a TCP fault proxy, with nginx in front running
[\`deploy/nginx.conf.template\`](deploy/nginx.conf.template), all on this machine. ${opts.visitors} visitors (half on
WebSocket alone, half on long-polling alone, each from its own loopback address so that
nginx's hash spreads them over the nodes) and ${opts.agents} agents connect through nginx; each
visitor has a conversation assigned to an agent, and sends a message every
~${opts["interval-ms"]} ms (jittered, one at a time, retried with the same \`clientMsgId\` after
\`UNAVAILABLE\` or a lost ack, as the product's client does); agents answer about one in
ten. Closed loop, so an outage lowers the offered rate instead of queueing sends.
Phases: ${opts["steady-s"]} s steady, then Redis down for 8 s, PostgreSQL down for 8 s, and
\`kill -9\` of node1 (restarted once its clients have failed over), each followed by
10 s of traffic; a 10 s drain at the end. A row counts the visitor messages first sent
during its phase (but its last 3 s, on which the next fault would land); **msg/s** is
their rate; **delivered** means received by the conversation's agent by the end (live,
or by the client's own \`sync\` after a gap or reconnect); **e2e** runs from the
visitor's first send attempt to the agent's receipt, retries and outage included.
**Recovery**: from the end of the fault until every node's \`/readyz\` answers 200 and
live delivery works across nodes for every node, both ways.

| phase | sent | msg/s | acked | delivered | delivered/acked | e2e p50 ms | e2e p99 ms | e2e max ms | UNAVAILABLE answers | reconnects | recovery |
|---|---|---|---|---|---|---|---|---|---|---|---|
${rows.map(row).join("\n")}
${row(total)}

Server CPU in the steady phase: ${f(steady.serverCpuPct, 0)} % of one core for the three nodes together
(nginx, PostgreSQL, Redis and the load generator not included). Every one of the ${acked} acked
messages (visitors' and agents') is stored exactly once with its acked seq, and every
conversation's seqs are 1..N (checked with SQL after the run). Not comparable with the
single-node figures above as they stand: those offer 1,000 msg/s open loop over
WebSocket to one node, this offers what 200 chatting visitors send, half of them over
long-polling, through nginx to three nodes that share one machine with everything else.
`;
  console.log(md);
  return writeSection("cluster", md);
}
