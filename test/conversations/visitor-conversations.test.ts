// The visitor's remembered conversation (src/conversations/visitor-conversations.ts): one
// lookup for concurrent first sends, bounded memory, and forgetting only what was refused.
import assert from "node:assert/strict";
import type { ConversationRow } from "../../src/conversations/conversations.repository.js";
import { createVisitorConversations } from "../../src/conversations/visitor-conversations.js";

function fake(max?: number) {
  const calls: string[] = [];
  const opened: string[] = [];
  let n = 0;
  const vc = createVisitorConversations({
    async ensureActive(visitorId) {
      calls.push(visitorId);
      await new Promise((r) => setTimeout(r, 5));
      return { row: { id: `c${++n}`, visitor_id: visitorId } as ConversationRow, created: true };
    },
    async opened(row) {
      opened.push(row.id);
    },
    max,
  });
  return { vc, calls, opened };
}

describe("a visitor's remembered conversation", () => {
  it("concurrent first sends share one lookup, and the conversation is announced once", async () => {
    const { vc, calls, opened } = fake();
    const ids = await Promise.all(Array.from({ length: 20 }, () => vc.current("v1")));
    assert.deepEqual(new Set(ids), new Set(["c1"]));
    assert.deepEqual(calls, ["v1"]);
    assert.deepEqual(opened, ["c1"]);
    assert.equal(await vc.current("v1"), "c1");
    assert.equal(calls.length, 1);
  });

  it("forgets a refused conversation, but not a newer one", async () => {
    const { vc, calls } = fake();
    vc.remember("v1", "new");
    vc.forget("v1", "old"); // a late refusal of the previous one
    assert.equal(await vc.current("v1"), "new");
    vc.forget("v1", "new");
    assert.equal(await vc.current("v1"), "c1");
    assert.equal(calls.length, 1);
  });

  it("holds at most `max` visitors, dropping the least recently remembered", async () => {
    const { vc } = fake(3);
    for (const v of ["a", "b", "c"]) vc.remember(v, `conv-${v}`);
    vc.remember("a", "conv-a"); // a again: now the newest
    vc.remember("d", "conv-d");
    assert.equal(vc.size(), 3);
    assert.equal(await vc.current("a"), "conv-a");
    assert.equal(await vc.current("d"), "conv-d");
    assert.equal(await vc.current("b"), "c1", "b was the oldest: looked up again");
  });

  it("a failed lookup is not remembered: the next send asks again", async () => {
    let fail = true;
    const vc = createVisitorConversations({
      ensureActive: async (v) => {
        if (fail) throw new Error("database down");
        return { row: { id: "c9", visitor_id: v } as ConversationRow, created: false };
      },
      opened: async () => {},
    });
    await assert.rejects(vc.current("v1"), /database down/);
    fail = false;
    assert.equal(await vc.current("v1"), "c9");
  });
});
