// Handshake authentication for both namespaces. A missing credential fails with
// AUTH_REQUIRED, a bad one with AUTH_INVALID (connect_error `data.code`, PROTOCOL.md).
// Agents may also present the session cookie of a logged-in console page, from the
// console's own origin only.
import type { IncomingMessage } from "node:http";
import type { ExtendedError } from "socket.io";
import type { HandshakeErrorCode, HandshakeErrorData } from "../events.js";
import type { Logger } from "../lib/logger.js";
import { isUnavailable, RETRY_AFTER_MS } from "../lib/unavailable.js";
import type { Arrivals } from "../realtime/arrivals.js";
import type { AppSocket } from "../realtime/types.js";
import type { Origins } from "../widget/origins.js";
import type { AccountsService } from "./accounts.service.js";

type Next = (err?: ExtendedError) => void;

export function fail(code: HandshakeErrorCode, message: string, retryAfterMs?: number): ExtendedError {
  const data: HandshakeErrorData = { code, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  return Object.assign(new Error(message), { data });
}

/** A handshake that could not be judged: UNAVAILABLE while a dependency is down (the
 *  client retries with backoff), otherwise a bug, logged. */
function broken(err: unknown, what: string, log: Logger): ExtendedError {
  if (isUnavailable(err)) return fail("UNAVAILABLE", "temporarily unavailable, retry shortly", RETRY_AFTER_MS);
  log.error(`${what} handshake failed`, { err });
  return new Error("internal error");
}

const tokenOf = (socket: AppSocket): unknown => (socket.handshake.auth as { token?: unknown } | undefined)?.token;

/** The token is checked by its HMAC; the visitor (and, for `ready`, its conversation) is
 *  read with the other handshakes of the moment, in one query (realtime/arrivals.ts). */
export function visitorAuth(accounts: AccountsService, origins: Pick<Origins, "allowed">, log: Logger, arrivals: Pick<Arrivals, "visitor">) {
  return async (socket: AppSocket, next: Next) => {
    try {
      const { origin, host } = socket.request.headers;
      if (!origins.allowed(origin, host)) return next(fail("FORBIDDEN", "origin not allowed"));
      const token = tokenOf(socket);
      if (token === undefined || token === null || token === "") return next(fail("AUTH_REQUIRED", "token required"));
      const id = accounts.visitorIdFromToken(token);
      const visitor = id ? await arrivals.visitor(socket, id) : null;
      if (!id || !visitor) return next(fail("AUTH_INVALID", "invalid token"));
      socket.data = { type: "visitor", id, name: visitor.name ?? "Visitor" };
      next();
    } catch (err) {
      next(broken(err, "visitor", log));
    }
  };
}

/** `consoleOrigin`: may a page of this Origin use the console's session cookie (a cookie
 *  comes along from any page of the same site: cross-site WebSocket hijacking)? */
export function agentAuth(accounts: AccountsService, log: Logger, consoleOrigin: Pick<Origins, "allowed">) {
  return async (socket: AppSocket, next: Next) => {
    try {
      const token = tokenOf(socket);
      const request = socket.request as IncomingMessage & { session?: { agentId?: string }; sessionID?: string };
      const sessionAgentId = request.session?.agentId;
      let agent = null;
      // What the socket was opened with: revoking it closes the socket (realtime.ts).
      let credential: { tokenId?: string; sessionId?: string };
      if (token !== undefined && token !== null && token !== "") {
        const holder = await accounts.tokenHolder(token);
        if (!holder) return next(fail("AUTH_INVALID", "invalid token"));
        agent = holder.agent;
        credential = { tokenId: holder.tokenId };
      } else if (sessionAgentId) {
        const { origin, host } = socket.request.headers;
        if (!consoleOrigin.allowed(origin, host)) return next(fail("FORBIDDEN", "origin not allowed"));
        agent = await accounts.repo.agentById(sessionAgentId);
        if (!agent?.active) return next(fail("AUTH_INVALID", "session no longer valid"));
        credential = { sessionId: request.sessionID };
      } else {
        return next(fail("AUTH_REQUIRED", "token or session required"));
      }
      if (agent.mustChangePassword) return next(fail("FORBIDDEN", "choose a new password first (/account/password)"));
      socket.data = { type: "agent", id: agent.id, name: agent.name, role: agent.role === "admin" ? "admin" : "agent", ...credential };
      next();
    } catch (err) {
      next(broken(err, "agent", log));
    }
  };
}
