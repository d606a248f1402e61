// The REST conversation list's SQL (src/integrations/conversation-list.rules.ts): each
// filter one condition with numbered parameters, the cursor opaque but checked.
import assert from "node:assert/strict";
import { decodeCursor, encodeCursor, listQuery } from "../../src/integrations/conversation-list.rules.js";
import { AppError } from "../../src/lib/errors.js";

describe("conversation list rules", () => {
  it("no filter: every row, in (created_at, id) order, one more than the page", () => {
    assert.deepEqual(listQuery({ limit: 50 }), { where: "TRUE ORDER BY c.created_at, c.id LIMIT $1::int", params: [51] });
  });

  it("each filter adds its condition and parameters in order", () => {
    const after = { createdAt: "2026-01-02T03:04:05.678Z", id: "c-9" };
    const q = listQuery({ status: "open", agentScope: "a-1", after, limit: 2 });
    assert.equal(q.where, "c.status = $1 AND (c.agent_id = $2 OR c.status = 'waiting') AND (c.created_at, c.id) > ($3::timestamptz, $4) ORDER BY c.created_at, c.id LIMIT $5::int");
    assert.deepEqual(q.params, ["open", "a-1", after.createdAt, "c-9", 3]);
  });

  it("a cursor round-trips; anything else is VALIDATION", () => {
    const c = { createdAt: "2026-01-02T03:04:05.678Z", id: "c-9" };
    assert.deepEqual(decodeCursor(encodeCursor(c)), c);
    for (const bad of ["", "not-base64!", Buffer.from("{}").toString("base64url"), Buffer.from('["yesterday","x"]').toString("base64url"), Buffer.from(`["${c.createdAt}",${"1".repeat(3)}]`).toString("base64url")]) {
      assert.throws(() => decodeCursor(bad), (e: unknown) => e instanceof AppError && e.code === "VALIDATION", bad);
    }
  });
});
