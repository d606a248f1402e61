// How a search query becomes index conditions, and how a hit's excerpt is cut and marked.
import assert from "node:assert/strict";
import { cjkGrams, excerpt, highlights, likePattern, parseQuery } from "../../src/search/search.rules.js";

describe("search.rules", () => {
  it("searches messages by words of three letters and more, or any Chinese", () => {
    const q = parseQuery("  Refund  ok 退款 a订单 refund ");
    assert.deepEqual(q.words, ["refund", "ok", "退款", "a订单"]);
    assert.deepEqual(q.terms, [
      { pattern: "%refund%", grams: null },
      { pattern: "%退款%", grams: ["退款"] },
      { pattern: "%a订单%", grams: null },
    ]);
    assert.deepEqual(parseQuery("ok").terms, [], "too short for a trigram: names only");
    assert.deepEqual(parseQuery("王 hansen").visitor, [{ pattern: "王%", prefix: true }, { pattern: "%hansen%", prefix: false }]);
    assert.equal(parseQuery("a b c d e f g").words.length, 5);
  });
  it("asks the CJK index for the one character or the adjacent pairs", () => {
    assert.deepEqual(cjkGrams("退"), ["退"]);
    assert.deepEqual(cjkGrams("什么时候"), ["什么", "么时", "时候"]);
  });
  it("escapes LIKE's wildcards", () => assert.equal(likePattern("50%_\\"), "%50\\%\\_\\\\%"));
  it("cuts a long message around the first match and marks every match", () => {
    const body = `${"lorem ".repeat(60)}the refund is late ${"ipsum ".repeat(60)}`;
    const text = excerpt(body, ["refund"]);
    assert.ok(text.startsWith("…") && text.endsWith("…") && text.includes("the refund is late"), text);
    assert.ok(text.length <= 162);
    assert.equal(excerpt("short\n one", ["x"]), "short one");
    assert.deepEqual(highlights("Refund, refunds and fun", ["refund", "fun"]), [[0, 6], [8, 14], [20, 23]]);
  });
});
