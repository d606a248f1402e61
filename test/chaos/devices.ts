// Product-like clients for the chaos suite and the cluster benchmark. Each device comes
// from its own loopback address (nginx hashes on it), on WebSocket or long-polling alone,
// and behaves as the browser runtime does: it reconnects with backoff (also after a
// handshake refused UNAVAILABLE, which Socket.IO does not retry by itself), acks every
// message, syncs after a reconnect or a seq gap that does not close by itself, and sends
// one message at a time with a clientMsgId that it retries unchanged after UNAVAILABLE,
// RATE_LIMITED or a lost ack. Everything it sees is recorded with the time and the node
// (the prefix of the engine.io session id) it was on.
import { io } from "socket.io-client";
import type { Message, ReadyPayload } from "../../src/events.js";
import { call, fromAddress, sleep, type ClientSocket } from "../helpers/clients.js";
import { createTimeline } from "./timeline.js";

export type Transport = "websocket" | "polling";
/** An ack's code, "ok", or TIMEOUT when no ack came in time. */
export type AckCode = string;

export interface Held {
  m: Message;
  at: number;
  /** live: a `message` event; sync: fetched after a gap or reconnect; own: this device's ack. */
  via: "live" | "sync" | "own";
  node: string | null;
}

export interface Sent {
  clientMsgId: string;
  firstAt: number;
  /** Each attempt's answer, when it came. */
  attempts: { at: number; code: AckCode }[];
  acked?: { at: number; message: Message; node: string | null };
}

export interface Device {
  name: string;
  kind: "visitor" | "agent";
  address: string;
  transport: Transport;
  socket: ClientSocket;
  /** Who the server says this is (from `ready`). */
  id: string | null;
  node: string | null;
  connected: boolean;
  connects: { at: number; node: string | null }[];
  disconnects: { at: number; reason: string; node: string | null }[];
  held: Map<string, Held>;
  sent: Sent[];
  /** Conversations this device follows: a visitor's own, an agent's assigned ones. */
  conversations: Set<string>;
  close(): void;
}

export interface DeviceOptions {
  base: string;
  kind: "visitor" | "agent";
  token: string;
  name: string;
  address: string;
  transport: Transport;
  /** Visitors: a message every ~intervalMs (jittered). Agents: answer this share of the
   *  visitor messages they receive live (at most a few waiting at once). */
  intervalMs?: number;
  replyRatio?: number;
  /** How long a send waits for its ack before retrying (the product's client: 15 s). */
  ackTimeoutMs?: number;
}

const RETRIED = new Set(["TIMEOUT", "UNAVAILABLE", "RATE_LIMITED"]);

export function openDevice(o: DeviceOptions): Device {
  const socket: ClientSocket = io(`${o.base}/${o.kind}`, {
    auth: { token: o.token },
    transports: [o.transport],
    forceNew: true,
    reconnectionDelay: 250,
    reconnectionDelayMax: 2000,
    timeout: 5000,
    ...fromAddress(o.address),
  });
  let running = true;
  const d: Device = {
    name: o.name, kind: o.kind, address: o.address, transport: o.transport, socket,
    id: null, node: null, connected: false, connects: [], disconnects: [], held: new Map(), sent: [], conversations: new Set(),
    close() {
      running = false;
      socket.disconnect();
    },
  };
  const engineNode = () => socket.io.engine?.id?.split(".")[0] ?? null;
  const timeline = createTimeline(d, async (cid, afterSeq) => {
    if (!d.connected) return null;
    const page = await call(socket, "sync", { conversationId: cid, afterSeq, limit: 500 }, 5000);
    return page.ok ? page : null;
  });
  const { track, hold, sync } = timeline;

  socket.on("ready", (r: ReadyPayload) => {
    d.id = r.you.id;
    d.node = engineNode();
    d.connected = true;
    const again = d.connects.length > 0;
    d.connects.push({ at: Date.now(), node: d.node });
    for (const c of r.conversations) track(c.id);
    if (again || o.kind === "agent") for (const cid of d.conversations) void sync(cid);
  });
  socket.on("disconnect", (reason) => {
    d.connected = false;
    d.disconnects.push({ at: Date.now(), reason, node: d.node });
    // A server-side disconnect is not retried by Socket.IO; the product reconnects anyway.
    if (reason === "io server disconnect" && running) setTimeout(() => running && socket.connect(), 1000);
  });
  socket.on("connect_error", (err: Error & { data?: { retryAfterMs?: number } }) => {
    // A refused namespace handshake (err.data) is final for Socket.IO; a transport failure
    // is retried by its manager.
    if (err.data && running) setTimeout(() => running && socket.connect(), err.data.retryAfterMs ?? 1000);
  });
  socket.on("message", (m, ack) => {
    ack?.({ ok: true });
    const fresh = !d.held.has(m.id);
    hold(m, "live");
    if (fresh && o.kind === "agent" && m.sender.type === "visitor" && replies.length < 3 && Math.random() < (o.replyRatio ?? 0)) {
      replies.push(m.conversationId);
    }
  });
  socket.on("conversation", (c) => {
    if (o.kind !== "agent" || c.agent?.id !== d.id || c.status === "resolved" || d.conversations.has(c.id)) return;
    track(c.id);
    void sync(c.id);
  });

  async function send(n: number, conversationId?: string) {
    const rec: Sent = { clientMsgId: `${o.name}-${n}`, firstAt: Date.now(), attempts: [] };
    d.sent.push(rec);
    const payload = { clientMsgId: rec.clientMsgId, type: "text" as const, body: `${o.name} #${n}`, ...(conversationId ? { conversationId } : {}) };
    while (running) {
      if (!d.connected) {
        await sleep(50);
        continue;
      }
      const ack = await call(socket, "message:send", payload, o.ackTimeoutMs ?? 15_000).catch(() => null);
      const code = !ack ? "TIMEOUT" : ack.ok ? "ok" : ack.error.code;
      rec.attempts.push({ at: Date.now(), code });
      if (ack?.ok) {
        rec.acked = { at: Date.now(), message: ack.message, node: d.node };
        hold(ack.message, "own");
        return;
      }
      if (!RETRIED.has(code)) return; // recorded; the suite fails on it
      await sleep(ack && !ack.ok ? ack.error.retryAfterMs ?? 500 : 200);
    }
  }

  const replies: string[] = [];
  void (async () => {
    for (let n = 1; running; n++) {
      if (o.kind === "visitor") {
        await sleep((o.intervalMs ?? 250) * (0.5 + Math.random()));
        if (running) await send(n);
      } else {
        await sleep(100);
        const cid = replies.shift();
        if (cid && running) await send(n, cid);
      }
    }
    timeline.stop();
  })();
  return d;
}

/** Resolves when the device got `ready`, rejects after `ms`. */
export async function whenReady(d: Device, ms = 15_000) {
  const end = Date.now() + ms;
  while (!d.connected) {
    if (Date.now() > end) throw new Error(`${d.name} (${d.address}, ${d.transport}) not connected after ${ms} ms`);
    await sleep(20);
  }
}
