// The language rules: Accept-Language parsing, the stored choice winning, the lookup
// with placeholders, and the two dictionaries holding the same keys.
import assert from "node:assert/strict";
import { isLocale, localeOfTag, pickLocale, resolveLocale } from "../../src/i18n/locales.rules.js";
import { clientMessages, format, translator } from "../../src/i18n/translate.rules.js";
import { en } from "../../src/i18n/en.js";
import { zhCN } from "../../src/i18n/zh-CN.js";

describe("i18n rules", () => {
  it("picks the first supported language of Accept-Language, by weight", () => {
    assert.equal(pickLocale(undefined), "en");
    assert.equal(pickLocale(""), "en");
    assert.equal(pickLocale("zh-CN,zh;q=0.9,en;q=0.8"), "zh-CN");
    assert.equal(pickLocale("zh-TW"), "zh-CN");
    assert.equal(pickLocale("fr-FR,de;q=0.9"), "en");
    assert.equal(pickLocale("fr, zh;q=0.5, en;q=0.4"), "zh-CN");
    assert.equal(pickLocale("en;q=0.3, zh;q=0.7"), "zh-CN");
    assert.equal(pickLocale("zh;q=0, en"), "en");
    assert.equal(pickLocale("de, en-GB;q=0.8"), "en");
    assert.equal(localeOfTag("ZH_hans"), "zh-CN");
    assert.equal(localeOfTag("pt"), null);
  });

  it("the agent's stored choice wins; an unknown stored value is ignored", () => {
    assert.equal(resolveLocale("zh-CN", "en-US"), "zh-CN");
    assert.equal(resolveLocale("en", "zh-CN"), "en");
    assert.equal(resolveLocale(null, "zh-CN"), "zh-CN");
    assert.equal(resolveLocale("klingon", "zh"), "zh-CN");
    assert.ok(isLocale("en") && isLocale("zh-CN") && !isLocale("zh") && !isLocale(undefined));
  });

  it("looks keys up in the locale and fills {placeholders}", () => {
    const t = translator("zh-CN");
    assert.equal(t("console.tabWaiting"), "等待中");
    assert.equal(t("js.status.resolved"), "已解决");
    assert.equal(t("js.handledBy", { name: "Ana" }), "Ana 正在处理此会话。");
    assert.equal(translator("en")("js.handledBy", { name: "Ana" }), "Ana is handling this conversation.");
    assert.equal(translator("en")("console.send"), "Send");
    assert.ok(t.has("nav.widget") && t.has("nav.webhooks") && !t.has("nav.nowhere") && !t.has("toString"));
    assert.equal(format("{a} and {b}", { a: 1 }), "1 and {b}"); // a missing value stays visible
    assert.equal(format("{n} s", { n: 0 }), "0 s");
    assert.equal(format("no vars {x}"), "no vars {x}");
  });

  it("both dictionaries have the same keys, none empty, the same placeholders", () => {
    assert.deepEqual(Object.keys(zhCN).sort(), Object.keys(en).sort());
    const holes = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort().join();
    for (const [k, v] of Object.entries(en)) {
      const zh = zhCN[k as keyof typeof en];
      assert.ok(v && zh, k);
      assert.equal(holes(zh), holes(v), `placeholders of ${k}`);
    }
  });

  it("gives the console bundle only its own (js.) keys", () => {
    const m = clientMessages("zh-CN");
    assert.ok(Object.keys(m).length > 10 && Object.keys(m).every((k) => k.startsWith("js.")));
    assert.equal(m["js.you"], "我");
  });
});
