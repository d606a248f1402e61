// The visitor page in real Chromium against a real server: a visitor writes, an agent
// (a socket.io-client) answers; typing and read receipts travel; HTML in messages stays
// text; with nobody online the page says "leave a message" and still takes messages.
import assert from "node:assert/strict";
import type { Browser } from "playwright-core";
import type { Conversation } from "../../src/events.js";
import { api, call, until } from "../helpers/clients.js";
import type { TestServer } from "../helpers/server.js";
import { agentOnline, launch, myRows, newPage, sendFromPage, shot, startServer, visitorBodies, waitStates, type Agent } from "./browser.js";

describe("visitor page (Chromium)", function () {
  this.timeout(60_000);
  let browser: Browser;
  let srv: TestServer;
  let agent: Agent | undefined;

  before(async () => {
    browser = await launch();
    srv = await startServer();
  });
  after(async () => {
    agent?.close();
    await browser?.close();
    await srv?.stop();
  });

  it("says nobody is online, yet keeps the visitor's message for the agents", async () => {
    const { context, page, errors } = await newPage(browser);
    await page.goto(srv.url);
    await page.locator(".hf-prechat").waitFor();
    await page.locator('.hf-prechat input[name="name"]').fill("Dana");
    await page.locator('.hf-prechat input[name="email"]').fill("dana@example.com");
    await page.locator(".hf-prechat button[type=submit]").click();
    await sendFromPage(page, "Hello, is anyone there?");
    await waitStates(page, ["Hello, is anyone there?"], ["sent", "delivered", "read"]);
    await page.locator(".hf-row--system").first().waitFor();
    await page.locator(".hf-textarea[placeholder='Leave a message…']").waitFor();
    assert.match(await page.locator(".hf-subtitle").innerText(), /away/i);
    assert.equal(await page.locator(".hf-notice").isVisible(), false, "no echo of the server's own line");
    await sendFromPage(page, "It's about order #77");
    await page.locator(".hf-notice", { hasText: "Leave a message" }).waitFor({ state: "visible" });
    await shot(page, "page-no-agent");

    // An agent arrives later and takes the conversation: the message is there for them.
    const token = await page.evaluate(() => JSON.parse(localStorage.getItem("holdfast.visitor.token") ?? "null"));
    const { body } = await api<{ conversation: Conversation }>(srv.url, "GET", "/api/visitor/conversation", undefined, token);
    agent = await agentOnline(srv.url);
    const claimed = await call(agent.socket, "conversation:claim", { conversationId: body.conversation.id });
    assert.ok(claimed.ok, JSON.stringify(claimed));
    assert.equal(claimed.conversation.visitor.name, "Dana");
    assert.equal((await agent.waitConversation()).id, body.conversation.id);
    assert.deepEqual(visitorBodies(await agent.transcript(body.conversation.id)), ["Hello, is anyone there?", "It's about order #77"]);
    await page.locator(".hf-notice").waitFor({ state: "hidden" });
    assert.deepEqual(errors, []);
    await context.close();
  });

  it("a visitor writes, the agent replies, and typing and read receipts show", async () => {
    agent ??= await agentOnline(srv.url);
    const { context, page, errors } = await newPage(browser);
    await page.goto(srv.url);
    await sendFromPage(page, "My order #1042 has not arrived");
    await waitStates(page, ["My order #1042 has not arrived"], ["sent", "delivered", "read"]);
    const conv = await agent.waitConversation();

    // Typing both ways: the visitor's reaches the agent, the agent's shows on the page.
    const typed: boolean[] = [];
    agent.socket.on("typing", (t) => t.conversationId === conv.id && typed.push(t.isTyping));
    await page.locator(".hf-textarea").pressSequentially("Also", { delay: 30 });
    await until(() => typed.includes(true), 5000, "visitor typing at the agent");
    await page.locator(".hf-textarea").fill("");
    await until(() => typed.at(-1) === false, 8000, "visitor stopped typing");
    agent.socket.emit("typing", { conversationId: conv.id, isTyping: true }, () => {});
    await page.locator(".hf-typing").waitFor({ state: "visible" });
    assert.match(await page.locator(".hf-typing").innerText(), /typing/);

    const reply = await agent.send(conv.id, "Sorry about that! Let me check: https://shop.example/track/1042");
    const theirs = page.locator(".hf-row--theirs:not(.hf-welcome) .hf-bubble", { hasText: "Sorry about that!" });
    await theirs.waitFor();
    await page.locator(".hf-typing").waitFor({ state: "hidden" });
    const link = theirs.locator("a");
    assert.equal(await link.getAttribute("href"), "https://shop.example/track/1042");
    assert.equal(await link.getAttribute("rel"), "noopener noreferrer nofollow");
    assert.equal(await link.getAttribute("target"), "_blank");

    // The agent reads: the visitor's message turns "read"; the page (visible) read the reply.
    agent.socket.emit("message:read", { conversationId: conv.id, upToSeq: reply.seq }, () => {});
    await waitStates(page, ["My order #1042 has not arrived"], ["read"]);
    await sendFromPage(page, "Thanks!");
    await waitStates(page, ["Thanks!"], ["sent", "delivered", "read"]);
    await page.locator(".hf-link[data-quality=good]").waitFor();
    await shot(page, "page-conversation");
    assert.deepEqual(errors, []);
    await context.close();
  });

  it("shows HTML and script in messages as text, both ways", async () => {
    agent ??= await agentOnline(srv.url);
    const { context, page, errors } = await newPage(browser);
    await page.goto(srv.url);
    const evil = `<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script><b>bold</b> javascript:alert(1)`;
    await sendFromPage(page, evil);
    await waitStates(page, [evil], ["sent", "delivered", "read"]);
    const conv = await agent.waitConversation();
    await agent.send(conv.id, `<a href="javascript:alert(1)">click</a><iframe src="https://evil.example"></iframe>`);
    await page.locator(".hf-row--theirs .hf-bubble", { hasText: "<iframe" }).waitFor();

    const found = await page.evaluate(() => ({
      pwned: (window as unknown as { __pwned?: number }).__pwned,
      tags: Array.from(document.querySelectorAll(".hf-bubble *")).map((e) => e.tagName.toLowerCase()),
      links: Array.from(document.querySelectorAll(".hf-bubble a")).map((a) => a.getAttribute("href")),
    }));
    assert.equal(found.pwned, undefined);
    assert.ok(found.tags.every((t) => t === "p" || t === "a"), `unexpected elements: ${found.tags.join(",")}`);
    // Only the http(s) URL inside the text became a link; javascript: stayed text.
    assert.deepEqual(found.links, ["https://evil.example/"]);
    const rows = await myRows(page);
    assert.equal(rows.at(-1)!.text, evil);
    assert.deepEqual(errors, []);
    await context.close();
  });
  it("sends an image and a file with previews, and explains a refused type", async () => {
    agent ??= await agentOnline(srv.url);
    const { context, page, errors } = await newPage(browser);
    await page.goto(srv.url);
    // A real PNG, drawn by the browser itself.
    const png = Buffer.from(
      await page.evaluate(() => {
        const c = document.createElement("canvas");
        c.width = 480;
        c.height = 320;
        const g = c.getContext("2d")!;
        const grad = g.createLinearGradient(0, 0, 480, 320);
        grad.addColorStop(0, "#f59e0b");
        grad.addColorStop(1, "#db2777");
        g.fillStyle = grad;
        g.fillRect(0, 0, 480, 320);
        g.fillStyle = "#fff";
        g.font = "bold 44px sans-serif";
        g.fillText("Box #1042", 110, 175);
        return c.toDataURL("image/png").split(",")[1];
      }),
      "base64",
    );
    const input = page.locator(".hf-file-input");
    await input.setInputFiles({ name: "damaged-box.png", mimeType: "image/png", buffer: png });
    const img = page.locator(".hf-row--mine .hf-image img");
    await img.waitFor();
    await until(() => img.evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth === 480), 10_000, "image preview loaded");
    await input.setInputFiles({ name: "invoice.txt", mimeType: "text/plain", buffer: Buffer.from("Invoice 1042: 2 x mug\n") });
    const file = page.locator(".hf-row--mine .hf-file");
    await file.waitFor();
    assert.equal(await file.locator(".hf-file-name").innerText(), "invoice.txt");
    assert.match((await file.getAttribute("href")) ?? "", /\/uploads\/[0-9a-f-]{36}\?exp=\d+&sig=[\w-]+$/);
    await until(async () => (await page.locator(".hf-row--mine[data-state=pending]").count()) === 0, 10_000, "uploads sent");

    await input.setInputFiles({ name: "logo.svg", mimeType: "image/svg+xml", buffer: Buffer.from("<svg xmlns='http://www.w3.org/2000/svg'/>") });
    await page.locator(".hf-toast", { hasText: "can't be sent" }).waitFor();

    const conv = await agent.waitConversation();
    const sent = (await agent.transcript(conv.id)).filter((m) => m.sender.type === "visitor");
    assert.deepEqual(sent.map((m) => [m.type, m.body, m.attachment?.mime]), [
      ["image", "damaged-box.png", "image/png"],
      ["file", "invoice.txt", "text/plain"],
    ]);
    await shot(page, "page-attachments");
    assert.deepEqual(errors, []);
    await context.close();
  });

  it("marks a refused message failed, with retry and remove", async () => {
    agent ??= await agentOnline(srv.url);
    srv.application.services.filter.update({ words: ["forbiddenword"], policy: "block" });
    const { context, page, errors } = await newPage(browser);
    try {
      await page.goto(srv.url);
      await sendFromPage(page, "this is fine");
      await sendFromPage(page, "this has forbiddenword in it");
      await sendFromPage(page, "and this goes through after it");
      await waitStates(page, ["this has forbiddenword in it"], ["failed"]);
      await waitStates(page, ["this is fine", "and this goes through after it"], ["sent", "delivered", "read"]);
      const failed = page.locator(".hf-row--mine[data-state=failed]");
      assert.equal(await failed.locator(".hf-failed").innerText().then((t) => t.replace(/\s+/g, " ").trim()), "Not sent Retry Remove");
      await shot(page, "page-failed");
      await failed.locator("button", { hasText: "Retry" }).click();
      await waitStates(page, ["this has forbiddenword in it"], ["failed"]); // still refused: no loop
      await failed.locator("button", { hasText: "Remove" }).click();
      await failed.waitFor({ state: "detached" });
      assert.deepEqual((await myRows(page)).map((r) => r.text), ["this is fine", "and this goes through after it"]);
      assert.equal(await page.evaluate(() => localStorage.getItem("holdfast.visitor.outbox")), null);
      assert.deepEqual(errors, []);
    } finally {
      srv.application.services.filter.update({ words: [], policy: "mask" });
      await context.close();
    }
  });

  it("starts a new session when the stored token is refused", async () => {
    const { context, page, errors } = await newPage(browser);
    await context.addInitScript(() => {
      if (!sessionStorage.getItem("seeded")) {
        sessionStorage.setItem("seeded", "1");
        localStorage.setItem("holdfast.visitor.token", JSON.stringify("v.not-a-real-token"));
      }
    });
    await page.goto(srv.url);
    await sendFromPage(page, "still works");
    await waitStates(page, ["still works"], ["sent", "delivered", "read"]);
    const token = await page.evaluate(() => JSON.parse(localStorage.getItem("holdfast.visitor.token") ?? "null"));
    assert.notEqual(token, "v.not-a-real-token");
    assert.deepEqual(errors, []);
    await context.close();
  });

  it("speaks Chinese to a Chinese browser", async () => {
    const { context, page } = await newPage(browser, { locale: "zh-CN" });
    await page.goto(srv.url);
    await page.locator(".hf-booted").waitFor();
    // "Write a message" with an agent online, "Leave a message" without one.
    assert.match((await page.locator(".hf-textarea").getAttribute("placeholder")) ?? "", /^(输入消息…|请留言…)$/);
    assert.equal(await page.locator(".hf-prechat button[type=submit]").innerText(), "开始对话");
    assert.equal(await page.getAttribute("html", "lang"), "zh-CN");
    // The server's system lines (stored in English) read in Chinese too.
    await sendFromPage(page, "你好");
    await page.locator(".hf-system", { hasText: /已加入对话|目前没有客服在线|我们现在不在线/ }).first().waitFor();
    assert.deepEqual(await page.locator(".hf-system", { hasText: /joined|No agent|We are away/ }).count(), 0);
    await context.close();
  });
});
