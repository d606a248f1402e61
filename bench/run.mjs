// Benchmark: Holdfast (embedded database, every message durable before its ack) against
// a minimal raw Socket.IO relay, same load, same machine, same run. Writes BENCHMARKS.md.
// Usage: npm run bench [-- --rate 1000 --seconds 20 --visitors 200 --agents 4]
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { connect, runLoad } from "./load.mjs";

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const RATE = arg("rate", 1000), SECONDS = arg("seconds", 20), VISITORS = arg("visitors", 200), AGENTS = arg("agents", 4);
const root = path.resolve(import.meta.dirname, "..");

function start(script, env) {
  const child = spawn(process.execPath, [script], { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (b) => {
      out += b;
      const m = /"port":(\d+)/.exec(out);
      if (m) resolve({ child, url: `http://127.0.0.1:${m[1]}` });
    });
    child.on("exit", (c) => reject(new Error(`${script} exited ${c}`)));
  });
}
const cpuSeconds = (pid) => {
  const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(f[11]) + Number(f[12])) / 100; // clock ticks (USER_HZ = 100 on Linux)
};
const rssMb = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))[1]) / 1024;
async function post(url, p, body, token) {
  const r = await fetch(url + p, { method: "POST", headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
  return r.json();
}

async function holdfastParties(url) {
  const admin = await post(url, "/api/agent/token", { email: "bench@local", password: "bench-password" });
  const agents = [];
  for (let i = 0; i < AGENTS; i++) {
    const email = `agent${i}@bench.local`;
    await post(url, "/api/agents", { email, name: `Agent ${i}`, password: "bench-password", role: "agent", maxConcurrent: 1000 }, admin.token);
    const t = await post(url, "/api/agent/token", { email, password: "bench-password" });
    agents.push(await connect(url, "/agent", { token: t.token }));
  }
  const visitors = [];
  for (let i = 0; i < VISITORS; i++) {
    const s = await post(url, "/api/visitor/session", { name: `Visitor ${i}` });
    const v = await connect(url, "/visitor", { token: s.token });
    const r = await v.socket.emitWithAck("message:send", { clientMsgId: "hello", type: "text", body: "hello" });
    visitors.push({ socket: v.socket, conversationId: r.message.conversationId });
  }
  await new Promise((r) => setTimeout(r, 1000)); // let assignment settle
  return { agents, visitors };
}

async function relayParties(url) {
  const agents = [];
  for (let i = 0; i < AGENTS; i++) {
    const rooms = Array.from({ length: VISITORS }, (_, v) => v).filter((v) => v % AGENTS === i).map((v) => `conversation:c${v}`);
    agents.push(await connect(url, "/agent", { rooms }));
  }
  const visitors = [];
  for (let i = 0; i < VISITORS; i++) {
    const v = await connect(url, "/visitor", { rooms: [`conversation:c${i}`] });
    visitors.push({ socket: v.socket, conversationId: `c${i}` });
  }
  return { agents, visitors };
}

async function measure(label, script, env, parties) {
  const srv = await start(script, env);
  try {
    const p = await parties(srv.url);
    // Warm-up, then the measured run.
    await runLoad({ ...p, rate: Math.min(RATE, 200), seconds: 2, label: `${label}-warm` });
    const cpu0 = cpuSeconds(srv.child.pid);
    const res = await runLoad({ ...p, rate: RATE, seconds: SECONDS, label });
    res.serverCpuPct = ((cpuSeconds(srv.child.pid) - cpu0) / res.sendSeconds) * 100;
    res.serverRssMb = rssMb(srv.child.pid);
    for (const x of [...p.agents, ...p.visitors]) x.socket.disconnect();
    return res;
  } finally {
    srv.child.kill("SIGKILL");
  }
}

const dataDir = mkdtempSync(path.join(os.tmpdir(), "holdfast-bench-"));
const env = { PORT: "0", DATA_DIR: dataDir, ADMIN_EMAIL: "bench@local", ADMIN_PASSWORD: "bench-password", LOG_LEVEL: "warn", NODE_ENV: "production" };
const relay = await measure("relay", "bench/raw-relay.mjs", {}, relayParties);
const holdfast = await measure("holdfast", "dist/index.js", env, holdfastParties);
rmSync(dataDir, { recursive: true, force: true });

const f = (x) => (Number.isFinite(x) ? x.toFixed(1) : "-");
const row = (r) => `| ${r.label} | ${r.offered} | ${f(r.throughput)} | ${r.delivered}/${r.sent} | ${r.failed} | ${f(r.e2e.p50)} | ${f(r.e2e.p90)} | ${f(r.e2e.p99)} | ${f(r.e2e.max)} | ${f(r.ack.p50)} | ${f(r.ack.p99)} | ${f(r.serverCpuPct)} | ${f(r.serverRssMb)} |`;
const md = `# Benchmarks

Latest run: ${new Date().toISOString()} on ${os.cpus().length} cores (${os.cpus()[0]?.model ?? "?"}), Node ${process.version}.
Command: \`npm run bench -- --rate ${RATE} --seconds ${SECONDS} --visitors ${VISITORS} --agents ${AGENTS}\`

${VISITORS} visitors send at a fixed total rate (open loop) for ${SECONDS} s to ${AGENTS} agents; the
agent clients run in the load process, so latency is measured on one clock from the
visitor's send to the agent's receipt (e2e) and to the visitor's ack (ack). \`relay\` is a
minimal Socket.IO relay with no database, auth or validation; \`holdfast\` stores every
message durably in the embedded database (PGlite) before its ack, with group commit.
Load generator and server share the same 2-core machine.

| server | offered msg/s | delivered msg/s | delivered/sent | failed | e2e p50 ms | e2e p90 ms | e2e p99 ms | e2e max ms | ack p50 ms | ack p99 ms | server CPU % | server RSS MB |
|---|---|---|---|---|---|---|---|---|---|---|---|---|
${row(relay)}
${row(holdfast)}

Target (issue "reliable message path"): 1,000 msg/s persisted on the embedded database with e2e p99 under 50 ms.
`;
writeFileSync(path.join(root, "BENCHMARKS.md"), md);
console.log(md);
process.exit(0);
