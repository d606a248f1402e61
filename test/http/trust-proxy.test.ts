// TRUST_PROXY is Express's "trust proxy": a number counts the reverse proxies in front of
// the server, and the client is the X-Forwarded-For entry that many hops back. Per-IP
// rate limits (failed logins: ADDRESS_FAILURES an hour per address) must then see each
// client's own address, and only the entries the proxies appended: a client that writes
// its own X-Forwarded-For cannot pick its address. Without TRUST_PROXY the header is
// ignored and every request counts against the connection's address.
//
// The test server listens on 127.0.0.1, so the test process stands in for the proxy:
// it sends the X-Forwarded-For a proxy would forward. Every attempt uses a new email, so
// the (account, address) delays never start and each 429 is the per-address cap.
import assert from "node:assert/strict";
import { ADDRESS_FAILURES as PER_IP_LIMIT } from "../../src/accounts/login-throttle.rules.js";
import { startServer, type TestServer } from "../helpers/server.js";

let attempt = 0;
/** One wrong-password attempt at POST /api/agent/token. */
async function login(srv: TestServer, xff?: string): Promise<{ status: number; code?: string }> {
  const res = await fetch(`${srv.url}/api/agent/token`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(xff !== undefined ? { "x-forwarded-for": xff } : {}) },
    body: JSON.stringify({ email: `nobody-${++attempt}@example.com`, password: "wrong" }),
  });
  const body = (await res.json().catch(() => null)) as { error?: { code?: string } } | null;
  return { status: res.status, code: body?.error?.code };
}

/** Uses up a per-IP window: PER_IP_LIMIT refusals for the password, then the limit. */
async function exhaust(srv: TestServer, xff: (i: number) => string | undefined) {
  for (let i = 0; i < PER_IP_LIMIT; i++) {
    const r = await login(srv, xff(i));
    assert.equal(r.status, 401, `attempt ${i + 1} (X-Forwarded-For: ${xff(i)}) should be a wrong password, not ${r.status} ${r.code}`);
  }
}

function assertLimited(r: { status: number; code?: string }, what: string) {
  assert.equal(r.status, 429, `${what}: expected 429, got ${r.status} ${r.code}`);
  assert.equal(r.code, "RATE_LIMITED", what);
}

function assertNotLimited(r: { status: number; code?: string }, what: string) {
  assert.equal(r.status, 401, `${what}: expected its own rate limit (a plain 401), got ${r.status} ${r.code}`);
  assert.equal(r.code, "AUTH_INVALID", what);
}

describe("TRUST_PROXY and per-IP rate limits", function () {
  // Each test makes 100 sign-in attempts, each verifying a password hash (argon2, made to
  // be slow): about 20 s on a busy 2-CPU machine.
  this.timeout(90_000);
  let srv: TestServer | undefined;
  afterEach(async () => {
    await srv?.stop();
    srv = undefined;
  });

  it("TRUST_PROXY=1: clients behind the proxy get separate per-IP limits", async () => {
    srv = await startServer({ env: { TRUST_PROXY: "1" } });
    await exhaust(srv, () => "203.0.113.10");
    assertLimited(await login(srv, "203.0.113.10"), "client A past its limit");
    assertNotLimited(await login(srv, "203.0.113.20"), "client B, same proxy connection");
    assertNotLimited(await login(srv, "2001:db8::20"), "client C (IPv6)");
  });

  it("TRUST_PROXY=1: the last hop counts, so a forged X-Forwarded-For entry does not dodge the limit", async () => {
    srv = await startServer({ env: { TRUST_PROXY: "1" } });
    // Client 203.0.113.30 writes a different X-Forwarded-For each time; the proxy appends
    // the address it really sees.
    await exhaust(srv, (i) => `198.51.100.${i + 1}, 203.0.113.30`);
    assertLimited(await login(srv, "198.51.100.250, 203.0.113.30"), "forged first entry");
    assertLimited(await login(srv, "203.0.113.31, 203.0.113.30"), "forged neighbour address");
    assertLimited(await login(srv, "203.0.113.30"), "the same client without a forged entry");
    // The forged addresses were never charged: the real 198.51.100.1 is not limited.
    assertNotLimited(await login(srv, "198.51.100.1"), "the address the forger wrote");
  });

  it("TRUST_PROXY=2: the client two hops back counts (a CDN edge in front of the platform's proxy)", async () => {
    srv = await startServer({ env: { TRUST_PROXY: "2" } });
    const edge = "104.16.0.1";
    await exhaust(srv, (i) => `192.0.2.${i + 1}, 203.0.113.40, ${edge}`);
    assertLimited(await login(srv, `203.0.113.40, ${edge}`), "client past its limit, forged entries or not");
    assertNotLimited(await login(srv, `203.0.113.41, ${edge}`), "another client through the same edge");
  });

  it("without TRUST_PROXY, X-Forwarded-For is ignored: every client shares the connection's limit", async () => {
    srv = await startServer();
    await exhaust(srv, (i) => `203.0.113.${100 + i}`);
    assertLimited(await login(srv, "203.0.113.200"), "a new X-Forwarded-For address");
    assertLimited(await login(srv), "no X-Forwarded-For at all");
  });
});
