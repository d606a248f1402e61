// What must hold after every fault of the chaos suite, read from the devices' records,
// the nodes' /readyz samples and the database itself (SQL, not the API).
import assert from "node:assert/strict";
import { api, call, connectVisitor, expectOk, until, visitorSession } from "../helpers/clients.js";
import { sql } from "../cluster/helpers.js";
import type { ChaosCluster, NodeName } from "./cluster.js";
import type { Device, Sent } from "./devices.js";
import type { Population } from "./population.js";

const ALLOWED_CODES = new Set(["ok", "UNAVAILABLE", "RATE_LIMITED", "TIMEOUT"]);

/** The answers to send attempts between two times, by code ("ok", an error code, TIMEOUT). */
export function ackCodes(devices: Device[], from: number, to = Infinity): Record<string, number> {
  const out: Record<string, number> = {};
  for (const d of devices) {
    for (const s of d.sent) for (const a of s.attempts) if (a.at >= from && a.at <= to) out[a.code] = (out[a.code] ?? 0) + 1;
  }
  return out;
}

export function assertNoBadAcks(devices: Device[]) {
  const bad = devices.flatMap((d) => d.sent.filter((s) => s.attempts.some((a) => !ALLOWED_CODES.has(a.code)))
    .map((s) => `${s.clientMsgId}: ${s.attempts.map((a) => a.code)}`));
  assert.deepEqual(bad, [], "no INTERNAL (or any other refusal) in an ack");
}

/** Every acked message is stored once, with its acked seq; every conversation's seqs are 1..N. */
export async function assertStoredExactlyOnce(c: ChaosCluster, devices: Device[]) {
  const acked = devices.flatMap((d) => d.sent.filter((s): s is Required<Sent> => !!s.acked)).map((s) => s.acked.message);
  const rows = await sql<{ id: string; seq: number; conversation_id: string }>(c.store,
    "SELECT id, seq, conversation_id FROM message WHERE id = ANY($1)", [acked.map((m) => m.id)]);
  const stored = new Map(rows.map((r) => [r.id, r]));
  const wrong = acked.filter((m) => stored.get(m.id)?.seq !== m.seq || stored.get(m.id)?.conversation_id !== m.conversationId);
  assert.deepEqual(wrong.map((m) => m.clientMsgId), [], `every acked message is stored with its seq (${acked.length} acked)`);
  const twice = await sql(c.store, "SELECT sender_id, client_msg_id FROM message GROUP BY 1, 2 HAVING count(*) > 1");
  assert.deepEqual(twice, [], "no clientMsgId stored twice");
  const gaps = await sql<{ conversation_id: string; n: number; lo: number; hi: number; last_seq: number }>(c.store, `
    SELECT m.conversation_id, count(*)::int AS n, min(m.seq) AS lo, max(m.seq) AS hi, c.last_seq
    FROM message m JOIN conversation c ON c.id = m.conversation_id GROUP BY m.conversation_id, c.last_seq
    HAVING count(*) <> max(m.seq) OR min(m.seq) <> 1 OR max(m.seq) <> c.last_seq`);
  assert.deepEqual(gaps, [], "every conversation's seqs are exactly 1..last_seq");
  return acked.length;
}

/** Every acked message reaches the other side of its conversation (live, or by the
 *  client's own sync after a gap or reconnect), within `ms`. */
export async function assertDelivered(p: Population, ms = 15_000) {
  const agentOf = (cid: string) => p.agents.find((a) => a.conversations.has(cid));
  const visitorOf = (cid: string) => p.visitors.find((v) => v.conversations.has(cid));
  const missing = () => p.all.flatMap((d) => d.sent.flatMap((s) => {
    if (!s.acked) return [];
    const m = s.acked.message;
    if (d.kind === "agent" && !visitorOf(m.conversationId)) return []; // an answer to a probe visitor
    const to = d.kind === "visitor" ? agentOf(m.conversationId) : visitorOf(m.conversationId);
    return to?.held.has(m.id) ? [] : [`${s.clientMsgId} -> ${to?.name ?? "nobody"}`];
  }));
  await until(() => missing().length === 0, ms, "every acked message at the other side").catch(() => {
    assert.fail(`acked but never received: ${missing().slice(0, 10).join(", ")} (${missing().length})`);
  });
}

