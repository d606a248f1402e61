// The churn that leaks.test.ts drives, and the server bookkeeping it counts. Every structure
// the server keeps per socket, per participant or per pending operation is listed in
// bookkeeping(); each must return to its count before the churn once everyone has left.
import { randomUUID } from "node:crypto";
import { Agent as HttpAgent } from "node:http";
import type { Socket } from "node:net";
import type { Redis } from "ioredis";
import { io } from "socket.io-client";
import type { ClientToServerEvents, ErrorCode, ReadyPayload } from "../../src/events.js";
import { call, sleep, until, type ClientSocket, type PayloadOf } from "../helpers/clients.js";
import { TEST_REDIS_PREFIX, type TestServer } from "../helpers/server.js";
import type { Agent } from "../assignment/harness.js";

/** Per round: fresh visitors, each connecting LIVES times; fresh agents, each AGENT_LIVES times. */
const VISITORS = 160, LIVES = 4, AGENTS = 6, AGENT_LIVES = 5, CONCURRENCY = 100;
export const ROUND = { connects: VISITORS * LIVES + AGENTS * AGENT_LIVES };

export async function bookkeeping(srv: TestServer, resident: Agent, redis?: Redis) {
  const { io, services: deps } = srv.application;
  const out: Record<string, number> = {};
  // Presence: entries, timing-wheel deadlines, available/away/released sets (memory), or
  // local entries, deadlines and dirty set (Redis) plus the cluster's `due` zset.
  for (const [k, n] of Object.entries(await deps.presence.size())) out[`presence ${k}`] = n;
  // The Redis store's flush buffer holds whoever had traffic in the last flushMs: the resident at most.
  if ("presence dirty" in out) out["presence dirty"] = Math.max(0, out["presence dirty"] - 1);
  for (const name of ["/visitor", "/agent"]) {
    const nsp = io.of(name);
    const a = nsp.adapter as unknown as { rooms: Map<string, Set<string>>; sids: Map<string, Set<string>>; requests?: Map<string, unknown>; ackRequests?: Map<string, unknown> };
    out[`${name} sockets`] = nsp.sockets.size;
    out[`${name} rooms`] = a.rooms.size;
    out[`${name} sids`] = a.sids.size;
    if (a.requests) out[`${name} adapter requests`] = a.requests.size + (a.ackRequests?.size ?? 0);
  }
  out["engine clients"] = io.engine.clientsCount;
  // The agent who stayed: rooms of conversations that ended must not pile up on its socket.
  out["resident rooms"] = io.of("/agent").sockets.get(resident.socket.id ?? "")?.rooms.size ?? -1;
  out["delivery acks pending"] = deps.realtime.stats.pending; // each holds a timer and its socket
  out["writer queue"] = deps.writer.queueLength();
  // Not the limits' keys: the rate windows (rl:) expire with their window (a minute at
  // most), and a socket count (caps:) goes when its last socket does, a moment after the
  // disconnect (test/limits/cluster-limits.test.ts holds that).
  const limits = new RegExp(`^${TEST_REDIS_PREFIX}(rl|caps):`);
  if (redis) out["redis presence keys"] = (await redis.keys(`${TEST_REDIS_PREFIX}*`)).filter((k) => !limits.test(k)).length;
  return out;
}

/** Runs fn(0..count-1) with at most n in flight. */
async function pool(count: number, n: number, fn: (i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < count) await fn(next++);
  }));
}

// Long-polling reuses its connections, as browsers do. The Node client otherwise opens a TCP
// connection per request, and on this machine 1 in 10 loopback connects in a burst takes a
// 1 s SYN retry: a poll that late misses the transport's ping window and the socket is lost.
const keepAlive = new HttpAgent({ keepAlive: true });
interface Conn { socket: ClientSocket; ready: ReadyPayload; nsp: string }
/** A real client up to its `ready`. Under load a connection may also be lost before that
 *  (the client's ping timeout, at OFFLINE_AFTER_MS): it is closed and counted as lost. */
function connect(url: string, nsp: string, auth: object, o: { polling?: boolean; ack?: boolean } = {}): Promise<Conn> {
  const socket: ClientSocket = io(url + nsp, {
    auth, transports: [o.polling ? "polling" : "websocket"], reconnection: false, forceNew: true, agent: o.polling ? keepAlive : false,
  } as object);
  socket.on("message", (_m, ack) => void (o.ack !== false && ack({ ok: true })));
  return new Promise<Conn>((resolve, reject) => {
    socket.once("ready", (ready) => resolve({ socket, ready, nsp }));
    socket.once("connect_error", reject);
    socket.once("disconnect", (why) => reject(new Error(why)));
  }).catch((err) => {
    socket.disconnect();
    throw err;
  });
}

type Ending = "disconnect" | "engine close" | "cut" | "stall";
const ENDINGS: Ending[] = ["disconnect", "engine close", "cut", "stall"];

