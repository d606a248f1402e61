// Real socket.io-client participants for tests, typed with the shared events file.
import assert from "node:assert/strict";
import http from "node:http";
import { io, type Socket } from "socket.io-client";
import type { Ack, AckError, ClientToServerEvents, HandshakeErrorData, Message, ReadyPayload, ServerToClientEvents } from "../../src/events.js";
import { ADMIN } from "./server.js";

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** The body of a refused JSON API call: the same `error` as a refused ack. */
export type ApiErrorBody = Pick<AckError, "error">;
/** The bodies of POST /api/visitor/session and POST /api/agent/token. */
export type VisitorSessionBody = { visitorId: string; token: string };
export type AgentTokenBody = { agentId: string; token: string };

/** An HTTP call to the JSON API; `body` is the parsed answer (null when not JSON), typed as
 *  the caller expects it to be: say which fields you read. */
export async function api<T = unknown>(base: string, method: string, path: string, body?: unknown, token?: string) {
  const res = await fetch(base + path, {
    method,
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, body: json as T, text };
}

export async function visitorSession(base: string, name = "Vera Visitor") {
  const r = await api<VisitorSessionBody>(base, "POST", "/api/visitor/session", { name });
  if (r.status !== 201) throw new Error(`visitor session: ${r.status} ${r.text}`);
  return r.body;
}

export async function agentToken(base: string, email = ADMIN.email, password = ADMIN.password) {
  const r = await api<AgentTokenBody>(base, "POST", "/api/agent/token", { email, password });
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

/** Socket options that make a client's connections leave from `localAddress` (all of
 *  127.0.0.0/8 is loopback on Linux), so that a load balancer hashing on the client's
 *  address sees distinct clients. engine.io-client hands `agent` to both transports (to
 *  ws, and to the XHR of long-polling); its declared type is the browser's (string | boolean). */
export const fromAddress = (localAddress: string) => ({ agent: new http.Agent({ localAddress }) as unknown as string });

/** What `connect` rejects with when the handshake is refused: `data` carries the contract's code. */
export type ConnectError = Error & { data?: HandshakeErrorData };

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
    socket.once("connect_error", (err: ConnectError) => reject(Object.assign(err, { data: err.data })));
  });
  return { socket, ready, received, close: () => socket.disconnect() };
}

export const connectVisitor = (base: string, token: string, opts?: Parameters<typeof connect>[3]) =>
  connect(base, "/visitor", { token }, opts);
export const connectAgent = (base: string, token: string, opts?: Parameters<typeof connect>[3]) =>
  connect(base, "/agent", { token }, opts);

type ClientEvent = keyof ClientToServerEvents;
/** The payload of a client-to-server event: the first parameter of its handler. */
export type PayloadOf<E extends ClientEvent> = Parameters<ClientToServerEvents[E]>[0];
/** The answer to a client-to-server event: `Ack<T>` of its ack callback, `{ ok: true } & T | AckError`. */
export type AckOf<E extends ClientEvent> = Parameters<Parameters<ClientToServerEvents[E]>[1]>[0];

/** Emits a contract event with its ack and resolves with the answer (rejects after `timeoutMs`). */
export function call<E extends ClientEvent>(socket: ClientSocket, event: E, payload: PayloadOf<E>, timeoutMs = 10_000): Promise<AckOf<E>> {
  // The answer is the server's, typed by the contract: socket.io's own emitWithAck types
  // cannot follow a generic event name through timeout()'s decorated acks.
  return emitWithAck(socket, event, payload, timeoutMs) as Promise<AckOf<E>>;
}

/** `message:send` as a well-behaved client does it (PROTOCOL.md, Acks): a `RATE_LIMITED`
 *  or `UNAVAILABLE` answer stored nothing, so wait its `retryAfterMs` and send again with the
 *  same `clientMsgId`. For tests that write a long history through one participant faster
 *  than its send budget allows (a visitor: 10 a second plus 100 a minute); any other refusal,
 *  or still being refused after `maxWaitMs`, throws. Resolves with the stored message. */
export async function sendAccepted(socket: ClientSocket, payload: PayloadOf<"message:send">, maxWaitMs = 30_000): Promise<Message> {
  const deadline = Date.now() + maxWaitMs;
  for (;;) {
    const res = await call(socket, "message:send", payload);
    if (res.ok) return res.message;
    const { code, retryAfterMs } = res.error;
    if ((code !== "RATE_LIMITED" && code !== "UNAVAILABLE") || Date.now() > deadline) {
      throw new Error(`message:send ${payload.clientMsgId} refused: ${code} ${res.error.message}`);
    }
    await new Promise((r) => setTimeout(r, retryAfterMs ?? 100));
  }
}

/** Escape hatch for tests that send what the contract forbids (payloads of the wrong
 *  shape, missing payloads, events a namespace does not know): neither the event nor the
 *  payload is checked. Everything else goes through the typed `call`. */
export function callRaw(socket: ClientSocket, event: string, payload: unknown, timeoutMs = 10_000): Promise<Ack> {
  return emitWithAck(socket, event, payload, timeoutMs) as Promise<Ack>;
}

function emitWithAck(socket: ClientSocket, event: string, payload: unknown, timeoutMs: number): Promise<unknown> {
  const untyped: Socket = socket.timeout(timeoutMs);
  return untyped.emitWithAck(event, payload);
}

/** Escape hatch next to `callRaw`: an emit the contract forbids (no ack, an unknown event,
 *  extra arguments, a payload of the wrong shape), exactly as given. */
export function emitRaw(socket: ClientSocket, event: string, ...args: unknown[]): void {
  const untyped: Socket = socket;
  untyped.emit(event, ...args);
}

/** Whether an ack is `ok`, as a type guard (for `filter`, `find`, `every`). */
export const isOk = <A extends Ack>(ack: A): ack is Extract<A, { ok: true }> => ack.ok;

/** Asserts that an ack is `ok` and returns it narrowed, so that its fields can be read. */
export function expectOk<A extends Ack>(ack: A, what = "ack"): Extract<A, { ok: true }> {
  if (!isOk(ack)) throw new assert.AssertionError({ message: `${what} failed: ${JSON.stringify(ack)}`, actual: ack, expected: { ok: true }, operator: "expectOk" });
  return ack;
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