/** When, after `since`, live delivery across nodes works in both directions for every
 *  node in `nodes`: a message sent from it reached a device on another node, and a
 *  message sent elsewhere reached a device on it. Null until then. */
export function crossNodeSince(p: Population, nodes: readonly NodeName[], since: number): number | null {
  const out = new Map<string, number>();
  const inn = new Map<string, number>();
  const firstOf = (map: Map<string, number>, node: string, at: number) => map.set(node, Math.min(map.get(node) ?? Infinity, at));
  for (const sender of p.all) {
    for (const s of sender.sent) {
      if (!s.acked || s.firstAt < since) continue;
      for (const r of p.all) {
        const h = r.held.get(s.acked.message.id);
        if (r === sender || h?.via !== "live" || !h.node || h.node === s.acked.node) continue;
        firstOf(out, s.acked.node!, h.at);
        firstOf(inn, h.node, h.at);
      }
    }
  }
  const times = nodes.flatMap((n) => [out.get(n), inn.get(n)]);
  return times.every((t) => t !== undefined) ? Math.max(...(times as number[])) : null;
}

export async function waitCrossNode(p: Population, nodes: readonly NodeName[], since: number, ms: number): Promise<number> {
  let at: number | null = null;
  await until(() => (at = crossNodeSince(p, nodes, since)) !== null, ms, `live cross-node delivery for ${nodes.join(", ")}`);
  return at! - since;
}

/** Until every node's /readyz answers 200; the time from `since`. */
export async function waitAllReady(c: ChaosCluster, since: number, ms = 15_000): Promise<number> {
  const ready = async () => (await Promise.all(c.nodes.map((n) => fetch(`${n.url}/readyz`).then((r) => r.status, () => 0)))).every((s) => s === 200);
  await until(ready, ms, "every node ready");
  return Date.now() - since;
}

/** The /readyz statuses each node answered between two times. */
export function readyDuring(c: ChaosCluster, from: number, to: number): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const s of c.samples) if (s.at >= from && s.at <= to) (out[s.node] ??= []).includes(s.status) || out[s.node].push(s.status);
  return out;
}

/** Presence tells the truth afterwards: every connected visitor and agent reads online in
 *  the console's API, and a new visitor's conversation is assigned to an agent at once. */
export async function assertPresence(base: string, p: Population, ms = 15_000) {
  const wrong = async () => {
    const convs = await api<{ conversations: { id: string; visitor: { presence: string } }[] }>(base, "GET", "/api/console/conversations?scope=all", undefined, p.adminToken);
    const team = await api<{ agents: { id: string; presence: string; status: string }[] }>(base, "GET", "/api/agents", undefined, p.adminToken);
    if (convs.status !== 200 || team.status !== 200) return [`console API ${convs.status}/${team.status}`];
    const presence = new Map(convs.body.conversations.map((c) => [c.id, c.visitor.presence]));
    const agents = new Map(team.body.agents.map((a) => [a.id, `${a.presence}/${a.status}`]));
    return [
      ...p.visitors.filter((v) => v.connected).flatMap((v) => [...v.conversations].filter((cid) => presence.get(cid) !== "online").map((cid) => `${v.name}: ${presence.get(cid)}`)),
      ...p.agents.filter((a) => a.connected && agents.get(a.id!) !== "online/online").map((a) => `${a.name}: ${agents.get(a.id!)}`),
    ];
  };
  let last: string[] = [];
  await until(async () => (last = await wrong()).length === 0, ms, "presence").catch(() => assert.fail(`presence wrong: ${last.slice(0, 8).join(", ")}`));
  const probe = await visitorSession(base, "Probe");
  const v = await connectVisitor(base, probe.token);
  try {
    expectOk(await call(v.socket, "message:send", { clientMsgId: "probe", type: "text", body: "anyone?" }));
    await until(async () => {
      const r = await api<{ conversation: { agent: unknown } | null }>(base, "GET", "/api/visitor/conversation", undefined, probe.token);
      return !!r.body?.conversation?.agent;
    }, 10_000, "a new conversation assigned to an agent");
  } finally {
    v.close();
  }
}
