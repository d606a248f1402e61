// CSAT on the visitor page in Chromium: an agent resolves, the page asks for a rating,
// the visitor gives 4 stars and a comment; it is stored once, shown in the admin
// transcript, and the thank-you survives a reload. A second rating is CONFLICT, another
// visitor's conversation NOT_FOUND, a bad payload VALIDATION (and changes nothing).
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import type { Page } from "playwright-core";
import { call, callRaw, connectVisitor, expectOk, visitorSession } from "../helpers/clients.js";
import { ADMIN } from "../helpers/server.js";
import { httpLogin } from "../console/helpers.js";
import { chatSuite, newPage, sendFromPage, waitStates } from "./browser.js";

const SHOTS = process.env.HOLDFAST_SHOTS_DIR ?? path.resolve(import.meta.dirname, "../../test-artifacts");
const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, `csat-${name}.png`) });
const tokenOf = (page: Page) => page.evaluate(() => JSON.parse(localStorage.getItem("holdfast.visitor.token") ?? "null") as string);

describe("CSAT on the visitor page (Chromium)", function () {
  this.timeout(60_000);
  const s = chatSuite();

  /** A visitor page with a conversation the agent answered and resolved. */
  async function resolvedChat(opts: Parameters<typeof newPage>[1] = {}) {
    const { context, page, errors } = await newPage(s.browser, opts);
    await page.goto(s.srv.url);
    await sendFromPage(page, "Where is my parcel?");
    await waitStates(page, ["Where is my parcel?"], ["sent", "delivered", "read"]);
    const conv = await s.agent.waitConversation();
    await s.agent.send(conv.id, "It arrives tomorrow.");
    expectOk(await call(s.agent.socket, "conversation:resolve", { conversationId: conv.id }), "resolve");
    return { context, page, errors, conv };
  }
  const stored = (id: string) => s.srv.application.services.repos.csat.state(id);

  it("asks after resolve, stores 4 stars with a comment, thanks, and shows it in the transcript", async () => {
    const { context, page, errors, conv } = await resolvedChat();
    const prompt = page.locator(".hf-csat .hf-csat-ask");
    await prompt.waitFor({ state: "visible" });
    assert.equal(await page.locator(".hf-csat .hf-prechat-title").innerText(), "How was your chat?");
    assert.equal(await page.locator(".hf-csat button[type=submit]").isDisabled(), true, "no rating picked yet");
    await page.locator('.hf-star[data-rating="4"]').click();
    await page.locator(".hf-csat-comment").fill("Quick and friendly, thanks!");
    await shot(page, "page-prompt");
    await page.locator(".hf-csat button[type=submit]").click();
    await page.locator(".hf-csat-thanks", { hasText: "Thank you for your feedback!" }).waitFor();
    assert.equal(await prompt.isVisible(), false);
    await shot(page, "page-thanks");

    const row = await stored(conv.id);
    assert.equal(row?.rating, 4);
    assert.equal(row?.comment, "Quick and friendly, thanks!");

    // After a reload: the thank-you, not the prompt again.
    await page.reload();
    await page.locator(".hf-csat-thanks", { hasText: "Thank you" }).waitFor();
    assert.equal(await prompt.isVisible(), false);

    // The admin transcript (page and text export) shows the rating and the comment.
    const { agent: admin } = await httpLogin(s.srv.url, ADMIN.email, ADMIN.password);
    const html = (await admin.get(`/admin/conversations/${conv.id}`)).text;
    assert.match(html, /id="transcript-csat"[^>]*>Rating: <strong>★★★★☆ 4\/5<\/strong> · “Quick and friendly, thanks!”/);
    const txt = (await admin.get(`/admin/conversations/${conv.id}/export.txt`)).text;
    assert.match(txt, /^Rating: 4\/5 "Quick and friendly, thanks!"$/m);
    // The console's visitor panel reads it from /api/visitors/:id ("Last rating").
    const panel = (await admin.get(`/api/visitors/${conv.visitor.id}`)).body as { visitor: { conversations: { id: string; csatRating: number; csatComment: string }[] } };
    assert.deepEqual(panel.visitor.conversations.filter((c) => c.id === conv.id).map((c) => [c.csatRating, c.csatComment]), [[4, "Quick and friendly, thanks!"]]);

    // A second rating, from another device of the same visitor: CONFLICT, first one kept.
    const again = await connectVisitor(s.srv.url, await tokenOf(page));
    const second = await call(again.socket, "csat:submit", { conversationId: conv.id, rating: 1 });
    assert.equal(second.ok ? "ok" : second.error.code, "CONFLICT");
    assert.equal((await stored(conv.id))?.rating, 4);

    // Another visitor cannot rate it (nor learn that it exists).
    const stranger = await connectVisitor(s.srv.url, (await visitorSession(s.srv.url, "Mallory")).token);
    const theirs = await call(stranger.socket, "csat:submit", { conversationId: conv.id, rating: 5 });
    assert.equal(theirs.ok ? "ok" : theirs.error.code, "NOT_FOUND");
    const none = await call(stranger.socket, "csat:submit", { conversationId: "no-such-conversation", rating: 5 });
    assert.equal(none.ok ? "ok" : none.error.code, "NOT_FOUND");
    again.close();
    stranger.close();
    assert.deepEqual(errors, []);
    await context.close();
  });

  it("keeps the prompt over a reload until rated; bad ratings are VALIDATION and change nothing", async () => {
    const { context, page, errors, conv } = await resolvedChat();
    await page.locator(".hf-csat-ask").waitFor({ state: "visible" });
    await page.reload();
    await page.locator(".hf-csat-ask").waitFor({ state: "visible" });

    const v = await connectVisitor(s.srv.url, await tokenOf(page));
    const bad: unknown[] = [
      { conversationId: conv.id, rating: 0 }, { conversationId: conv.id, rating: 6 }, { conversationId: conv.id, rating: 4.5 },
      { conversationId: conv.id, rating: "4" }, { conversationId: conv.id }, { conversationId: conv.id, rating: 3, comment: "x".repeat(1001) },
      { conversationId: conv.id, rating: 3, extra: true }, { conversationId: conv.id, rating: 3, comment: 42 }, "4", null,
    ];
    for (const p of bad) {
      const res = await callRaw(v.socket, "csat:submit", p);
      assert.equal(res.ok ? "ok" : res.error.code, "VALIDATION", JSON.stringify(p));
    }
    assert.equal((await stored(conv.id))?.rating, null, "nothing stored by bad payloads");

    // The longest comment is taken; the page then thanks on its next look.
    expectOk(await call(v.socket, "csat:submit", { conversationId: conv.id, rating: 2, comment: "y".repeat(1000) }), "1000 chars");
    assert.equal((await stored(conv.id))?.comment?.length, 1000);
    await page.reload();
    await page.locator(".hf-csat-thanks").waitFor();
    assert.match(await page.locator(".hf-csat-thanks").innerText(), /^★★☆☆☆/);

    // A new message opens a new conversation: the rating is behind it, nothing to ask.
    await sendFromPage(page, "One more question");
    await page.locator(".hf-csat").waitFor({ state: "hidden" });
    const open = await s.agent.waitConversation();
    const early = await call(v.socket, "csat:submit", { conversationId: open.id, rating: 5 });
    assert.equal(early.ok ? "ok" : early.error.code, "CONFLICT", "an open conversation is not rated yet");
    expectOk(await call(s.agent.socket, "conversation:resolve", { conversationId: open.id }), "resolve");
    v.close();
    assert.deepEqual(errors, []);
    await context.close();
  });

  it("has its own per-visitor budget: a flood is RATE_LIMITED with retryAfterMs", async () => {
    const v = await connectVisitor(s.srv.url, (await visitorSession(s.srv.url, "Flood")).token);
    const acks = await Promise.all(Array.from({ length: 60 }, () => call(v.socket, "csat:submit", { conversationId: "none", rating: 3 })));
    const limited = acks.filter((a) => !a.ok && a.error.code === "RATE_LIMITED");
    assert.ok(limited.length >= 30, `${limited.length} of 60 refused`);
    assert.ok(limited.every((a) => !a.ok && (a.error.retryAfterMs ?? 0) > 0));
    // Other events of the same visitor are not spent by it.
    expectOk(await call(v.socket, "hb", { t: 1 }), "hb");
    v.close();
  });

  it("asks in Chinese for a Chinese browser", async () => {
    const { context, page, errors } = await resolvedChat({ locale: "zh-CN" });
    await page.locator(".hf-csat-ask").waitFor({ state: "visible" });
    assert.equal(await page.locator(".hf-csat .hf-prechat-title").innerText(), "您对本次服务满意吗？");
    await page.locator('.hf-star[data-rating="5"]').click();
    await page.locator(".hf-csat button[type=submit]").click();
    await page.locator(".hf-csat-thanks", { hasText: "感谢您的评价！" }).waitFor();
    await shot(page, "page-zh-thanks");
    assert.deepEqual(errors, []);
    await context.close();
  });
});

