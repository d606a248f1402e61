// Login throttling that an attacker cannot turn against the agent: failures count per
// (account, client address), on ONE budget shared by the console's /login form and POST
// /api/agent/token; after a few free failures each further attempt from that address
// waits a growing delay (429 RATE_LIMITED with retryAfterMs and Retry-After); a success
// clears the address's count; and each address has a cap across all accounts. Guessing
// from other addresses never locks the agent out of their own.
//
// TRUST_PROXY=1, so the X-Forwarded-For each request carries is its client address (the
// test stands in for the proxy, as test/http/trust-proxy.test.ts does).
import assert from "node:assert/strict";
import { ADDRESS_FAILURES, FREE_FAILURES } from "../../src/accounts/login-throttle.rules.js";
import { agentToken, createAgent, sleep } from "../helpers/clients.js";
import { serverPerSuite, startServer } from "../helpers/server.js";
import { formLogin, tokenLogin } from "./helpers.js";

const PASSWORD = "password-123";

describe("login throttling per (account, address), one budget for both login endpoints", function () {
  const srv = serverPerSuite(() => startServer({ env: { TRUST_PROXY: "1" } }));
  let admin: string;
  before(async () => {
    admin = (await agentToken(srv.url)).token;
  });
  const victim = async (name: string) => (await createAgent(srv.url, admin, name)).email;

  it("shares one budget between /login and /api/agent/token, then delays each further attempt longer", async () => {
    const email = await victim("Budget Agent");
    const ip = "203.0.113.5";
    for (let i = 0; i < 3; i++) assert.equal((await formLogin(srv.url, email, `wrong-${i}`, ip)).status, 401);
    for (let i = 3; i < FREE_FAILURES; i++) assert.equal((await tokenLogin(srv.url, email, `wrong-${i}`, ip)).status, 401);

    const first = await tokenLogin(srv.url, email, "wrong-again", ip);
    assert.equal(first.status, 429, `after ${FREE_FAILURES} failures: ${JSON.stringify(first)}`);
    assert.equal(first.code, "RATE_LIMITED");
    assert.ok(first.retryAfterMs! > 0 && first.retryAfterMs! <= 1000, `first delay ${first.retryAfterMs}`);
    assert.equal(first.retryAfter, "1");
    const page = await formLogin(srv.url, email, PASSWORD, ip);
    assert.equal(page.status, 429, "the right password waits out the delay too");
    assert.match(page.text, /Too many attempts/);
    assert.equal(page.retryAfter, "1");

    await sleep(first.retryAfterMs! + 50);
    assert.equal((await tokenLogin(srv.url, email, "wrong-later", ip)).status, 401, "after the delay, one more try");
    const second = await formLogin(srv.url, email, "wrong-at-once", ip);
    assert.equal(second.status, 429);
    const next = await tokenLogin(srv.url, email, "wrong-at-once", ip);
    assert.ok(next.retryAfterMs! > 1000 && next.retryAfterMs! <= 2000, `the delay grows: ${next.retryAfterMs}`);
  });

  it("lets the agent sign in from their own address while others guess at the account", async () => {
    const email = await victim("Attacked Agent");
    // More failures than any per-account lock would allow, from four addresses.
    const attackers: number[][] = [];
    for (let a = 1; a <= 4; a++) {
      const statuses: number[] = [];
      for (let i = 0; i <= FREE_FAILURES; i++) statuses.push((await tokenLogin(srv.url, email, `guess-${a}-${i}`, `198.51.100.${a}`)).status);
      attackers.push(statuses);
    }
    assert.equal((await tokenLogin(srv.url, email, PASSWORD, "192.0.2.7")).status, 200, "the agent's own address");
    assert.equal((await formLogin(srv.url, email, PASSWORD, "192.0.2.7")).status, 303, "the agent's own address, console");
    assert.deepEqual(attackers, Array(4).fill([...Array(FREE_FAILURES).fill(401), 429]), "each attacking address is delayed");
    // A typo of the agent's own does not cost them the attackers' count.
    assert.equal((await formLogin(srv.url, email, "typo", "192.0.2.7")).status, 401);
    assert.equal((await formLogin(srv.url, email, PASSWORD, "192.0.2.7")).status, 303);
  });

  it("a success clears that address's failures", async () => {
    const email = await victim("Forgetful Agent");
    const ip = "203.0.113.9";
    for (let i = 0; i < FREE_FAILURES - 1; i++) assert.equal((await tokenLogin(srv.url, email, `wrong-${i}`, ip)).status, 401);
    assert.equal((await formLogin(srv.url, email, PASSWORD, ip)).status, 303);
    for (let i = 0; i < FREE_FAILURES; i++) assert.equal((await tokenLogin(srv.url, email, `wrong-${i}`, ip)).status, 401, `attempt ${i + 1} after the success`);
    assert.equal((await tokenLogin(srv.url, email, "wrong", ip)).status, 429);
  });

  it("caps failures per address across accounts (an IPv6 client by its /64), not per connection", async () => {
    const email = await victim("Neighbour Agent");
    const net = "2001:db8:1:2";
    for (let i = 1; i <= ADDRESS_FAILURES; i++) {
      const r = await tokenLogin(srv.url, `nobody-${i}@test.local`, "wrong", `${net}::${i.toString(16)}`);
      assert.equal(r.status, 401, `attempt ${i}: ${JSON.stringify(r)}`);
    }
    const capped = await tokenLogin(srv.url, email, PASSWORD, `${net}::ffff`);
    assert.equal(capped.status, 429, "the address is capped, right password or not");
    assert.ok(capped.retryAfterMs! > 60_000, `blocked for a while: ${capped.retryAfterMs}`);
    assert.equal((await formLogin(srv.url, email, PASSWORD, `${net}::1`)).status, 429, "the console form shares the cap");
    assert.equal((await tokenLogin(srv.url, email, PASSWORD, "2001:db8:1:3::1")).status, 200, "the next /64 is another client");
  });
});
