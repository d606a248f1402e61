// The client's address of a raw request (a Socket.IO handshake), as Express's req.ip
// tells it for HTTP: the same TRUST_PROXY rules, so an address has one set of limits
// whichever way it comes in. Read through the app's own request prototype rather than
// re-implementing X-Forwarded-For parsing.
import type { IncomingMessage } from "node:http";
import type { Express, Request } from "express";

export function clientIp(app: Express) {
  return (req: IncomingMessage): string => {
    const view: Request = Object.create(app.request, { headers: { value: req.headers }, socket: { value: req.socket } });
    return view.ip ?? req.socket.remoteAddress ?? "?";
  };
}
