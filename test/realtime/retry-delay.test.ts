// The product's client (src/client/runtime/connection.ts) after a refused handshake: a
// told delay (RATE_LIMITED, UNAVAILABLE retryAfterMs) is waited exactly, neither its own
// grown backoff nor "at once"; without one, full-jitter backoff (or at once when asked).
import assert from "node:assert/strict";
import { retryDelay } from "../../src/client/runtime/connection.js";

describe("client retry delay", () => {
  it("waits exactly the delay the server told, whatever its own backoff has grown to", () => {
    for (const failures of [0, 3, 10]) assert.equal(retryDelay(2345, false, failures), 2345);
    assert.equal(retryDelay(1500, true, 5), 1500, "a retry-now does not jump a told delay");
  });

  it("without a told delay: at once when asked, else within its full-jitter backoff (1 s doubling, 30 s cap)", () => {
    assert.equal(retryDelay(0, true, 4), 0);
    for (let i = 0; i < 200; i++) {
      assert.ok(retryDelay(0, false, 0) <= 1000);
      const d = retryDelay(0, false, 10);
      assert.ok(d >= 0 && d <= 30_000);
    }
  });
});
