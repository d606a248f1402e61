// Which pages may open an /agent socket with the console's session cookie
// (accounts/console-origin.ts): the console's own origin or PUBLIC_URL's, or no Origin.
import assert from "node:assert/strict";
import { createConsoleOrigin } from "../../src/accounts/console-origin.js";

describe("console origin", () => {
  it("allows the host the request was sent to, and no Origin at all", () => {
    const o = createConsoleOrigin(undefined);
    assert.equal(o.allowed(undefined, "127.0.0.1:3000"), true);
    assert.equal(o.allowed("http://127.0.0.1:3000", "127.0.0.1:3000"), true);
    assert.equal(o.allowed("http://127.0.0.1:3001", "127.0.0.1:3000"), false, "another port of the same site");
    assert.equal(o.allowed("https://evil.test", "127.0.0.1:3000"), false);
    assert.equal(o.allowed("null", "127.0.0.1:3000"), false, "a sandboxed frame");
  });

  it("allows PUBLIC_URL's origin when a proxy in front rewrites Host", () => {
    const o = createConsoleOrigin("https://chat.example.com/support");
    assert.equal(o.allowed("https://chat.example.com", "10.0.0.5:3000"), true);
    assert.equal(o.allowed("https://chat.example.com/", "10.0.0.5:3000"), true);
    assert.equal(o.allowed("http://chat.example.com", "10.0.0.5:3000"), false, "another scheme");
    assert.equal(o.allowed("https://other.example.com", "10.0.0.5:3000"), false);
  });
});
