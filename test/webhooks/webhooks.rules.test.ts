// The webhooks' pure rules: the retry schedule of the contract, the signature of the raw
// body, and the lanes that keep a conversation's events in order.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { afterFailure, delivered, eventBody, excerpt, lanes, retryDelayMs, signature } from "../../src/webhooks/webhooks.rules.js";

const S = { firstMs: 5000, maxMs: 3_600_000, giveUpMs: 86_400_000 };

describe("webhooks rules", () => {
  it("retries first within 10 s, then at doubling intervals capped at an hour", () => {
    assert.ok(retryDelayMs(1, S) <= 10_000);
    assert.deepEqual([1, 2, 3, 4, 5].map((n) => retryDelayMs(n, S)), [5000, 10_000, 20_000, 40_000, 80_000]);
    assert.equal(retryDelayMs(11, S), 3_600_000);
    assert.equal(retryDelayMs(60, S), 3_600_000);
  });

  it("keeps retrying for 24 hours, then gives up", () => {
    const from = 0;
    let now = 0;
    let failures = 0;
    for (;;) {
      const next = afterFailure(++failures, from, now, S);
      if (next.state === "failed") break;
      assert.ok(next.nextAttemptAt - from <= S.giveUpMs);
      now = next.nextAttemptAt;
    }
    assert.ok(now > S.giveUpMs - 3_600_000, `last attempt ${now} ms in`);
    assert.ok(failures > 20 && failures < 40, `${failures} attempts`);
    assert.deepEqual(afterFailure(1, 0, 1000, S), { state: "pending", nextAttemptAt: 6000 });
    assert.deepEqual(afterFailure(30, 0, S.giveUpMs - 1000, S), { state: "failed" });
  });

  it("signs exactly the bytes sent, keyed with the secret", () => {
    const body = eventBody({ id: "e1", type: "message.created", createdAt: new Date(0), data: { message: { body: "héllo" } } });
    assert.equal(body, '{"id":"e1","type":"message.created","createdAt":"1970-01-01T00:00:00.000Z","data":{"message":{"body":"héllo"}}}');
    assert.equal(signature("k", body), `sha256=${createHmac("sha256", "k").update(Buffer.from(body, "utf8")).digest("hex")}`);
    assert.notEqual(signature("k2", body), signature("k", body));
  });

  it("counts only 2xx as delivered and keeps a short excerpt", () => {
    assert.deepEqual([200, 204, 299, 300, 500, null].map(delivered), [true, true, true, false, false, false]);
    assert.equal(excerpt("x".repeat(1000)).length, 301);
    assert.equal(excerpt("ok"), "ok");
  });

  it("groups claimed events into one lane per webhook and conversation, in position order", () => {
    const e = (position: number, webhookId: string, conversationId: string) => ({ position, webhookId, conversationId });
    const got = lanes([e(3, "w", "a"), e(1, "w", "a"), e(2, "w", "b"), e(4, "v", "a")]);
    assert.deepEqual(got.map((l) => l.map((x) => x.position)), [[1, 3], [2], [4]]);
  });
});
