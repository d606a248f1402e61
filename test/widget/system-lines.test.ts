// The visitor page re-words the server's English system lines for Chinese visitors by
// their shape; this keeps the server's texts and the page's patterns in step.
import assert from "node:assert/strict";
import { systemText, type SystemKey } from "../../src/assignment/system-messages.js";
import { systemLine } from "../../src/client/visitor/system-lines.js";
import { DEFAULT_WIDGET } from "../../src/settings/settings.service.js";

const keys: SystemKey[] = ["assigned", "transferred", "resolved", "no-agent", "visitor-left", "requeued", "auto-resolved"];

describe("system lines for Chinese visitors", () => {
  it("re-words every server system line, with and without a name", () => {
    for (const key of keys) {
      // The server always names the agent who joins or takes over; others may go unnamed.
      // "no-agent" takes the admin's offline message: the stock one, or none (the fallback).
      const names = key === "no-agent" ? [DEFAULT_WIDGET.offlineMessage, ""]
        : key === "assigned" || key === "transferred" ? ["Alice <b>Agent</b>"] : ["Alice <b>Agent</b>", ""];
      for (const name of names) {
        const english = systemText(key, name);
        const chinese = systemLine(english, "zh");
        assert.notEqual(chinese, english, `${key} (${JSON.stringify(name)}) is not translated`);
        assert.match(chinese, /[\u4e00-\u9fff]/, `${key}: ${chinese}`);
        if (name && key !== "no-agent" && english.includes(name)) assert.ok(chinese.includes(name), `${key} keeps the name: ${chinese}`);
      }
    }
  });

  it("shows an offline message the admin wrote as written, in every language", () => {
    const own = "Our team is off until 9:00 CET. Leave a message.";
    assert.equal(systemText("no-agent", own), own);
    assert.equal(systemLine(own, "zh"), own);
  });

  it("leaves English alone, and unknown lines as stored", () => {
    assert.equal(systemLine(systemText("assigned", "Bob"), "en"), "Bob joined the conversation");
    assert.equal(systemLine("Something new happened", "zh"), "Something new happened");
  });
});
