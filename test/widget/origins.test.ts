// The allowed-origins rules: normalising, keeping only plain origins, merging the admin's
// list with ALLOWED_ORIGINS, and the one check every caller uses.
import assert from "node:assert/strict";
import { cleanOrigins, createOrigins, isPlainOrigin, normaliseOrigin } from "../../src/widget/origins.js";

describe("widget origins", () => {
  it("normalises how people write an origin into how browsers send it", () => {
    assert.equal(normaliseOrigin(" https://a.test/ "), "https://a.test");
    assert.equal(normaliseOrigin("http://[::1]:3000"), "http://[::1]:3000");
  });

  it("keeps only plain origins: no path, no directive injection, http(s) only", () => {
    for (const ok of ["https://a.test", "http://localhost:3000", "https://sub.a-b.test:8443", "http://[::1]:8080"]) {
      assert.ok(isPlainOrigin(ok), ok);
    }
    for (const bad of ["https://a.test/path", "https://a.test; script-src *", "a.test", "*", "ftp://a.test", "javascript:alert(1)", ""]) {
      assert.ok(!isPlainOrigin(bad), bad);
    }
    assert.deepEqual(cleanOrigins(["https://a.test/", "https://a.test", "junk", " http://b.test "]), ["https://a.test", "http://b.test"]);
  });

  it("allows a listed origin, this server's own, and requests without an Origin; nothing else", () => {
    const o = createOrigins(["https://shop.test/"]);
    assert.equal(o.allowed(undefined), true, "apps and servers send no Origin");
    assert.equal(o.allowed("https://shop.test"), true);
    assert.equal(o.allowed("https://shop.test/"), true);
    assert.equal(o.allowed("https://evil.test"), false);
    assert.equal(o.allowed("http://shop.test"), false, "another scheme is another origin");
    assert.equal(o.allowed("http://127.0.0.1:4000", "127.0.0.1:4000"), true, "same host as the request");
    assert.equal(o.allowed("http://127.0.0.1:4001", "127.0.0.1:4000"), false, "another port is another origin");
    assert.equal(o.allowed("not a url", "not a url"), false);
  });

  it("the admin's list adds to ALLOWED_ORIGINS and replaces its own earlier list", () => {
    const o = createOrigins(["https://env.test"]);
    o.setAdminOrigins(["https://one.test", "https://env.test", "bad origin"]);
    assert.deepEqual(o.list(), ["https://env.test", "https://one.test"]);
    assert.equal(o.allowed("https://one.test"), true);
    o.setAdminOrigins(["https://two.test"]);
    assert.deepEqual(o.list(), ["https://env.test", "https://two.test"]);
    assert.equal(o.allowed("https://one.test"), false, "removed by the admin");
    o.setAdminOrigins([]);
    assert.equal(o.allowed("https://env.test"), true, "the environment's origins always stay");
  });
});
