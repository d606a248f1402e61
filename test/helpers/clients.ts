// Real socket.io-client participants for tests, typed with the shared events file.
import { io, type Socket } from "socket.io-client";
import type { ClientToServerEvents, Message, ReadyPayload, ServerToClientEvents } from "../../src/events.js";
import { ADMIN } from "./server.js";

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export async function api<T = any>(base: string, method: string, path: string, body?: unknown, token?: string) {
  const res = await fetch(base + path, {
    method,
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, body: json as T, text };
}

export async function visitorSession(base: string, name = "Vera Visitor") {
  const r = await api<{ visitorId: string; token: string }>(base, "POST", "/api/visitor/session", { name });
  if (r.status !== 201) throw new Error(`visitor session: ${r.status} ${r.text}`);
  return r.body;
}

export async function agentToken(base: string, email = ADMIN.email, password = ADMIN.password) {
  const r = await api<{ agentId: string; token: string }>(base, "POST", "/api/agent/token", { email, password });
  if (r.status !== 200) throw new Error(`agent token: ${r.status} ${r.text}`);
  return r.body;
}

export async function createAgent(base: string, adminToken: string, name: string, extra: object = {}) {
  const email = `${name.toLowerCase().replace(/\W+/g, ".")}.${Math.random().toString(36).slice(2, 7)}@test.local`;
  const r = await api(base, "POST", "/api/agents", { email, name, password: "password-123", role: "agent", ...extra }, adminToken);
  if (r.status !== 201) throw new Error(`create agent: ${r.status} ${r.text}`);
  return { ...(await agentToken(base, email, "password-123")), email };
}

export interface Participant {
  socket: ClientSocket;
  ready: ReadyPayload;
  /** Every `message` received (acked automatically unless `ackMessages` is false). */
  received: Message[];
  close(): void;
}

export async function connect(
  base: string,
  nsp: "/visitor" | "/agent",
  auth: Record<string, unknown>,
  opts: { transports?: ("websocket" | "polling")[]; ackMessages?: boolean; extraHeaders?: Record<string, string> } = {},
): Promise<Participant> {
  const socket: ClientSocket = io(base + nsp, {
    auth,
    transports: opts.transports ?? ["websocket"],
    reconnection: false,
    forceNew: true,
    extraHeaders: opts.extraHeaders,
  });
  const received: Message[] = [];
  socket.on("message", (m, ack) => {
    received.push(m);
    if (opts.ackMessages !== false) ack({ ok: true });
  });
  const ready = await new Promise<ReadyPayload>((resolve, reject) => {
    socket.once("ready", resolve);
    socket.once("connect_error", (err: Error & { data?: unknown }) => reject(Object.assign(err, { data: err.data })));
  });
  return { socket, ready, received, close: () => socket.disconnect() };
}

export const connectVisitor = (base: string, token: string, opts?: Parameters<typeof connect>[3]) =>
  connect(base, "/visitor", { token }, opts);
export const connectAgent = (base: string, token: string, opts?: Parameters<typeof connect>[3]) =>
  connect(base, "/agent", { token }, opts);

/** Emits with an ack and resolves with the answer. */
export function call<T = any>(socket: ClientSocket, event: string, payload?: unknown, timeoutMs = 10_000): Promise<T> {
  return (socket.timeout(timeoutMs) as any).emitWithAck(event, payload);
}

export async function until(cond: () => boolean | Promise<boolean>, timeoutMs = 5000, what = "condition") {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
