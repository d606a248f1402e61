// The visitor page re-words the server's English system lines for Chinese visitors by
// their shape; this keeps the server's texts and the page's patterns in step.
import assert from "node:assert/strict";
import { systemText, type SystemKey } from "../../src/assignment/system-messages.js";
import { systemLine } from "../../src/client/visitor/system-lines.js";

const keys: SystemKey[] = ["assigned", "transferred", "resolved", "no-agent", "visitor-left", "requeued", "auto-resolved"];

describe("system lines for Chinese visitors", () => {
  it("re-words every server system line, with and without a name", () => {
    for (const key of keys) {
      // The server always names the agent who joins or takes over; others may go unnamed.
      const names = key === "assigned" || key === "transferred" ? ["Alice <b>Agent</b>"] : ["Alice <b>Agent</b>", ""];
      for (const name of names) {
        const english = systemText(key, name);
        const chinese = systemLine(english, "zh");
        assert.notEqual(chinese, english, `${key} (${JSON.stringify(name)}) is not translated`);
        assert.match(chinese, /[\u4e00-\u9fff]/, `${key}: ${chinese}`);
        if (name && english.includes(name)) assert.ok(chinese.includes(name), `${key} keeps the name: ${chinese}`);
      }
    }
  });

  it("leaves English alone, and unknown lines as stored", () => {
    assert.equal(systemLine(systemText("assigned", "Bob"), "en"), "Bob joined the conversation");
    assert.equal(systemLine("Something new happened", "zh"), "Something new happened");
  });
});