describe("CSAT in the widget (Chromium)", function () {
  this.timeout(60_000);
  let host: http.Server;
  let hostUrl = "";
  let chatUrl = "";
  before(async () => {
    host = http.createServer((_req, res) => {
      res.setHeader("Content-Type", "text/html; charset=utf-8");
      res.end(`<!doctype html><html><head><title>Acme Store</title></head><body style="font:16px Georgia,serif;padding:40px">
<h1>Acme Store</h1><p>Handmade goods, shipped worldwide.</p><script src="${chatUrl}/widget.js" data-title="Acme Help" async></script></body></html>`);
    });
    await new Promise<void>((r) => host.listen(0, "127.0.0.1", r));
    hostUrl = `http://127.0.0.1:${(host.address() as AddressInfo).port}`;
  });
  // The host's origin is known once it listens (the hook above runs first): read then.
  const env: Record<string, string> = {};
  Object.defineProperty(env, "ALLOWED_ORIGINS", { get: () => hostUrl, enumerable: true });
  const s = chatSuite({ env });
  after(() => new Promise((r) => host.close(r)));

  it("asks in the widget's panel after resolve and thanks there", async () => {
    chatUrl = s.srv.url;
    const { context, page, errors } = await newPage(s.browser);
    await page.goto(hostUrl);
    await page.locator("#holdfast-widget .launcher").click();
    const chat = page.frameLocator("#holdfast-widget iframe");
    await chat.locator(".hf-textarea").fill("Can I change my order?");
    await chat.locator(".hf-textarea").press("Enter");
    const conv = await s.agent.waitConversation();
    await s.agent.send(conv.id, "Done, it's changed.");
    expectOk(await call(s.agent.socket, "conversation:resolve", { conversationId: conv.id }), "resolve");
    await chat.locator(".hf-csat-ask").waitFor({ state: "visible" });
    await chat.locator('.hf-star[data-rating="5"]').click();
    await chat.locator(".hf-csat-comment").fill("Great");
    await page.screenshot({ path: path.join(SHOTS, "csat-widget-prompt.png") });
    await chat.locator(".hf-csat button[type=submit]").click();
    await chat.locator(".hf-csat-thanks").waitFor();
    await page.screenshot({ path: path.join(SHOTS, "csat-widget-thanks.png") });
    const row = await s.srv.application.services.repos.csat.state(conv.id);
    assert.deepEqual([row?.rating, row?.comment], [5, "Great"]);
    assert.deepEqual(errors, []);
    await context.close();
  });
});
