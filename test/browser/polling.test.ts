// WebSocket unavailable: the page must fall back to HTTP long-polling and chat as
// usual. Two ways it happens in the field, both covered: a proxy that refuses the
// upgrade (the browser sees a WebSocket error), and one that drops the upgraded
// connection before the handshake (the WebSocket just closes).
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Page } from "playwright-core";
import { chatSuite, newPage, sendFromPage, waitStates } from "./browser.js";

/** An HTTP reverse proxy in front of the server that refuses every WebSocket upgrade. */
async function noWebSocketProxy(target: number) {
  const server = http.createServer((req, res) => {
    const upstream = http.request({ host: "127.0.0.1", port: target, method: req.method, path: req.url, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  });
  let upgrades = 0;
  server.on("upgrade", (_req, socket) => {
    upgrades++;
    socket.end("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}`, upgrades: () => upgrades, close: () => new Promise((r) => server.close(r)) };
}

describe("WebSocket blocked (Chromium)", function () {
  this.timeout(60_000);
  const chat = chatSuite();

  /** Transports of the server-side sockets of one visitor. */
  const transportsOf = (visitorId: string) =>
    [...chat.srv.application.io.of("/visitor").sockets.values()].filter((s) => s.data.id === visitorId).map((s) => s.conn.transport.name);

  async function chatRoundTrip(page: Page, text: string) {
    await sendFromPage(page, text);
    await waitStates(page, [text], ["sent", "delivered", "read"]);
    const conv = await chat.agent.waitConversation();
    await chat.agent.send(conv.id, `reply to ${text}`);
    await page.locator(".hf-row--theirs .hf-bubble", { hasText: `reply to ${text}` }).waitFor();
    return conv;
  }

  it("falls back to long-polling behind a proxy that refuses WebSocket upgrades", async () => {
    const proxy = await noWebSocketProxy(chat.srv.port);
    try {
      const { context, page, errors } = await newPage(chat.browser);
      await page.goto(proxy.url);
      const conv = await chatRoundTrip(page, "hello through the proxy");
      assert.ok(proxy.upgrades() >= 1, "the page did try WebSocket first");
      assert.deepEqual(transportsOf(conv.visitor.id), ["polling"]);
      assert.deepEqual(errors, []);
      await context.close();
    } finally {
      await proxy.close();
    }
  });

  it("falls back to long-polling when the WebSocket closes before the handshake", async () => {
    const { context, page, errors } = await newPage(chat.browser);
    let attempts = 0;
    await page.routeWebSocket(/transport=websocket/, (ws) => {
      attempts++;
      ws.close({ code: 1006 });
    });
    await page.goto(chat.srv.url);
    const conv = await chatRoundTrip(page, "hello over polling");
    assert.ok(attempts >= 1);
    assert.deepEqual(transportsOf(conv.visitor.id), ["polling"]);
    assert.deepEqual(errors, []);
    await context.close();
  });
});
