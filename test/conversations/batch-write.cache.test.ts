// The write path's memory of conversation states (pure): all-or-nothing lookups, the
// latest write wins, and a bound that forgets the least recently written first.
import assert from "node:assert/strict";
import { createStateCache } from "../../src/conversations/batch-write.cache.js";
import type { ConversationRow } from "../../src/conversations/batch-write.plan.js";

const row = (id: string, last_seq: number): ConversationRow =>
  ({ id, visitor_id: `v-${id}`, agent_id: null, status: "open", last_seq, had_visitor: true, snoozed: false });

describe("conversation state cache (write path)", () => {
  it("answers every row asked for, or null when one is not remembered", () => {
    const c = createStateCache(10);
    c.remember([row("a", 1), row("b", 4)]);
    assert.deepEqual(c.all(["b", "a"])?.map((r) => r.id), ["b", "a"]);
    assert.equal(c.all(["a", "x"]), null);
  });

  it("keeps the latest write's state, with last_seq as a number (the driver may give a string)", () => {
    const c = createStateCache(10);
    c.remember([row("a", 1)]);
    c.remember([{ ...row("a", 0), last_seq: "7" as unknown as number }]);
    assert.equal(c.all(["a"])![0].last_seq, 7);
    c.forget(["a"]);
    assert.equal(c.all(["a"]), null);
  });

  it("forgets the least recently written first, past its bound", () => {
    const c = createStateCache(3);
    c.remember([row("a", 1), row("b", 1), row("c", 1)]);
    c.remember([row("a", 2)]); // written again: now the most recent
    c.remember([row("d", 1)]);
    assert.equal(c.size, 3);
    assert.equal(c.all(["b"]), null, "b was the least recently written");
    assert.ok(c.all(["a", "c", "d"]));
  });
});
