// The participants of a run: A agents and V visitors connected over the real protocol,
// each visitor with one conversation assigned to an agent. For Holdfast that goes through
// the public API (admin creates agents, visitors get sessions, the first message opens the
// conversation and auto-assignment gives it to an agent); the relay just joins rooms.
import { connect } from "./load.mjs";

async function post(url, path, body, headers = {}) {
  const r = await fetch(url + path, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  const json = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error(`POST ${path}: ${r.status} ${JSON.stringify(json)}`);
  return json;
}

// Each visitor comes from its own address (the server runs with TRUST_PROXY=loopback), as
// real visitors do; otherwise the per-address limit on new sessions would refuse most.
const visitorIp = (i) => `10.77.${(i >> 8) & 255}.${i & 255}`;

/** Runs `fn` over 0..n-1 with at most `width` calls in flight. */
async function pool(n, width, fn) {
  const out = new Array(n);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(width, n) }, async () => {
    while (next < n) {
      const i = next++;
      out[i] = await fn(i);
    }
  }));
  return out;
}

export async function holdfastParties(url, { visitors: V, agents: A, admin }) {
  const { token } = await post(url, "/api/agent/token", admin);
  const agents = [];
  for (let i = 0; i < A; i++) {
    const email = `agent${i}@bench.local`;
    const password = "bench-password";
    // Capacity is capped at 100 per agent by the API; run.mjs checks V <= 100 * A.
    await post(url, "/api/agents", { email, name: `Agent ${i}`, password, role: "agent", maxConcurrent: 100 }, { authorization: `Bearer ${token}` });
    const t = await post(url, "/api/agent/token", { email, password });
    agents.push(await connect(url, "/agent", { token: t.token }));
  }
  // Assignment runs after each first message's ack; the agents hear of it as `conversation`.
  // Each visitor waits for its own before the next one starts, so at most 8 sit in the
  // queue at once. Auto-assignment reads the queue 50 at a time and goes round once more
  // per burst of triggers, so a burst of more than 50 new conversations arriving while a
  // run is busy leaves the rest waiting until the next trigger (a product bug, reported;
  // this keeps the bench independent of it).
  const assigned = new Map();
  const waiters = new Map();
  const onConv = (c) => {
    if (!c.agent) return;
    assigned.set(c.id, true);
    waiters.get(c.id)?.();
  };
  for (const a of agents) a.socket.on("conversation", onConv);
  const visitors = await pool(V, 8, async (i) => {
    const s = await post(url, "/api/visitor/session", { name: `Visitor ${i}` }, { "x-forwarded-for": visitorIp(i) });
    const v = await connect(url, "/visitor", { token: s.token });
    const r = await v.socket.emitWithAck("message:send", { clientMsgId: "hello", type: "text", body: "hello" });
    if (!r.ok) throw new Error(`first message refused: ${JSON.stringify(r.error)}`);
    const cid = r.message.conversationId;
    if (!assigned.has(cid)) {
      await new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`conversation ${i} not assigned within 20 s`)), 20_000);
        waiters.set(cid, () => (clearTimeout(t), resolve()));
      });
      waiters.delete(cid);
    }
    return { socket: v.socket, conversationId: cid };
  });
  for (const a of agents) a.socket.off("conversation", onConv);
  return { agents, visitors };
}

export async function relayParties(url, { visitors: V, agents: A }) {
  const agents = [];
  for (let i = 0; i < A; i++) {
    const rooms = Array.from({ length: V }, (_, v) => v).filter((v) => v % A === i).map((v) => `conversation:c${v}`);
    agents.push(await connect(url, "/agent", { rooms }));
  }
  const visitors = await pool(V, 8, async (i) => {
    const v = await connect(url, "/visitor", { rooms: [`conversation:c${i}`] });
    return { socket: v.socket, conversationId: `c${i}` };
  });
  return { agents, visitors };
}

export function disconnectAll({ agents, visitors }) {
  for (const x of [...agents, ...visitors]) x.socket.disconnect();
}
