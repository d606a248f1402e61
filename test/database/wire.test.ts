// The embedded server's own part of the wire protocol (src/lib/pglite/wire.ts): framing of
// client bytes that arrive in arbitrary chunks, the startup requests, and reading the
// transaction status that decides whose turn the database is.
import assert from "node:assert/strict";
import { lastReadyStatus, readStartup, simpleQuery, startupReply, wholeMessages } from "../../src/lib/pglite/wire.js";

const int32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};
const ready = (status: string) => Buffer.concat([Buffer.from("Z"), int32(5), Buffer.from(status)]);

describe("embedded wire protocol rules", () => {
  it("frames only whole messages, whatever the chunking", () => {
    const two = Buffer.concat([simpleQuery("SELECT 1"), simpleQuery("BEGIN")]);
    assert.equal(wholeMessages(two), two.length);
    for (let cut = 0; cut < two.length; cut++) {
      const n = wholeMessages(two.subarray(0, cut));
      assert.ok(n === 0 || n === simpleQuery("SELECT 1").length, `cut ${cut}: ${n}`);
    }
  });

  it("tells SSL, cancel and startup requests apart, and waits for a whole one", () => {
    const ssl = Buffer.concat([int32(8), int32(80877103)]);
    assert.deepEqual(readStartup(ssl), { kind: "ssl", length: 8 });
    assert.equal(readStartup(ssl.subarray(0, 6)), null);
    const startup = Buffer.concat([int32(17), int32(196608), Buffer.from("user\0pg\0\0")]);
    assert.deepEqual(readStartup(startup), { kind: "startup", length: 17 });
    assert.equal(readStartup(startup.subarray(0, 12)), null);
    assert.equal(readStartup(Buffer.concat([int32(16), int32(80877102), int32(1), int32(2)]))?.kind, "cancel");
  });

  it("reads the last ReadyForQuery's status, and none when a reply has none", () => {
    const row = Buffer.concat([Buffer.from("D"), int32(10), Buffer.from([0, 1]), int32(0)]);
    assert.equal(lastReadyStatus(Buffer.concat([row, ready("T")])), "T");
    assert.equal(lastReadyStatus(Buffer.concat([ready("T"), row, ready("I")])), "I");
    assert.equal(lastReadyStatus(row), null);
    assert.equal(lastReadyStatus(startupReply("17.5")), "I");
  });
});
