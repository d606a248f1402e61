// Server-level harness for the presence and assignment suites (PROTOCOL.md section 4): the
// variants every case runs on (in-memory state or Redis, on each test database), agents and
// visitors that heartbeat like the product's clients and record what they are told, and the
// database as the referee of who owns what.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import type { Ack, Conversation, Message, PresencePayload } from "../../src/events.js";
import { agentToken, call, connectAgent, connectVisitor, createAgent, until, visitorSession, type Participant } from "../helpers/clients.js";
import { connectRedis, REDIS_URL, serverPerSuite, startServer, testDatabases, type DbKind, type TestServer } from "../helpers/server.js";

export type StateKind = "memory" | "redis";
export interface Variant { db: DbKind; state: StateKind; name: string }

/** In-memory state on every test database, then Redis state on every test database. */
export function variants(dbs: DbKind[] = testDatabases()): Variant[] {
  return (["memory", "redis"] as const).flatMap((state) => dbs.map((db) => ({ db, state, name: `${state}, ${db}` })));
}

/** Call in before(): the Redis variant fails (not skips) when Redis is required
 *  (HOLDFAST_TEST_REDIS=1 or CI=true) and does not answer; otherwise it is skipped. */
export async function requireState(ctx: Mocha.Context, state: StateKind): Promise<void> {
  if (state === "memory") return;
  const r = await connectRedis(); // throws where Redis is required
  if (!r) ctx.skip();
  await r!.quit();
}

export function serverFor(v: Variant, env: Record<string, string> = {}, store?: TestServer["store"]) {
  return startServer({ db: v.db, store, env: { ...env, ...(v.state === "redis" ? { REDIS_URL } : {}) } });
}

/** One server on variant `v` for the enclosing describe(), after requireState in before(). */
export function suiteServer(v: Variant, env: Record<string, string> = {}): TestServer {
  return serverPerSuite(async (ctx) => {
    await requireState(ctx, v.state);
    return serverFor(v, env);
  });
}

/** A participant that heartbeats every heartbeatIntervalMs (as the product's clients do)
 *  and records every `conversation` and `presence` event with its arrival time. */
export interface Watched extends Participant {
  id: string;
  conversations: (Conversation & { at: number })[];
  presence: (PresencePayload & { at: number })[];
}
function watch(p: Participant, id: string): Watched {
  const w: Watched = { ...p, id, conversations: [], presence: [] };
  p.socket.on("conversation", (c) => w.conversations.push({ ...c, at: Date.now() }));
  p.socket.on("presence", (e) => w.presence.push({ ...e, at: Date.now() }));
  const hb = setInterval(() => p.socket.emit("hb", { t: Date.now() }, () => {}), p.ready.heartbeatIntervalMs);
  p.socket.on("disconnect", () => clearInterval(hb));
  w.close = () => (clearInterval(hb), p.socket.disconnect());
  return w;
}

// Keyed by the database, not the URL: a later suite's server may get a finished one's port
// (a CI run saw the cached token of another database refused, 401).
const adminTokens = new Map<string, string>();
async function adminToken(srv: TestServer) {
  const env = (srv.store as { env?: Record<string, string> } | undefined)?.env;
  const key = `${srv.url} ${env?.DATABASE_URL ?? ""} ${env?.DATA_DIR ?? ""}`;
  if (!adminTokens.has(key)) adminTokens.set(key, (await agentToken(srv.url)).token);
  return adminTokens.get(key)!;
}

/** A new (non-admin) agent, connected to each server given (one agent, several nodes). */
export async function newAgent(servers: TestServer | TestServer[], name: string, maxConcurrent = 5) {
  const list = Array.isArray(servers) ? servers : [servers];
  const a = await createAgent(list[0].url, await adminToken(list[0]), name, { maxConcurrent });
  const sockets = [];
  for (const s of list) sockets.push(watch(await connectAgent(s.url, a.token), a.agentId));
  return Object.assign(sockets[0], { nodes: sockets, name });
}
export type Agent = Awaited<ReturnType<typeof newAgent>>;

/** Ends a case on a shared server: agents go `away` first, because a socket that is closing
 *  keeps its owner available until its disconnect reaches the store, and the owner would
 *  take the next case's conversations. */
export async function retire(...ps: (Watched & { nodes?: Watched[] })[]) {
  for (const p of ps) {
    if (p.nodes && p.socket.connected) await call(p.socket, "agent:status", { status: "away" });
    for (const s of p.nodes ?? [p]) s.close();
  }
}

export async function newVisitor(srv: TestServer, name = "Vera Visitor") {
  const v = await visitorSession(srv.url, name);
  return { ...watch(await connectVisitor(srv.url, v.token), v.visitorId), token: v.token };
}
export type Visitor = Awaited<ReturnType<typeof newVisitor>>;

/** The visitor's message (its first opens a conversation); answers the stored message. */
export async function say(v: Participant, body = "Hello, anyone there?"): Promise<Message> {
  const r = await call(v.socket, "message:send", { clientMsgId: randomUUID(), type: "text", body });
  assert.equal(r.ok, true, JSON.stringify(r));
  return r.message;
}

export const repos = (srv: TestServer) => srv.application.services.repos;
export const row = async (srv: TestServer, cid: string) => (await repos(srv).conversations.byId(cid))!;
export const transcript = (srv: TestServer, cid: string) => repos(srv).messages.messagesAfter(cid, 0, 500);

/** Waits until the database shows the conversation in `status` (and with `agentId`). */
export async function settled(srv: TestServer, cid: string, status: string, agentId?: string | null, ms = 5000) {
  await until(async () => {
    const r = await row(srv, cid);
    return r.status === status && (agentId === undefined || r.agent_id === agentId);
  }, ms, `conversation ${cid.slice(0, 8)} ${status}${agentId ? ` with ${agentId.slice(0, 8)}` : ""}`);
}

/** seqs 1..n without a gap or repeat, in order. */
export function assertGapless(messages: Message[]) {
  assert.deepEqual(messages.map((m) => m.seq), messages.map((_, i) => i + 1), "seqs are 1..n");
}
export const systemTexts = (messages: Message[]) => messages.filter((m) => m.sender.type === "system").map((m) => m.body);
export const errorCode = (ack: Ack) => (ack.ok ? "ok" : ack.error.code);
