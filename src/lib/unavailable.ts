// Is this error a dependency that cannot be reached (the database or Redis down,
// restarting, stalled or cut), rather than a bug? Such a failure is answered
// UNAVAILABLE with retryAfterMs (PROTOCOL.md section 3, Acks), never INTERNAL: the
// client retries later with the same clientMsgId, and nothing was half-written (a failed
// transaction rolls back). Recognised across the layers an error passes through: node's
// sockets, the pg driver, Prisma's driver adapters and ioredis.
import { AppError } from "./errors.js";

/** How long a client should wait before retrying while a dependency is down. */
export const RETRY_AFTER_MS = 2000;

const NET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN"]);
// PostgreSQL SQLSTATEs: connection exceptions (08xxx), server shutting down or starting
// (57P01-57P03), too many connections (53300); statement timeout (57014) while a lock or
// a stalled link holds the write.
const PG_CODES = /^(08...|57P0[1-3]|53300|57014)$/;
const ADAPTER_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections", "TlsConnectionError"]);
// Prisma's own codes: can't reach the server, timed out, closed, pool timeout.
const PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024"]);
// A stall ends in a client-side timeout: "Query read timeout" (pg's query_timeout, see
// lib/db.ts), "Command timed out" (ioredis' commandTimeout, lib/redis.ts).
const MESSAGES =
  /Connection terminated|Connection is closed|Server has closed the connection|Stream isn't writeable|timeout exceeded when trying to connect|Query read timeout|Command timed out|Can't reach database|Client has encountered a connection error|MaxRetriesPerRequest/i;

interface Shape {
  name?: unknown;
  syscall?: unknown;
  code?: unknown;
  kind?: unknown;
  message?: unknown;
  cause?: unknown;
  meta?: { driverAdapterError?: unknown };
}

export function isUnavailable(err: unknown): boolean {
  let e = err as Shape | null | undefined;
  // Walk the wrappers: Prisma error -> driver adapter error -> its cause -> the socket error.
  for (let depth = 0; e && typeof e === "object" && depth < 6; depth++) {
    if (e instanceof AppError) return e.code === "UNAVAILABLE";
    if (typeof e.code === "string" && (NET_CODES.has(e.code) || PG_CODES.test(e.code) || PRISMA_CODES.has(e.code))) return true;
    // The embedded database's socket is gone while its thread restarts (lib/pglite/host.ts).
    if (e.code === "ENOENT" && e.syscall === "connect") return true;
    if (typeof e.kind === "string" && ADAPTER_KINDS.has(e.kind)) return true;
    if (e.kind === "postgres" && typeof (e as { code?: unknown }).code === "string" && PG_CODES.test(String(e.code))) return true;
    if (e.name === "MaxRetriesPerRequestError") return true;
    if (typeof e.message === "string" && MESSAGES.test(e.message)) return true;
    e = (e.meta?.driverAdapterError ?? e.cause) as Shape | undefined;
  }
  return false;
}

export const unavailable = (what = "a dependency of this server is unreachable, retry shortly") =>
  new AppError("UNAVAILABLE", what, undefined, RETRY_AFTER_MS);
