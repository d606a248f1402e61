// What a new support team saw on the visitor side (issue 13, items 5 and 7), in Chromium:
// the offline banner whole in the narrow widget, a time under an image, and a message the
// content filter masked shown to its sender as stored, with a note that words were hidden.
import assert from "node:assert/strict";
import { agentToken, call, until } from "../helpers/clients.js";
import { chatSuite, myRows, newPage, sendFromPage, shot, waitStates } from "./browser.js";

const DONE = ["sent", "delivered", "read"];
const PNG_1PX = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==", "base64");

describe("visitor polish (issue 13, items 5 and 7) in Chromium", function () {
  this.timeout(90_000);
  const chat = chatSuite();
  /** The chat page as the widget frames it (380 px wide, as on a desktop), one message sent. */
  async function widgetSized(first: string) {
    const opened = await newPage(chat.browser, { viewport: { width: 380, height: 640 } });
    await opened.page.goto(`${chat.srv.url}/?embed=1`);
    await sendFromPage(opened.page, first);
    await waitStates(opened.page, [first], DONE);
    return opened;
  }

  it("shows the sender what was stored when words were masked, with a note", async () => {
    chat.srv.application.services.filter.update({ words: ["darn"], policy: "mask" });
    const { context, page, errors } = await newPage(chat.browser);
    try {
      await page.goto(chat.srv.url);
      await sendFromPage(page, "hello");
      await waitStates(page, ["hello"], DONE);
      await sendFromPage(page, "this darn parcel is late");
      await until(async () => (await myRows(page)).length === 2 && (await myRows(page))[1]!.state !== "pending", 10_000, "the masked message acked");
      const conv = await chat.agent.waitConversation();
      const stored = (await chat.agent.transcript(conv.id)).filter((m) => m.sender.type === "visitor").map((m) => m.body);
      assert.doesNotMatch(stored[1]!, /darn/);
      const rows = await myRows(page);
      assert.equal(rows[1]!.text, stored[1], "the bubble shows the stored body");
      assert.equal(await page.locator(".hf-row--mine .hf-masked").count(), 1);
      assert.match(await page.locator(".hf-masked").innerText(), /Some words were hidden/);
      await shot(page, "polish-visitor-masked");
      assert.deepEqual(errors, []);
    } finally {
      chat.srv.application.services.filter.update({ words: [], policy: "mask" });
      await context.close();
    }
  });

  it("puts the time under an image", async () => {
    const { context, page, errors } = await widgetSized("here is a photo");
    await page.locator(".hf-file-input").setInputFiles({ name: "dot.png", mimeType: "image/png", buffer: PNG_1PX });
    const row = page.locator(".hf-row--mine:has(.hf-image)");
    await row.waitFor();
    await until(async () => (await row.getAttribute("data-state")) !== "pending", 10_000, "the image sent");
    // And one from the agent, the last of its group.
    const conv = await chat.agent.waitConversation();
    const form = new FormData();
    form.append("file", new Blob([PNG_1PX], { type: "image/png" }), "reply.png");
    const up = await fetch(`${chat.srv.url}/api/uploads`, { method: "POST", body: form, headers: { Authorization: `Bearer ${(await agentToken(chat.srv.url)).token}` } });
    const { attachment } = (await up.json()) as { attachment: { id: string } };
    const sent = await call(chat.agent.socket, "message:send", { conversationId: conv.id, clientMsgId: "agent-img-1", type: "image", body: "reply.png", attachmentId: attachment.id });
    assert.ok(sent.ok, JSON.stringify(sent));
    const theirs = page.locator(".hf-row--theirs:has(.hf-image)");
    await theirs.waitFor();
    // Words after each image (one group per side): the images keep their times.
    await chat.agent.send(conv.id, "Thanks, looking at it");
    await sendFromPage(page, "and one more line");
    await waitStates(page, ["and one more line"], DONE);
    await page.locator(".hf-row--theirs", { hasText: "Thanks, looking at it" }).waitFor();
    await shot(page, "polish-visitor-image");
    assert.equal(await row.locator(".hf-meta time").isVisible(), true, "the image row shows its time");
    assert.equal(await theirs.locator(".hf-meta time").isVisible(), true, "the agent's image row shows its time");
    assert.deepEqual(errors, []);
    await context.close();
  });

  it("shows the whole offline banner in a widget-sized frame", async () => {
    const { context, page, errors } = await widgetSized("about to go offline");
    await context.setOffline(true);
    const text = page.locator(".hf-banner[data-state=offline] .hf-banner-text");
    await text.waitFor();
    const fit = await text.evaluate((t) => {
      const b = t.parentElement!.getBoundingClientRect();
      const r = t.getBoundingClientRect();
      return { inside: r.left >= b.left && r.right <= b.right, sw: t.scrollWidth, cw: t.clientWidth, text: t.textContent };
    });
    await shot(page, "polish-visitor-offline");
    assert.ok(fit.inside && fit.sw <= fit.cw, `banner text cut: ${JSON.stringify(fit)}`);
    await context.setOffline(false);
    assert.deepEqual(errors, []);
    await context.close();
  });
});
