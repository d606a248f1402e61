// Handshake limits (PROTOCOL.md section 3, Handshake): a participant holds at most
// SOCKETS_PER_PARTICIPANT sockets on a node, an address at most SOCKETS_PER_IP, and an
// address may start at most HANDSHAKES_PER_IP_PER_MINUTE handshakes; past any of these
// the handshake fails with connect_error `data: { code: "RATE_LIMITED", retryAfterMs }`.
// The address is the one TRUST_PROXY names (X-Forwarded-For from a trusted proxy), as
// for HTTP. A socket that goes frees its place at once.
import assert from "node:assert/strict";
import { api, connect, connectVisitor, sleep, until, visitorSession, type ConnectError, type Participant } from "../helpers/clients.js";
import { startServer, type TestServer } from "../helpers/server.js";

const refusedWith = (p: Promise<Participant>) => p.then((s) => (s.close(), null), (e: ConnectError) => e);
const from = (ip: string) => ({ extraHeaders: { "x-forwarded-for": ip } });

describe("handshake limits", function () {
  this.timeout(60_000);
  let srv: TestServer | undefined;
  const open: Participant[] = [];
  afterEach(async () => {
    for (const p of open.splice(0)) p.close();
    await srv?.stop();
    srv = undefined;
  });

  it("caps the sockets of one visitor token at 20; a closed one frees its place", async () => {
    srv = await startServer();
    const { token } = await visitorSession(srv.url);
    for (let i = 0; i < 20; i++) open.push(await connectVisitor(srv.url, token));
    const over = await refusedWith(connectVisitor(srv.url, token));
    assert.ok(over, "the 21st socket of one visitor was accepted");
    assert.equal(over.data?.code, "RATE_LIMITED");
    assert.ok((over.data?.retryAfterMs ?? 0) > 0, "retryAfterMs");
    // Another visitor from the same address is not affected.
    open.push(await connectVisitor(srv.url, (await visitorSession(srv.url)).token));
    open.shift()!.close();
    const server = srv;
    await until(() => server.application.io.of("/visitor").sockets.size === 20, 5000, "the closed socket gone");
    open.push(await connectVisitor(srv.url, token));
    // Every place is given back once its socket is gone: nothing stays counted.
    for (const p of open.splice(0)) p.close();
    await until(() => server.application.services.socketCaps.size() === 0, 5000, "no socket counted");
  });

  it("caps sockets per address (SOCKETS_PER_IP), by the address TRUST_PROXY names", async () => {
    srv = await startServer({ env: { SOCKETS_PER_IP: "3", TRUST_PROXY: "loopback" } });
    const tokens = await Promise.all(Array.from({ length: 5 }, async () => (await visitorSession(srv!.url)).token));
    for (let i = 0; i < 3; i++) open.push(await connectVisitor(srv.url, tokens[i], from("203.0.113.7")));
    const over = await refusedWith(connectVisitor(srv.url, tokens[3], from("203.0.113.7")));
    assert.equal(over?.data?.code, "RATE_LIMITED", "the 4th socket of one address");
    open.push(await connectVisitor(srv.url, tokens[4], from("203.0.113.8")));
    // Polling too: the handshake request carries the address.
    const polled = await refusedWith(connectVisitor(srv.url, tokens[3], { transports: ["polling"], ...from("203.0.113.7") }));
    assert.equal(polled?.data?.code, "RATE_LIMITED", "polling from the full address");
  });

  it("limits handshakes per address per minute, before any credential is checked", async () => {
    srv = await startServer({ env: { HANDSHAKES_PER_IP_PER_MINUTE: "10", TRUST_PROXY: "loopback" } });
    const codes: (string | undefined)[] = [];
    for (let i = 0; i < 12; i++) codes.push((await refusedWith(connect(srv.url, "/visitor", { token: "v.forged.zz.sig" }, from("198.51.100.9"))))?.data?.code);
    assert.deepEqual(codes.slice(0, 10), Array(10).fill("AUTH_INVALID"));
    assert.deepEqual(codes.slice(10), ["RATE_LIMITED", "RATE_LIMITED"], "past the budget, even a forged token costs nothing more");
    const agent = await refusedWith(connect(srv.url, "/agent", {}, from("198.51.100.9")));
    assert.equal(agent?.data?.code, "RATE_LIMITED", "the budget covers both namespaces");
    const other = await refusedWith(connect(srv.url, "/visitor", { token: "v.forged.zz.sig" }, from("198.51.100.10")));
    assert.equal(other?.data?.code, "AUTH_INVALID", "another address has its own budget");
  });

  it("answers 429 with Retry-After when an address asks for too many visitor sessions", async () => {
    srv = await startServer({ env: { TRUST_PROXY: "loopback" } });
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 305; i++) {
      const r = await fetch(`${srv.url}/api/visitor/session`, { method: "POST", headers: { "content-type": "application/json", "x-forwarded-for": "192.0.2.44" }, body: "{}" });
      statuses.push(r.status);
      if (r.status === 429) retryAfter = r.headers.get("retry-after");
    }
    assert.equal(statuses.filter((s) => s === 201).length, 300);
    assert.ok(statuses.slice(300).every((s) => s === 429));
    assert.ok(Number(retryAfter) > 0, `Retry-After: ${retryAfter}`);
    assert.equal((await api(srv.url, "POST", "/api/visitor/session", {})).status, 201, "another address is unaffected");
    await sleep(0);
  });
});
