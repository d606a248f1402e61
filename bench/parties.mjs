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
export async function pool(n, width, fn) {
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

/** A agents with room for `maxConcurrent` conversations each, connected to /agent. */
export async function holdfastAgents(url, { agents: A, admin, maxConcurrent }) {
  const { token } = await post(url, "/api/agent/token", admin);
  const agents = [];
  for (let i = 0; i < A; i++) {
    const email = `agent${i}@bench.local`;
    const password = "bench-password";
    await post(url, "/api/agents", { email, name: `Agent ${i}`, password, role: "agent", maxConcurrent }, { authorization: `Bearer ${token}` });
    const t = await post(url, "/api/agent/token", { email, password });
    agents.push(await connect(url, "/agent", { token: t.token }));
  }
  return agents;
}

/** Visitor number `i` (its own address) with a session, connected to /visitor. */
export async function holdfastVisitor(url, i) {
  const s = await post(url, "/api/visitor/session", { name: `Visitor ${i}` }, { "x-forwarded-for": visitorIp(i) });
  return connect(url, "/visitor", { token: s.token });
}

/** The visitor's first message, which opens its conversation; answers the conversation id.
 *  Refused RATE_LIMITED with retryAfterMs (500 opened at once on the embedded database),
 *  it is sent again after the told delay, as the product's client does (same clientMsgId). */
export async function openConversation(visitor) {
  for (let attempt = 1; ; attempt++) {
    const r = await visitor.socket.emitWithAck("message:send", { clientMsgId: "hello", type: "text", body: "hello" });
    if (r.ok) return r.message.conversationId;
    if (r.error?.code !== "RATE_LIMITED" || !(r.error.retryAfterMs > 0) || attempt >= 10) {
      throw new Error(`first message refused: ${JSON.stringify(r.error)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, r.error.retryAfterMs));
  }
}

/** Calls `fn(conversation, at)` for every conversation an agent is told is assigned to it. */
export function onAssigned(agents, fn) {
  const listener = (c) => {
    if (c.agent && c.status === "open") fn(c, performance.now());
  };
  for (const a of agents) a.socket.on("conversation", listener);
  return () => {
    for (const a of agents) a.socket.off("conversation", listener);
  };
}

export async function holdfastParties(url, { visitors: V, agents: A, admin }) {
  // Capacity is capped at 100 per agent by the API; run.mjs checks V <= 100 * A.
  const agents = await holdfastAgents(url, { agents: A, admin, maxConcurrent: 100 });
  // Every visitor opens its conversation at once, as a busy site's visitors do; each one
  // is ready once its agent has been told (the agent is then in the conversation's room).
  const assigned = new Set();
  const waiters = new Map();
  const stop = onAssigned(agents, (c) => {
    assigned.add(c.id);
    waiters.get(c.id)?.();
  });
  const visitors = await Promise.all(Array.from({ length: V }, async (_, i) => {
    const v = await holdfastVisitor(url, i);
    const cid = await openConversation(v);
    if (!assigned.has(cid)) {
      await new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`conversation ${i} not assigned within 20 s`)), 20_000);
        waiters.set(cid, () => (clearTimeout(t), resolve()));
      });
      waiters.delete(cid);
    }
    return { socket: v.socket, conversationId: cid };
  }));
  stop();
  return { agents, visitors };
}

export async function relayParties(url, { visitors: V, agents: A }) {
  const agents = [];
  for (let i = 0; i < A; i++) {
    const rooms = Array.from({ length: V }, (_, v) => v).filter((v) => v % A === i).map((v) => `conversation:c${v}`);
    agents.push(await connect(url, "/agent", { rooms }));
  }
  const visitors = await Promise.all(Array.from({ length: V }, async (_, i) => {
    const v = await connect(url, "/visitor", { rooms: [`conversation:c${i}`] });
    return { socket: v.socket, conversationId: `c${i}` };
  }));
  return { agents, visitors };
}

export function disconnectAll({ agents, visitors }) {
  for (const x of [...agents, ...visitors]) x.socket.disconnect();
}
