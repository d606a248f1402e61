// A node that is starting (opening its database, running migrations, warming caches)
// takes its port at once and says "not yet, come back in N ms" instead of refusing
// connections: a port nobody listens on makes every client retry on its own backoff (a
// NETWORK storm as the node comes up, and clients that gave up waiting long after it
// is). Until `open()`, HTTP answers /healthz 200 and everything else 503 UNAVAILABLE
// (so /readyz is 503), and every Socket.IO handshake fails with connect_error
// `{ code: "UNAVAILABLE", retryAfterMs }`, spread with jitter so the visitors do not
// return together. The Socket.IO server made here is the one the application then uses.
import type { IncomingMessage, RequestListener, Server as HttpServer, ServerResponse } from "node:http";
import { fail } from "../accounts/socket-auth.js";
import type { Config } from "../config.js";
import { createOrigins, type Origins } from "../widget/origins.js";
import { createIo } from "./io.js";
import type { AppServer } from "./types.js";

/** A refused handshake while starting waits this, plus up to STARTING_SPREAD_MS more. */
export const STARTING_RETRY_MS = 1000;
export const STARTING_SPREAD_MS = 2000;

export interface Starting {
  io: AppServer;
  origins: Origins;
  /** From now on HTTP requests (other than Socket.IO's) go to `listener`. */
  serve(listener: RequestListener): void;
  /** Handshakes go through to the namespaces' own middlewares from now on. */
  open(): void;
}

function notYet(req: IncomingMessage, res: ServerResponse) {
  const live = req.url === "/healthz";
  const retryAfterMs = STARTING_RETRY_MS;
  res.writeHead(live ? 200 : 503, { "content-type": "application/json", ...(live ? {} : { "retry-after": String(Math.ceil(retryAfterMs / 1000)) }) });
  res.end(JSON.stringify(live ? { ok: true } : { error: { code: "UNAVAILABLE", message: "starting", retryAfterMs } }));
}

export function startingRetryMs(random = Math.random): number {
  return STARTING_RETRY_MS + Math.round(random() * STARTING_SPREAD_MS);
}

/** Call before the server listens: from then on it answers as a starting node. */
export function startAnswering(httpServer: HttpServer, config: Config): Starting {
  let listener: RequestListener = notYet;
  // One listener that never changes, registered before Socket.IO attaches (which hands
  // it every request that is not its own), so the application can take over later.
  httpServer.on("request", (req, res) => listener(req, res));
  const origins = createOrigins(config.allowedOrigins);
  const io = createIo(httpServer, {
    offlineAfterMs: config.offlineAfterMs, origins, nodeName: config.nodeName, deflateThresholdBytes: config.wsDeflateThresholdBytes,
  });
  let open = false;
  for (const nsp of ["/visitor", "/agent"]) {
    // First of the namespace's middlewares; the application adds its own after it.
    io.of(nsp).use((_socket, next) => (open ? next() : next(fail("UNAVAILABLE", "the server is starting", startingRetryMs()))));
  }
  return {
    io, origins,
    serve: (l) => void (listener = l),
    open: () => void (open = true),
  };
}
