// Shared by the access suites: logins from a given client address (the X-Forwarded-For a
// proxy would send; the server runs with TRUST_PROXY=1), and what a token still opens.
import assert from "node:assert/strict";
import request from "supertest";
import { api, connectAgent, type ApiErrorBody, type ConnectError } from "../helpers/clients.js";
import { csrfOf } from "../console/helpers.js";

export interface Attempt {
  status: number;
  code?: string;
  retryAfterMs?: number;
  /** The Retry-After header, in seconds. */
  retryAfter?: string;
}

/** POST /api/agent/token from `ip`. */
export async function tokenLogin(base: string, email: string, password: string, ip: string): Promise<Attempt> {
  const res = await fetch(`${base}/api/agent/token`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-forwarded-for": ip },
    body: JSON.stringify({ email, password }),
  });
  const body = (await res.json().catch(() => null)) as { error?: { code?: string; retryAfterMs?: number } } | null;
  return { status: res.status, code: body?.error?.code, retryAfterMs: body?.error?.retryAfterMs, retryAfter: res.headers.get("retry-after") ?? undefined };
}

/** The console's form from `ip`: GET /login for the CSRF token, then POST /login. */
export async function formLogin(base: string, email: string, password: string, ip: string): Promise<Attempt & { text: string }> {
  const agent = request.agent(base);
  const page = await agent.get("/login").set("x-forwarded-for", ip);
  const res = await agent.post("/login").set("x-forwarded-for", ip).type("form").send({ _csrf: csrfOf(page.text), email, password });
  return { status: res.status, retryAfter: res.headers["retry-after"], text: res.text };
}

/** Whether an agent bearer token still opens the API (otherwise it must be 401 AUTH_INVALID). */
export async function tokenWorks(base: string, token: string): Promise<boolean> {
  const r = await api<ApiErrorBody>(base, "GET", "/api/console/conversations?scope=mine", undefined, token);
  if (r.status === 200) return true;
  assert.equal(r.status, 401, r.text);
  assert.equal(r.body.error.code, "AUTH_INVALID");
  return false;
}

export async function handshakeRefused(base: string, token: string) {
  await assert.rejects(connectAgent(base, token), (e: ConnectError) => e.data?.code === "AUTH_INVALID");
}

/** Resolves when the socket is closed (by the server, in these suites); fails after `timeoutMs`. */
export function closed(p: { socket: { once(e: "disconnect", cb: () => void): unknown } }, timeoutMs = 5000): Promise<void> {
  const done = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the socket was not closed within ${timeoutMs} ms`)), timeoutMs);
    p.socket.once("disconnect", () => (clearTimeout(timer), resolve()));
  });
  done.catch(() => {}); // a test that fails before awaiting it reports its own error
  return done;
}
