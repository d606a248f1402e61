// Node-wide handshake admission (limits/admission.ts, HANDSHAKES_PER_SECOND): past the
// rate, handshakes are refused RATE_LIMITED with a retryAfterMs that books the next free
// slots in turn, so the refused come back spread at the rate the node admits.
import assert from "node:assert/strict";
import { ADMISSION_JITTER_MS, ADMISSION_MAX_WAIT_MS, createAdmission } from "../../src/limits/admission.js";
import { connectVisitor, visitorSession, type ConnectError, type Participant } from "../helpers/clients.js";
import { startServer } from "../helpers/server.js";

describe("handshake admission", function () {
  this.timeout(60_000);

  it("admits one second's worth at once, then books the excess in slots of 1/rate, spread", () => {
    let t = 0;
    const a = createAdmission({ perSecond: 10 }, () => t, () => 0);
    for (let i = 0; i < 10; i++) assert.equal(a.admit(), 0);
    const waits = Array.from({ length: 5 }, () => a.admit());
    assert.deepEqual(waits, [100, 200, 300, 400, 500]); // the next token refills in 100 ms
    // Come back when told: the bucket refilled for them.
    t = 200;
    assert.equal(a.admit(), 0);
    assert.equal(a.admit(), 0);
  });

  it("never tells a wait longer than its cap, plus jitter; 0 means no limit", () => {
    const a = createAdmission({ perSecond: 1 }, () => 0, () => 1);
    a.admit();
    let last = 0;
    for (let i = 0; i < 100; i++) last = a.admit();
    assert.equal(last, ADMISSION_MAX_WAIT_MS + ADMISSION_JITTER_MS);
    const none = createAdmission({ perSecond: 0, maxInFlight: Infinity });
    for (let i = 0; i < 1000; i++) assert.equal(none.admit(), 0);
  });

  it("admits no more than maxInFlight handshakes on their way to ready; one that ends frees its place", () => {
    let t = 0;
    const a = createAdmission({ perSecond: 1000, maxInFlight: 3 }, () => t, () => 0);
    for (let i = 0; i < 3; i++) assert.equal(a.admit(), 0);
    const waits = [a.admit(), a.admit(), a.admit()];
    assert.ok(waits[0] >= 1 && waits[1] > waits[0] && waits[2] > waits[1], `booked in turn: ${waits}`);
    // Before any completion was seen, slots are paced at the least assumed rate (50/s).
    assert.equal(waits[2] - waits[1], 20);
    a.done();
    t = 1;
    assert.equal(a.admit(), 0);
    assert.equal(a.inFlight(), 3);
  });

  it("on a real server: the handshakes over HANDSHAKES_PER_SECOND are refused RATE_LIMITED with growing retryAfterMs", async () => {
    const srv = await startServer({ env: { HANDSHAKES_PER_SECOND: "5" } });
    const open: Participant[] = [];
    try {
      const { token } = await visitorSession(srv.url);
      const results = await Promise.all(Array.from({ length: 12 }, () => connectVisitor(srv.url, token).then((p) => (open.push(p), null), (e: ConnectError) => e)));
      const refused = results.filter((e) => e !== null);
      assert.ok(open.length >= 5 && open.length <= 6, `${open.length} admitted`);
      for (const e of refused) assert.equal(e!.data?.code, "RATE_LIMITED", e!.message);
      const waits = refused.map((e) => e!.data!.retryAfterMs!).sort((a, b) => a - b);
      assert.ok(waits[0] > 0 && waits.at(-1)! - waits[0] >= 500, `the waits are spread over the slots: ${waits}`);
      // Told when: back then, admitted.
      await new Promise((r) => setTimeout(r, waits[0]));
      open.push(await connectVisitor(srv.url, token));
    } finally {
      for (const p of open) p.close();
      await srv.stop();
    }
  });
});
