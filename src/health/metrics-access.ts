// Who may read /metrics (the contract, section 1): with METRICS_TOKEN set, whoever sends
// `Authorization: Bearer <it>`; unset, only a client whose TCP connection comes from a
// loopback address. The address is the socket's own, never req.ip: req.ip follows
// TRUST_PROXY and X-Forwarded-For, which any client can write.
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { isIPv4 } from "node:net";

/** 127.0.0.0/8, ::1 and IPv4-mapped 127.x (::ffff:127.0.0.1), as Node reports them. */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  let a = address.toLowerCase();
  if (a === "::1" || a === "0:0:0:0:0:0:0:1") return true;
  if (a.startsWith("::ffff:")) a = a.slice("::ffff:".length);
  return isIPv4(a) && a.startsWith("127.");
}

const digest = (s: string) => createHash("sha256").update(s).digest();
/** Constant time whatever the lengths: both sides are hashed to 32 bytes first. */
export function tokenMatches(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

export type MetricsAccess = "allowed" | "AUTH_INVALID" | "FORBIDDEN";

/** The request as far as the decision reads it: its headers and its socket's address. */
export interface MetricsRequest {
  headers: IncomingHttpHeaders;
  socket: { remoteAddress?: string };
}

export function metricsAccess(req: MetricsRequest, token: string | undefined): MetricsAccess {
  if (token !== undefined) {
    const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "");
    return m && tokenMatches(m[1], token) ? "allowed" : "AUTH_INVALID";
  }
  return isLoopback(req.socket.remoteAddress) ? "allowed" : "FORBIDDEN";
}
