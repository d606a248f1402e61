// The pure rules of login throttling: the growing delays and who an address is.
import assert from "node:assert/strict";
import { addressKey, delaySeconds, FREE_FAILURES, MAX_DELAY_S } from "../../src/accounts/login-throttle.rules.js";

describe("login throttle rules", function () {
  it("waits nothing before the free failures are spent, then doubles up to the cap", () => {
    const delays = Array.from({ length: FREE_FAILURES + 12 }, (_, i) => delaySeconds(i + 1));
    assert.deepEqual(delays.slice(0, FREE_FAILURES - 1), Array(FREE_FAILURES - 1).fill(0));
    assert.deepEqual(delays.slice(FREE_FAILURES - 1, FREE_FAILURES + 4), [1, 2, 4, 8, 16]);
    assert.equal(Math.max(...delays), MAX_DELAY_S);
    assert.equal(delaySeconds(10_000), MAX_DELAY_S, "no overflow on a long attack");
  });

  it("counts IPv4 clients by address and IPv6 clients by their /64", () => {
    assert.equal(addressKey("203.0.113.5"), "203.0.113.5");
    assert.equal(addressKey("::ffff:203.0.113.5"), "203.0.113.5", "IPv4-mapped");
    assert.equal(addressKey("2001:db8:1:2::a"), "2001:db8:1:2::/64");
    assert.equal(addressKey("2001:0DB8:0001:0002:ffff:0:0:1"), "2001:db8:1:2::/64", "case and leading zeros");
    assert.equal(addressKey("2001:db8::1"), "2001:db8:0:0::/64");
    assert.equal(addressKey("::1"), "0:0:0:0::/64");
    assert.equal(addressKey("fe80::1%eth0"), "fe80:0:0:0::/64", "a zone id");
    assert.equal(addressKey("64:ff9b:1:2::192.0.2.1"), "64:ff9b:1:2::/64", "an embedded IPv4");
    assert.notEqual(addressKey("2001:db8:1:2::a"), addressKey("2001:db8:1:3::a"));
    assert.equal(addressKey("?"), "?", "no address at all");
  });
});
