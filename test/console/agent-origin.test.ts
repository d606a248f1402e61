// Cross-site WebSocket hijacking of /agent, in real Chromium: a page served from another
// port of the same host (same site, so the browser sends the console's session cookie
// along) opens the /agent socket. A socket authenticated by that cookie must come from
// the console's own origin (or PUBLIC_URL's): from anywhere else the handshake fails with
// connect_error `FORBIDDEN`, on WebSocket and on polling (the other origin is in
// ALLOWED_ORIGINS here, as a site embedding the widget would be, so polling's CORS lets
// the page read the answer). A socket with a bearer token is not ambient authority and
// stays allowed from any origin; the console itself keeps working.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { agentToken } from "../helpers/clients.js";
import { ADMIN, startServer, type TestServer } from "../helpers/server.js";
import { buildConsoleBundles, consoleReady, launch, loginPage, newPage } from "./helpers.js";

const CLIENT = readFileSync(path.resolve(import.meta.dirname, "../../node_modules/socket.io-client/dist/socket.io.min.js"));

/** The other site's page: socket.io-client and a function that tries the /agent socket
 *  of `target()` (known once the server under test runs). */
function otherSite(target: () => string): Promise<Server> {
  const page = () => `<!doctype html><meta charset="utf-8"><script src="/io.js"></script><script>
    window.attempt = (transport, auth) => new Promise((resolve) => {
      const s = io(${JSON.stringify(target())} + "/agent", { transports: [transport], withCredentials: true, reconnection: false, forceNew: true, auth: auth || {} });
      const done = (r) => { s.close(); resolve(r); };
      s.on("ready", (r) => done({ ready: r.you.id }));
      s.on("connect_error", (e) => done({ error: e.message, code: e.data && e.data.code }));
      setTimeout(() => done({ error: "no answer" }), 8000);
    });
  </script>`;
  const srv = createServer((req, res) => {
    if (req.url === "/io.js") return void res.writeHead(200, { "content-type": "text/javascript" }).end(CLIENT);
    res.writeHead(200, { "content-type": "text/html" }).end(page());
  });
  return new Promise((resolve) => srv.listen(0, "127.0.0.1", () => resolve(srv)));
}

describe("agent socket origin (Chromium)", function () {
  this.timeout(90_000);
  let browser: Browser;
  let srv: TestServer;
  let other: Server;
  let otherUrl: string;

  before(async () => {
    buildConsoleBundles();
    browser = await launch();
    other = await otherSite(() => srv.url);
    otherUrl = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
    srv = await startServer({ env: { ALLOWED_ORIGINS: otherUrl } });
  });
  after(async () => {
    other?.close();
    await browser?.close();
    await srv?.stop();
  });

  it("refuses the logged-in agent's cookie from a page on another port, FORBIDDEN on both transports; the console works; bearer tokens are unaffected", async () => {
    const { context, page, errors } = await newPage(browser);
    await loginPage(page, srv.url, ADMIN.email, ADMIN.password);
    await consoleReady(page);
    const attacker: Page = await context.newPage();
    await attacker.goto(otherUrl);
    const cookies = await context.cookies(srv.url);
    assert.ok(cookies.some((c) => c.name === "hf.sid"), "the browser holds the console's session cookie");
    for (const transport of ["websocket", "polling"]) {
      const r = await attacker.evaluate(([t]) => (window as unknown as { attempt(t: string): Promise<object> }).attempt(t), [transport]);
      assert.deepEqual(r, { error: "origin not allowed", code: "FORBIDDEN" }, `${transport} from ${otherUrl}`);
    }
    const { token, agentId } = await agentToken(srv.url);
    for (const transport of ["websocket", "polling"]) {
      const r = await attacker.evaluate(([t, tk]) => (window as unknown as { attempt(t: string, a: object): Promise<object> }).attempt(t, { token: tk }), [transport, token]);
      assert.deepEqual(r, { ready: agentId }, `a bearer token over ${transport} from another origin`);
    }
    // The console, still open on its own origin, is connected; a reload connects again.
    await page.reload();
    await consoleReady(page);
    assert.deepEqual(errors, []);
    await context.close();
  });
});
