// bench:webhooks: webhook deliveries under chat load. The built server (dist/index.js) on
// PGlite and on a fresh PostgreSQL database; V visitors send `--rate` msg/s for
// `--seconds` to A agents (bench/load.mjs), first with no webhook (the write path as it
// was: the same statement), then with one webhook subscribed to every event, whose
// receiver (in this process, node:http) answers 204 after `--answerMs`. Reports the
// chat's ack and end-to-end latency in both phases, the webhook throughput (message
// events received per second over the span from the first to the last) and the delivery
// lag p50/p99: a message's createdAt (stamped as its batch is written, just before the
// ack) to its receipt. Writes the "webhooks" section of BENCHMARKS.md.
//   npm run bench:webhooks [-- --rate 1000 --seconds 15 --visitors 100 --agents 2 --answerMs 50 --baseline 10]
import { createServer } from "node:http";
import { runLoad, summarize } from "./load.mjs";
import { disconnectAll, holdfastParties } from "./parties.mjs";
import { withBenchDatabase } from "./postgres.mjs";
import { fmt, machine, root, writeSection } from "./report.mjs";
import { BENCH_ADMIN, holdfastEnv, startServer, withDataDir } from "./servers.mjs";

const argv = process.argv.slice(2);
const opts = { rate: 1000, seconds: 15, visitors: 100, agents: 2, answerMs: 50, baseline: 10 };
for (let i = 0; i < argv.length; i++) {
  const name = argv[i].replace(/^--/, "");
  if (!(name in opts)) throw new Error(`unknown option ${argv[i]}`);
  opts[name] = Number(argv[++i]);
}
const command = `npm run bench:webhooks${argv.length ? ` -- ${argv.join(" ")}` : ""}`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function receiver() {
  const got = new Map(); // message id -> lag ms (first receipt)
  let events = 0;
  let duplicates = 0;
  let first = 0;
  let last = 0;
  const srv = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const now = Date.now();
      const e = JSON.parse(Buffer.concat(chunks).toString());
      events++;
      if (e.type === "message.created" && e.data.message.sender.type === "visitor") {
        const id = e.data.message.id;
        if (got.has(id)) duplicates++;
        else got.set(id, now - Date.parse(e.data.message.createdAt));
        first ||= now;
        last = now;
      }
      setTimeout(() => res.writeHead(204).end(), opts.answerMs);
    });
  });
  srv.keepAliveTimeout = 60_000;
  await new Promise((r) => srv.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${srv.address().port}/hook`, got,
    stats: () => ({ events, duplicates, spanS: (last - first) / 1000 }),
    close: () => (srv.closeAllConnections(), new Promise((r) => srv.close(r))),
  };
}

async function adminToken(url) {
  const r = await fetch(`${url}/api/agent/token`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(BENCH_ADMIN) });
  return (await r.json()).token;
}

async function measure(kind, env) {
  const srv = await startServer("dist/index.js", { cwd: root, env: holdfastEnv({ SOCKETS_PER_IP: "100000", ...env }), readyPath: "/readyz" });
  const rx = await receiver();
  try {
    const parties = await holdfastParties(srv.url, { visitors: opts.visitors, agents: opts.agents, admin: BENCH_ADMIN });
    await sleep(1000);
    const base = await runLoad({ ...parties, rate: opts.rate, seconds: opts.baseline, label: `nohook-${Date.now()}` });
    console.error(`bench: ${kind} no webhook: ack p50 ${fmt(base.ack.p50)} p99 ${fmt(base.ack.p99)} ms, e2e p50 ${fmt(base.e2e.p50)} p99 ${fmt(base.e2e.p99)}`);
    const token = await adminToken(srv.url);
    const r = await fetch(`${srv.url}/api/webhooks`, {
      method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ url: rx.url, secret: "bench-secret" }),
    });
    if (r.status !== 201) throw new Error(`webhook: ${r.status} ${await r.text()}`);
    const load = await runLoad({ ...parties, rate: opts.rate, seconds: opts.seconds, label: `hook-${Date.now()}` });
    // Deliveries may trail the chat: wait until every acked message arrived (60 s at most).
    const want = load.sent - load.failed;
    const deadline = Date.now() + 60_000;
    while (rx.got.size < want && Date.now() < deadline) await sleep(100);
    disconnectAll(parties);
    const lag = summarize([...rx.got.values()]);
    const s = rx.stats();
    const out = {
      kind, base, load, received: rx.got.size, want, duplicates: s.duplicates, events: s.events,
      throughput: rx.got.size / Math.max(s.spanS, 0.001), lag,
    };
    console.error(`bench: ${kind} webhook: ${out.received}/${want} received, ${fmt(out.throughput, 0)}/s, lag p50 ${fmt(lag.p50)} p99 ${fmt(lag.p99)} ms; ack p50 ${fmt(load.ack.p50)} p99 ${fmt(load.ack.p99)}`);
    return out;
  } finally {
    await rx.close();
    await srv.stop();
  }
}

const startedAt = new Date();
const host = machine();
const notes = [];
const results = [];
results.push(await withDataDir((dir) => measure("PGlite", { DATA_DIR: dir })));
const pgr = await withBenchDatabase((db) => withDataDir((dir) => measure("PostgreSQL", { DATA_DIR: dir, DATABASE_URL: db.url })), notes);
if (pgr) results.push(pgr);

const rows = results.map((r) =>
  `| ${r.kind} | ${fmt(r.base.ack.p50)} / ${fmt(r.base.ack.p99)} | ${fmt(r.base.e2e.p50)} / ${fmt(r.base.e2e.p99)} | ${fmt(r.load.ack.p50)} / ${fmt(r.load.ack.p99)} | ${fmt(r.load.e2e.p50)} / ${fmt(r.load.e2e.p99)} | ${r.received} / ${r.want} | **${fmt(r.throughput, 0)}** | **${fmt(r.lag.p50, 0)} / ${fmt(r.lag.p99, 0)}** | ${r.duplicates} |`);
const body = `## Webhooks: deliveries under chat load

${opts.visitors} visitors send ${opts.rate} msg/s to ${opts.agents} agents, first for ${opts.baseline} s with no webhook, then for
${opts.seconds} s with one webhook subscribed to every event, whose receiver answers 204 after ${opts.answerMs} ms (default
WEBHOOK_CONCURRENCY: 128 conversations delivered at once per node, each conversation's events in order). "Received": the
visitors' messages whose message.created arrived (each once by id); throughput over the span from the first to the last;
lag from the message's createdAt (stamped as its batch is written, just before the ack) to its receipt. With no webhook
the message write is WRITE_SQL unchanged (the same statement text and parameters as before webhooks; the cached
subscription check is a Set lookup per batch); with one, deliveries share the node's CPU and the database with the chat,
which is what the ack figures of the second phase show.

- Machine: ${host}
- Date: ${startedAt.toISOString()}
- Command: \`${command}\`
${notes.map((n) => `- ${n}\n`).join("")}
| database | no webhook: ack p50 / p99, ms | e2e p50 / p99, ms | with webhook: ack p50 / p99, ms | e2e p50 / p99, ms | received | webhook msg/s | delivery lag p50 / p99, ms | duplicates |
|---|---|---|---|---|---|---|---|---|
${rows.join("\n")}
`;
console.log(body);
console.error(`bench: wrote ${writeSection("webhooks", body)}`);
process.exit(0);
