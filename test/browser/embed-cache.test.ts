// The widget on a shop of another origin, first and repeat visit, with the cacheable
// embed page: the frame is the versioned page with its code inline (under CSP hashes,
// no violation), the launcher's availability comes from the page's own ask (none is in
// the cached HTML), and on the repeat visit the page comes from the browser's cache and
// a message written at once is delivered (the outbox holds it until the socket is up).
import assert from "node:assert/strict";
import type { Browser, Frame, Page } from "playwright-core";
import { until } from "../helpers/clients.js";
import type { TestServer } from "../helpers/server.js";
import { agentOnline, launch, newPage, shot, startServer, visitorBodies, waitStates, type Agent } from "./browser.js";
import { hostSite, shopPage, type HostSite } from "./host-site.js";

type Marked = Window & { __csp?: string[] };

const launcher = (page: Page) => page.locator("#holdfast-widget .launcher");
const chat = (page: Page) => page.frameLocator("#holdfast-widget iframe");
/** The frame's own navigation: from the network (bytes transferred) or the cache (none). */
const navigation = (frame: Frame) => frame.evaluate(() => {
  const n = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
  return { transferSize: n.transferSize, decodedBodySize: n.decodedBodySize, violations: (window as Marked).__csp ?? [] };
});

describe("the widget's cacheable embed page (Chromium)", function () {
  this.timeout(90_000);
  let browser: Browser;
  let host: HostSite;
  let srv: TestServer;
  let agent: Agent;

  before(async () => {
    browser = await launch();
    host = await hostSite();
    host.page("/", shopPage("Acme Store"));
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

  it("first visit from the network, repeat visit from the cache; no CSP violation; a message written at once on the repeat visit arrives", async () => {
    const { context, page, errors } = await newPage(browser);
    await context.addInitScript(() => document.addEventListener("securitypolicyviolation", (e) => {
      const w = window as Marked;
      (w.__csp ??= []).push(`${e.violatedDirective} ${e.blockedURI}`);
    }));
    const frame = () => page.frames().find((f) => f.url().startsWith(`${srv.url}/?embed=1&v=`));

    await page.goto(host.url);
    await launcher(page).waitFor({ state: "visible" });
    assert.ok(frame(), `the versioned page is framed: ${page.frames().map((f) => f.url()).join(", ")}`);
    // Availability is not in the cached HTML: the page asks, and the launcher shows it.
    await page.locator("#holdfast-widget .wrap.online").waitFor({ state: "attached" });
    await launcher(page).click();
    await chat(page).locator(".hf-title", { hasText: "Acme Help" }).waitFor();
    await shot(page, "embed-cache-first");
    await chat(page).locator(".hf-textarea").fill("Hello on a first visit");
    await chat(page).locator(".hf-textarea").press("Enter");
    await waitStates(frame()!, ["Hello on a first visit"], ["sent", "delivered", "read"]);
    const conv = await agent.waitConversation();
    const first = await navigation(frame()!);
    assert.ok(first.transferSize > 0, `first visit from the network: ${JSON.stringify(first)}`);
    assert.deepEqual(first.violations, []);

    await page.goto("about:blank");
    await page.goto(host.url);
    // The panel was left open: it opens again; write as soon as the composer is there.
    await chat(page).locator(".hf-textarea").waitFor({ state: "visible" });
    const status = await frame()!.evaluate(() => document.getElementById("hf-app")?.dataset.status ?? "none");
    await chat(page).locator(".hf-textarea").fill("Hello again, written at once");
    await chat(page).locator(".hf-textarea").press("Enter");
    await until(async () => visitorBodies(await agent.transcript(conv.id)).includes("Hello again, written at once"), 15_000, `repeat message delivered (written while ${status})`);
    const repeat = await navigation(frame()!);
    assert.equal(repeat.transferSize, 0, `repeat visit from the cache: ${JSON.stringify(repeat)}`);
    assert.ok(repeat.decodedBodySize > 10_000, "the whole page, code inline");
    assert.deepEqual(repeat.violations, []);
    await chat(page).locator(".hf-row--mine .hf-bubble", { hasText: "written at once" }).waitFor();
    await shot(page, "embed-cache-repeat");
    assert.deepEqual(errors, []);
    await context.close();
  });
});