/** Ends a connection: a clean namespace disconnect, a transport close without one, a TCP
 *  connection cut without a close frame, or a link that stops reading (the server's ping
 *  timeout or the client's own must end it). Polling has no raw socket: engine close. */
async function end(srv: TestServer, p: Conn, how: Ending) {
  const { transport } = p.socket.io.engine;
  const raw = (transport as unknown as { ws?: { _socket?: Socket } }).ws?._socket;
  if (transport.name === "websocket" && !raw) throw new Error("no TCP socket under the WebSocket to cut");
  if (how === "disconnect") return void p.socket.disconnect();
  if (how === "engine close" || !raw) return p.socket.io.engine.close();
  if (how === "cut") return void raw.destroy();
  const nsp = srv.application.io.of(p.nsp);
  const id = p.socket.id!;
  raw.pause();
  await until(() => !nsp.sockets.has(id), 5000, "the server to drop a stalled socket");
  raw.destroy();
}

export async function churn(srv: TestServer, round: number) {
  const { accounts } = srv.application.services;
  const done = { connects: 0, lost: 0, messages: 0 };
  const open = async (nsp: "/visitor" | "/agent", auth: object, opts: Parameters<typeof connect>[3] = {}) => {
    try {
      const p = await connect(srv.url, nsp, auth, opts);
      done.connects++;
      return p;
    } catch {
      done.lost++;
      return null;
    }
  };
  // Created through the service: the HTTP session endpoint allows 300 per minute per address.
  const visitors = await Promise.all(Array.from({ length: VISITORS }, (_, i) => accounts.createVisitor({ name: `Churn ${round}.${i}` })));
  const agents: string[] = [];
  for (let j = 0; j < AGENTS; j++) {
    const email = `churn.${round}.${j}.${randomUUID().slice(0, 8)}@test.local`;
    const a = await accounts.createAgent({ email, name: `Churn Agent ${round}.${j}`, password: "password-123", role: "agent", maxConcurrent: 3 });
    agents.push(await accounts.issueToken((await accounts.repo.agentById(a.id))!));
  }

  /** An acked event that must succeed (or fail with one of `may`); a connection lost
   *  meanwhile (under load) is counted, not an error. */
  const act = async <E extends keyof ClientToServerEvents>(p: Conn, event: E, payload: PayloadOf<E>, may: ErrorCode[] = []) => {
    const r = await call(p.socket, event, payload).catch((err: Error) => {
      if (p.socket.connected) throw err;
      done.lost++;
      return null;
    });
    if (r && !r.ok && !may.includes(r.error.code)) throw new Error(`${event}: ${JSON.stringify(r)}`);
    return r?.ok ? r : null;
  };

  const visitorLife = async (i: number) => {
    const { token } = visitors[i];
    let talked = false;
    for (let k = 0; k < LIVES; k++) {
      // Some over polling only; some never ack their messages (the server re-emits to them).
      const p = await open("/visitor", { token, reconnects: k }, { polling: i % 20 === 7, ack: i % 4 !== 1 });
      if (!p) continue;
      p.socket.emit("hb", { t: Date.now(), rtt: i % 9 === 0 ? 1200 : 40 }, () => {});
      if (i % 3 === 0 && k === 0) {
        talked = !!(await act(p, "message:send", { clientMsgId: randomUUID(), type: "text", body: `hello ${i}` }));
        if (talked) done.messages++;
      }
      if (talked && k === 1) {
        await act(p, "sync", { afterSeq: 0 });
        await act(p, "typing", { isTyping: true });
        await act(p, "message:read", { upToSeq: 1 });
      }
      const twin = i % 10 === 0 && k === 2 ? await open("/visitor", { token, reconnects: k }) : null;
      await sleep((i * 37 + k * 11) % 120);
      await end(srv, p, ENDINGS[(i + k) % ENDINGS.length]);
      twin?.socket.disconnect();
    }
  };

  const agentLife = async (j: number) => {
    for (let k = 0; k < AGENT_LIVES; k++) {
      const p = await open("/agent", { token: agents[j] });
      if (!p) continue;
      // Answer or resolve what it was given (the visitor may have left meanwhile: CONFLICT;
      // requeued while this agent was offline and given to another: FORBIDDEN).
      for (const c of p.ready.conversations) {
        if ((j + k) % 2 === 0) await act(p, "conversation:resolve", { conversationId: c.id }, ["CONFLICT", "FORBIDDEN"]);
        else if (await act(p, "message:send", { conversationId: c.id, clientMsgId: randomUUID(), type: "text", body: "On it" }, ["CONFLICT", "FORBIDDEN"])) done.messages++;
      }
      await sleep(300 + ((j * 53 + k * 97) % 400));
      await end(srv, p, ENDINGS[(j + k) % ENDINGS.length]);
    }
  };

  await Promise.all([pool(VISITORS, CONCURRENCY, visitorLife), pool(AGENTS, AGENTS, agentLife)]);
  return done;
}
