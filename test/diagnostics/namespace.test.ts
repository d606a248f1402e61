// The /diagnostics namespace: no credential, a clock-stamped echo. Junk is answered
// VALIDATION, pings faster than one per 50 ms RATE_LIMITED with retryAfterMs (told, not
// silent), and a good ping echoes its `t` with the server's clock.
import assert from "node:assert/strict";
import { io, type Socket } from "socket.io-client";
import type { Ack, DiagnosticsClientEvents } from "../../src/events.js";
import { serverPerSuite, startServer } from "../helpers/server.js";

type DiagSocket = Socket<Record<string, never>, DiagnosticsClientEvents>;
const ping = (s: DiagSocket, payload: unknown) =>
  new Promise<Ack<{ t: number; serverTime: number }>>((resolve) => (s.emit as (...a: unknown[]) => void)("diag:ping", payload, resolve));

describe("the /diagnostics namespace", function () {
  this.timeout(30_000);
  const srv = serverPerSuite(() => startServer());
  let socket: DiagSocket;
  before(async () => {
    socket = io(`${srv.url}/diagnostics`, { transports: ["websocket"], forceNew: true, reconnection: false });
    await new Promise<void>((resolve, reject) => (socket.once("connect", resolve), socket.once("connect_error", reject)));
  });
  after(() => socket?.close());

  it("echoes t with the server's clock", async () => {
    const before = Date.now();
    const r = await ping(socket, { t: 1234.5 });
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(r.t, 1234.5);
    assert.ok(r.serverTime >= before && r.serverTime <= Date.now());
  });

  it("answers junk VALIDATION and a flood RATE_LIMITED with retryAfterMs", async () => {
    await new Promise((r) => setTimeout(r, 60));
    for (const junk of [{}, { t: "now" }, { t: 1, extra: true }, null, "ping", [1]]) {
      const r = await ping(socket, junk);
      assert.equal(r.ok ? "ok" : r.error.code, "VALIDATION", JSON.stringify(junk));
    }
    await new Promise((r) => setTimeout(r, 60));
    const burst = await Promise.all(Array.from({ length: 10 }, (_, i) => ping(socket, { t: i })));
    assert.equal(burst.filter((r) => r.ok).length, 1, "one answered within 50 ms");
    for (const r of burst.filter((x) => !x.ok)) {
      assert.equal(r.ok ? "ok" : r.error.code, "RATE_LIMITED");
      assert.ok(!r.ok && r.error.retryAfterMs! > 0 && r.error.retryAfterMs! <= 50);
    }
    assert.ok(socket.connected, "refused, not cut off");
  });
});
