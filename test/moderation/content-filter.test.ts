// The sensitive-word matcher (Aho-Corasick) and the mask/block policy built on it.
import assert from "node:assert/strict";
import { buildMatcher, type Match } from "../../src/moderation/aho-corasick.js";
import { createContentFilter } from "../../src/moderation/content-filter.js";

/** Matches as sorted [start, end) pairs, so the test does not depend on report order. */
const spans = (words: string[], text: string) =>
  buildMatcher(words)(text).map((m: Match) => [m.start, m.end]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
/** The matched substrings (code points), sorted. */
const hits = (words: string[], text: string) => {
  const cps = [...text];
  return buildMatcher(words)(text).map((m) => cps.slice(m.start, m.end).join("")).sort();
};

/** Every occurrence by brute force, for comparison (case-insensitive, code points; a word
 *  listed twice is reported twice, as the matcher does). */
function naive(words: string[], text: string): number[][] {
  const t = [...text.toLowerCase()];
  const out: number[][] = [];
  for (const raw of words.map((w) => w.toLowerCase()).filter(Boolean)) {
    const w = [...raw];
    for (let i = 0; i + w.length <= t.length; i++) if (w.every((ch, j) => t[i + j] === ch)) out.push([i, i + w.length]);
  }
  return out.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}

describe("aho-corasick.buildMatcher", () => {
  it("finds a word, every occurrence of it, with exclusive end", () => {
    assert.deepEqual(spans(["bad"], "bad"), [[0, 3]]);
    assert.deepEqual(spans(["bad"], "so bad, so bad"), [[3, 6], [11, 14]]);
    assert.deepEqual(spans(["bad"], "good"), []);
    assert.deepEqual(spans(["bad"], ""), []);
    assert.deepEqual(spans(["bad"], "ba d b-a-d"), []);
  });

  it("finds overlapping words and words inside other words (the classic he/she/his/hers)", () => {
    assert.deepEqual(hits(["he", "she", "his", "hers"], "ushers"), ["he", "hers", "she"]);
    assert.deepEqual(spans(["he", "she", "his", "hers"], "ushers"), [[1, 4], [2, 4], [2, 6]]);
    assert.deepEqual(spans(["aa"], "aaaa"), [[0, 2], [1, 3], [2, 4]]);
    assert.deepEqual(spans(["abcd", "bc"], "xabcd"), [[1, 5], [2, 4]]);
    assert.deepEqual(spans(["ass"], "classic"), [[2, 5]]); // inside another word is still a match
  });

  it("follows fail links after a partial match", () => {
    assert.deepEqual(spans(["abcx", "bcd"], "abcd"), [[1, 4]]);
    assert.deepEqual(spans(["aab"], "aaab"), [[1, 4]]);
    assert.deepEqual(spans(["abab"], "abababx"), [[0, 4], [2, 6]]);
    // The fail link of "abc" walks "ab" -> "b" -> root -> "c": more than one step.
    assert.deepEqual(spans(["abcz", "bd", "c"], "abc"), [[2, 3]]);
    assert.deepEqual(spans(["abcz", "bd", "c"], "abcabd"), [[2, 3], [4, 6]]);
  });

  it("is case-insensitive in both the words and the text", () => {
    assert.deepEqual(spans(["Bad"], "BAD bad bAd"), [[0, 3], [4, 7], [8, 11]]);
    assert.deepEqual(spans(["ПЛОХО"], "это плохо"), [[4, 9]]);
  });

  it("matches Chinese text, overlapping words included", () => {
    assert.deepEqual(hits(["傻瓜", "瓜子"], "你是傻瓜子吗"), ["傻瓜", "瓜子"]);
    assert.deepEqual(spans(["傻瓜", "瓜子"], "你是傻瓜子吗"), [[2, 4], [3, 5]]);
    assert.deepEqual(spans(["笨蛋"], "笨 蛋"), []);
  });

  it("counts positions in code points, so astral characters (emoji) do not shift them", () => {
    assert.deepEqual(spans(["bad"], "😀bad"), [[1, 4]]);
    assert.deepEqual(spans(["😀x"], "a😀x"), [[1, 3]]);
  });

  it("an empty word list (or only empty words) matches nothing", () => {
    assert.deepEqual(spans([], "anything at all"), []);
    assert.deepEqual(spans(["", ""], "anything"), []);
    assert.deepEqual(spans(["", "at"], "anything at"), [[9, 11]]);
  });

  it("agrees with a brute-force search on random texts", () => {
    let seed = 42;
    const rnd = (n: number) => { // mulberry32: deterministic, so a failure reproduces
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return Math.floor((((t ^ (t >>> 14)) >>> 0) / 2 ** 32) * n);
    };
    const alphabet = ["a", "b", "A", "c", "好"];
    const str = (len: number) => Array.from({ length: len }, () => alphabet[rnd(alphabet.length)]).join("");
    for (let i = 0; i < 2_000; i++) {
      const words = Array.from({ length: 1 + rnd(8) }, () => str(1 + rnd(4)));
      const text = str(rnd(30));
      assert.deepEqual(spans(words, text), naive(words, text), JSON.stringify({ words, text }));
    }
  });
});

describe("content-filter", () => {
  it("with no words (the default) every text passes unchanged", () => {
    const f = createContentFilter();
    assert.deepEqual(f.settings(), { words: [], policy: "mask" });
    assert.equal(f.apply("anything bad"), "anything bad");
    assert.equal(createContentFilter({ words: [], policy: "block" }).apply("anything bad"), "anything bad");
  });

  it("mask: each listed word becomes one asterisk per character, the rest is kept as written", () => {
    const f = createContentFilter({ words: ["bad", "傻瓜"], policy: "mask" });
    assert.equal(f.apply("This is BAD, really Bad!"), "This is ***, really ***!");
    assert.equal(f.apply("badbad"), "******");
    assert.equal(f.apply("你是傻瓜吗"), "你是**吗");
    assert.equal(f.apply("😀 bad 😀"), "😀 *** 😀");
    assert.equal(f.apply("nothing to see"), "nothing to see");
    assert.equal(f.apply(""), "");
  });

  it("mask stays on the word when lower-casing lengthens a character before it (İ)", () => {
    const f = createContentFilter({ words: ["bad", "istanbul"], policy: "mask" });
    assert.equal(f.apply("İİ bad"), "İİ ***");
    assert.equal(f.apply("İstanbul bad"), "******** ***");
  });

  it("mask covers the union of overlapping matches", () => {
    const f = createContentFilter({ words: ["he", "she", "hers"], policy: "mask" });
    assert.equal(f.apply("ushers!"), "u*****!");
    assert.equal(createContentFilter({ words: ["傻瓜", "瓜子"], policy: "mask" }).apply("你是傻瓜子吗"), "你是***吗");
    assert.equal(createContentFilter({ words: ["ass"], policy: "mask" }).apply("classic"), "cl***ic"); // substring match, by design
  });

  it("block: a text with any listed word is refused (null), others pass unchanged", () => {
    const f = createContentFilter({ words: ["bad", "笨蛋"], policy: "block" });
    assert.equal(f.apply("so BAD"), null);
    assert.equal(f.apply("你这个笨蛋"), null);
    assert.equal(f.apply("all good"), "all good");
    assert.equal(f.apply(""), "");
  });

  it("update() replaces words and policy at once; settings() reports them", () => {
    const f = createContentFilter({ words: ["bad"], policy: "mask" });
    f.update({ words: ["worse"], policy: "block" });
    assert.deepEqual(f.settings(), { words: ["worse"], policy: "block" });
    assert.equal(f.apply("bad"), "bad"); // the old word is gone
    assert.equal(f.apply("even worse"), null);
    f.update({ words: ["worse"], policy: "mask" });
    assert.equal(f.apply("even worse"), "even *****");
    f.update({ words: [], policy: "block" });
    assert.equal(f.apply("even worse"), "even worse"); // an empty list turns filtering off
  });

  it("update() trims words, drops empty ones and duplicates", () => {
    const f = createContentFilter();
    f.update({ words: ["  bad ", "bad", "", "   ", "\tugly\n", "ugly"], policy: "mask" });
    assert.deepEqual(f.settings(), { words: ["bad", "ugly"], policy: "mask" });
    assert.equal(f.apply("bad and ugly"), "*** and ****");
    f.update({ words: ["  ", ""], policy: "block" });
    assert.deepEqual(f.settings().words, []);
    assert.equal(f.apply("bad"), "bad");
  });

  it("the initial settings are cleaned like update()'s", () => {
    const f = createContentFilter({ words: ["  bad ", "bad", ""], policy: "mask" });
    assert.deepEqual(f.settings(), { words: ["bad"], policy: "mask" });
    assert.equal(f.apply("so bad"), "so ***");
  });

  it("update() does not keep a reference to the caller's array", () => {
    const f = createContentFilter();
    const words = ["bad"];
    f.update({ words, policy: "mask" });
    words.push("good");
    assert.deepEqual(f.settings().words, ["bad"]);
    assert.equal(f.apply("good"), "good");
  });
});
