// The one-tag widget on a page served from a second origin: it works when that origin
// is in ALLOWED_ORIGINS (launcher, panel, chat, unread badge, phone layout) and is
// refused when it is not (no launcher, the framed chat blocked by CSP frame-ancestors).
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, Page } from "playwright-core";
import { until } from "../helpers/clients.js";
import type { TestServer } from "../helpers/server.js";
import { agentOnline, launch, newPage, shot, startServer, waitStates, type Agent } from "./browser.js";

/** A shop on another origin, with CSS that would wreck an unisolated widget. */
async function hostSite() {
  let chat = "";
  const server = http.createServer((_req, res) => {
    res.setHeader("Content-Type", "text/html; charset=utf-8");
    res.end(`<!doctype html><html><head><title>Acme Store</title><meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:16px Georgia,serif;margin:0;padding:48px;background:#fafaf9;color:#292524}
button{background:red!important;border-radius:0!important;width:300px!important} iframe{border:8px solid red!important}</style></head>
<body><h1>Acme Store</h1><p>Handmade goods, shipped worldwide.</p>
<script src="${chat}/widget.js" data-title="Acme Help" data-color="#0ea5e9" data-position="left" data-greeting="Questions about an order? We're here." async></script>
</body></html>`);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, serve: (chatUrl: string) => (chat = chatUrl), close: () => new Promise((r) => server.close(r)) };
}

const launcher = (page: Page) => page.locator("#holdfast-widget .launcher");
const badge = (page: Page) => page.locator("#holdfast-widget .badge");
const chat = (page: Page) => page.frameLocator("#holdfast-widget iframe");

describe("embeddable widget (Chromium)", function () {
  this.timeout(60_000);
  let browser: Browser;
  let host: Awaited<ReturnType<typeof hostSite>>;
  let srv: TestServer;
  let agent: Agent;

  before(async () => {
    browser = await launch();
    host = await hostSite();
    srv = await startServer({ env: { ALLOWED_ORIGINS: host.url } });
    host.serve(srv.url);
    agent = await agentOnline(srv.url);
  });
  after(async () => {
    agent?.close();
    await browser?.close();
    await srv?.stop();
    await host?.close();
  });

  it("works on an allowed origin: launcher, chat, unread badge", async () => {
    const { context, page, errors } = await newPage(browser);
    await page.goto(host.url);
    await launcher(page).waitFor({ state: "visible" });
    const look = await launcher(page).evaluate((b) => ({ bg: getComputedStyle(b).backgroundColor, width: b.getBoundingClientRect().width, left: b.getBoundingClientRect().left }));
    assert.deepEqual(look, { bg: "rgb(14, 165, 233)", width: 60, left: 20 }, "data-color and data-position apply; host CSS does not");
    await shot(page, "widget-closed");

    await launcher(page).click();
    await chat(page).locator(".hf-title", { hasText: "Acme Help" }).waitFor();
    await chat(page).locator(".hf-textarea").fill("Hi from the widget");
    await chat(page).locator(".hf-textarea").press("Enter");
    const frame = page.frames().find((f) => f.url().startsWith(`${srv.url}/?embed=1`))!;
    await waitStates(frame, ["Hi from the widget"], ["sent", "delivered", "read"]);
    const conv = await agent.waitConversation();
    await agent.send(conv.id, "Hello! How can we help?");
    await chat(page).locator(".hf-row--theirs .hf-bubble", { hasText: "How can we help?" }).waitFor();
    await shot(page, "widget-open");

    // Closed panel: the next reply shows up as a badge on the launcher, opening clears it.
    await launcher(page).click();
    await agent.send(conv.id, "Your parcel left our warehouse today.");
    await until(async () => (await badge(page).isVisible()) && (await badge(page).innerText()) === "1", 10_000, "unread badge 1");
    assert.match((await launcher(page).getAttribute("aria-label")) ?? "", /1 unread/);
    await page.locator("#holdfast-widget .panel").waitFor({ state: "hidden" }); // closing transition over
    await shot(page, "widget-badge");
    await launcher(page).click();
    await badge(page).waitFor({ state: "hidden" });
    assert.deepEqual(errors, []);
    await context.close();
  });

  it("fills the screen on a phone", async () => {
    const { context, page } = await newPage(browser, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await page.goto(host.url);
    await launcher(page).tap();
    await chat(page).locator(".hf-textarea").waitFor();
    const full = async () => JSON.stringify(await page.locator("#holdfast-widget .panel").boundingBox());
    await until(async () => (await full()) === JSON.stringify({ x: 0, y: 0, width: 390, height: 844 }), 5000, `full-screen panel, got ${await full()}`);
    await shot(page, "widget-mobile");
    await chat(page).locator(".hf-close").tap(); // the chat's own close button
    await launcher(page).waitFor({ state: "visible" });
    await context.close();
  });

  it("is refused on an origin that is not allowed, until the admin allows it", async () => {
    const other = await startServer(); // ALLOWED_ORIGINS unset: same origin only
    const { context, page } = await newPage(browser);
    try {
      host.serve(other.url);
      await page.goto(host.url);
      const frameEl = page.locator("#holdfast-widget iframe");
      await frameEl.waitFor({ state: "attached" });
      await page.waitForTimeout(2000);
      assert.equal(await launcher(page).isVisible(), false, "no launcher for a chat that cannot load");
      const frame = await (await frameEl.elementHandle())!.contentFrame();
      const loaded = await frame!.evaluate(() => !!document.getElementById("hf-app")).catch(() => false);
      assert.equal(loaded, false, "the framed chat is blocked by frame-ancestors");
      const cors = await page.evaluate((u) => fetch(`${u}/api/widget/settings`).then(() => "read", () => "blocked"), other.url);
      assert.equal(cors, "blocked");
      const res = await fetch(`${other.url}/?embed=1`);
      assert.match(res.headers.get("content-security-policy") ?? "", /frame-ancestors 'self'(;|$)/);

      // The admin allows the site in the widget settings: no restart needed.
      const settings = other.application.services.settings;
      await settings.setWidget({ ...(await settings.getWidget()), allowedOrigins: [host.url] });
      await page.reload();
      await launcher(page).waitFor({ state: "visible" });
      await launcher(page).click();
      await chat(page).locator(".hf-textarea").waitFor();
    } finally {
      host.serve(srv.url);
      await context.close();
      await other.stop();
    }
  });
});
