// A 500-message `sync` answer over WebSocket with and without permessage-deflate
// (WS_DEFLATE_THRESHOLD_BYTES 2048 vs 0): bytes the client's TCP socket read and the
// server's CPU time per answer. Run by bench/pages.mjs (and alone: node bench/sync-deflate.mjs).
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { connect } from "./load.mjs";
import { root } from "./report.mjs";
import { BENCH_ADMIN, cpuSeconds, holdfastEnv, startServer } from "./servers.mjs";

const MESSAGES = 500;
const SYNCS = 10;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function post(url, p, body, headers = {}) {
  const r = await fetch(url + p, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
  if (!r.ok) throw new Error(`POST ${p}: ${r.status} ${await r.text()}`);
  return r.json();
}

/** Sends until accepted, waiting out the per-participant send budget. */
async function send(socket, payload) {
  for (;;) {
    const r = await socket.emitWithAck("message:send", payload);
    if (r.ok) return r.message;
    if (r.error?.code !== "RATE_LIMITED") throw new Error(`send: ${JSON.stringify(r.error)}`);
    await sleep(r.error.retryAfterMs ?? 200);
  }
}

const body = (i) => `Message ${i}: my order #${10_000 + i} has not arrived yet, could you check the tracking for me please? Thanks a lot.`;

async function one(threshold) {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "holdfast-bench-deflate-"));
  const srv = await startServer("dist/index.js", { cwd: root, env: holdfastEnv({ DATA_DIR: dataDir, WS_DEFLATE_THRESHOLD_BYTES: String(threshold) }), readyPath: "/readyz", readyMs: 120_000 });
  try {
    const { token: agentToken } = await post(srv.url, "/api/agent/token", BENCH_ADMIN);
    const agent = await connect(srv.url, "/agent", { token: agentToken });
    const s = await post(srv.url, "/api/visitor/session", { name: "Deflate" }, { "x-forwarded-for": "10.79.0.1" });
    const visitor = await connect(srv.url, "/visitor", { token: s.token });
    const first = await send(visitor.socket, { clientMsgId: "v0", type: "text", body: body(0) });
    const conversationId = first.conversationId;
    // Both sides write (each has its own budget), as a long chat would have it.
    const half = Math.ceil((MESSAGES - 1) / 2);
    await Promise.all([
      (async () => { for (let i = 1; i <= half; i++) await send(visitor.socket, { clientMsgId: `v${i}`, type: "text", body: body(i) }); })(),
      (async () => { for (let i = half + 1; i < MESSAGES; i++) await send(agent.socket, { conversationId, clientMsgId: `a${i}`, type: "text", body: body(i) }); })(),
    ]);
    const tcp = agent.socket.io.engine.transport.ws._socket;
    const extensions = agent.socket.io.engine.transport.ws.extensions;
    const bytes0 = tcp.bytesRead;
    const cpu0 = cpuSeconds(srv.child.pid);
    let count = 0;
    for (let i = 0; i < SYNCS; i++) {
      const r = await agent.socket.emitWithAck("sync", { conversationId, afterSeq: 0, limit: 500 });
      if (!r.ok) throw new Error(`sync: ${JSON.stringify(r.error)}`);
      count = r.messages.length;
    }
    const result = {
      threshold, extensions: extensions || "none", messages: count,
      bytesPerSync: (tcp.bytesRead - bytes0) / SYNCS,
      cpuMsPerSync: ((cpuSeconds(srv.child.pid) - cpu0) * 1000) / SYNCS,
    };
    agent.socket.disconnect();
    visitor.socket.disconnect();
    return result;
  } finally {
    await srv.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function measureSyncDeflate() {
  const on = await one(2048);
  const off = await one(0);
  console.error(`bench: sync of ${on.messages}: ${off.bytesPerSync} B -> ${on.bytesPerSync} B, CPU ${off.cpuMsPerSync.toFixed(1)} -> ${on.cpuMsPerSync.toFixed(1)} ms`);
  return { on, off, syncs: SYNCS };
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await measureSyncDeflate());
