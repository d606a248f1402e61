// Visitor context end to end in Chromium: the widget on a host page (a single-page shop)
// and the chat page `/` send the page, its title, the referrer, the browser's language and
// timezone; the agent's console panel shows them, and a pushState navigation on the host
// page updates the panel live (through `visitor:context`, not the panel's periodic refresh).
import assert from "node:assert/strict";
import type { Browser, Page } from "playwright-core";
import { until } from "../helpers/clients.js";
import { ADMIN, type TestServer } from "../helpers/server.js";
import { consoleReady, loginPage } from "../console/helpers.js";
import { launch, newPage, sendFromPage, shot, startServer, waitStates } from "./browser.js";
import { hostSite, shopPage, type HostSite } from "./host-site.js";

const SPA = `<script>
  // The shop's router: a click changes the URL and the title without loading a page.
  document.addEventListener("click", (e) => {
    const a = e.target.closest("a[data-route]");
    if (!a) return;
    e.preventDefault();
    history.pushState({}, "", a.getAttribute("href"));
    setTimeout(() => (document.title = a.dataset.title), 50);
  });
</script>`;
const shop = (chat: string) =>
  shopPage("Trail shoes – Acme", "", SPA)(chat).replace("<body>", `<body><a data-route href="/shop/checkout?step=2" data-title="Checkout – Acme">Checkout</a>`);

/** The panel's facts as { label: text }. */
async function facts(page: Page): Promise<Record<string, string>> {
  return page.$$eval("#v-facts dt", (dts) => Object.fromEntries(dts.map((dt) => [dt.textContent ?? "", dt.nextElementSibling?.textContent ?? ""])));
}

describe("visitor context in the agent's panel (Chromium)", function () {
  this.timeout(120_000);
  let browser: Browser;
  let host: HostSite;
  let srv: TestServer;
  let agentPage: Page;

  before(async () => {
    browser = await launch();
    host = await hostSite();
    host.page("/shop/*", shop);
    srv = await startServer({ env: { ALLOWED_ORIGINS: host.url } });
    host.serve(srv.url);
    const console = await newPage(browser, { viewport: { width: 1400, height: 860 } });
    agentPage = console.page;
    await loginPage(agentPage, srv.url, ADMIN.email, ADMIN.password);
    await consoleReady(agentPage);
  });
  after(async () => {
    await browser?.close();
    await srv?.stop();
    await host?.close();
  });

  /** Opens the conversation of the visitor who wrote `text` in the console. */
  async function openConversation(text: string) {
    const item = agentPage.locator("#list .citem", { hasText: text });
    await item.waitFor({ timeout: 15_000 });
    await item.click();
    await agentPage.locator("#vpanel-body").waitFor();
  }

  it("the widget on a host page: page, title, referrer, language, timezone; a pushState updates it live", async () => {
    const { context, page, errors } = await newPage(browser, { locale: "de-DE", timezoneId: "America/Sao_Paulo" });
    await page.goto(`${host.url}/shop/shoes/42?color=red`, { referer: "https://www.google.com/search?q=trail+shoes" });
    await page.locator("#holdfast-widget .launcher").click();
    const frame = page.frameLocator("#holdfast-widget iframe");
    await frame.locator(".hf-textarea").fill("Do these run small?");
    await frame.locator(".hf-textarea").press("Enter");
    await openConversation("Do these run small?");
    await until(async () => (await facts(agentPage)).Page?.includes("Trail shoes"), 10_000, "the page in the panel");
    const f = await facts(agentPage);
    assert.equal(f.Page, `Trail shoes – Acme${host.url}/shop/shoes/42?color=red`, "title as the link, URL under it");
    assert.equal(f.Referrer, "https://www.google.com/search?q=trail+shoes");
    assert.equal(f.Language, "de-DE");
    assert.match(f.Timezone, /^America\/Sao_Paulo/);
    assert.equal(await agentPage.locator("#v-facts a", { hasText: "Trail shoes" }).getAttribute("href"), `${host.url}/shop/shoes/42?color=red`);
    await shot(agentPage, "ident-console-widget");

    // The visitor follows a link of the single-page shop: no page load, the panel follows.
    const fetched: number[] = [];
    agentPage.on("request", (r) => r.url().includes("/api/visitors/") && fetched.push(Date.now()));
    const clicked = Date.now();
    await page.click("a[data-route]");
    await until(async () => (await facts(agentPage)).Page === `Checkout – Acme${host.url}/shop/checkout?step=2`, 8000, "the new page in the panel");
    assert.deepEqual(fetched.filter((t) => t >= clicked), [], "updated by the live event, not by a refetch");
    assert.equal((await facts(agentPage)).Referrer, "https://www.google.com/search?q=trail+shoes", "the referrer stays where the visitor came from");
    await shot(agentPage, "ident-console-pushstate");

    // Back: popstate.
    await page.goBack();
    await until(async () => (await facts(agentPage)).Page?.endsWith(`${host.url}/shop/shoes/42?color=red`), 8000, "popstate in the panel");
    assert.deepEqual(errors, []);
    await context.close();
  });

  it("the chat page `/`: its URL, referrer, language and timezone", async () => {
    const { context, page, errors } = await newPage(browser, { locale: "ja-JP", timezoneId: "Asia/Tokyo" });
    await page.goto(`${srv.url}/?utm_source=newsletter`, { referer: "https://duckduckgo.com/" });
    await sendFromPage(page, "Question from the chat page");
    await waitStates(page, ["Question from the chat page"], ["sent", "delivered", "read"]);
    await openConversation("Question from the chat page");
    await until(async () => (await facts(agentPage)).Language === "ja-JP", 10_000, "the context in the panel");
    const f = await facts(agentPage);
    assert.equal(f.Page, `Acme Support${srv.url}/?utm_source=newsletter`);
    assert.equal(f.Referrer, "https://duckduckgo.com/");
    assert.match(f.Timezone, /^Asia\/Tokyo/);
    await shot(agentPage, "ident-console-page");
    assert.deepEqual(errors, []);
    await context.close();
  });
});
