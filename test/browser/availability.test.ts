// "Is anyone there?" before the first message, in real Chromium against a real server:
// with no agent the fresh page (and the widget's launcher) show the leave-a-message
// state before anything is sent; an agent coming online (and going away) flips it
// without a reload. The page re-asks on a ~30 s timer: Playwright's fake clock runs that
// timer, while the requests and the server stay real. Plus the endpoint over HTTP.
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, Frame, Page } from "playwright-core";
import { agentToken, call, connectAgent, createAgent, until, type Participant } from "../helpers/clients.js";
import type { TestServer } from "../helpers/server.js";
import { launch, newPage, shot, startServer } from "./browser.js";

const OFFLINE = "Our team is off until 9:00 CET. Leave a message and we will reply here by email.";

/** The page's header, notice and composer as a visitor reads them (notice: null when hidden). */
interface Looks { subtitle: string; notice: string | null; placeholder: string }
const looks = (p: Page | Frame): Promise<Looks> =>
  p.evaluate(() => ({
    subtitle: document.querySelector(".hf-subtitle")?.textContent ?? "",
    notice: (document.querySelector(".hf-notice") as HTMLElement | null)?.hidden === false ? document.querySelector(".hf-notice")!.textContent : null,
    placeholder: document.querySelector<HTMLTextAreaElement>(".hf-textarea")?.placeholder ?? "",
  }));
const AWAY: Looks = { subtitle: "We're away right now", notice: OFFLINE, placeholder: "Leave a message…" };
const NORMAL: Looks = { subtitle: "We usually reply in a few minutes", notice: null, placeholder: "Write a message…" };

const availableNow = async (base: string) => (await (await fetch(`${base}/api/widget/settings`)).json()).available;

/** Once the server says so, the page still shows the old state (nothing but its timer
 * can tell it: no socket, no reload), and at most 40 s of its clock later the new one. */
async function flipsTo(base: string, page: Page, frame: Page | Frame, want: Looks) {
  await until(async () => (await availableNow(base)) === (want === NORMAL), 8000, "the server's answer");
  assert.deepEqual(await looks(frame), want === NORMAL ? AWAY : NORMAL);
  await page.clock.runFor(40_000);
  await until(async () => JSON.stringify(await looks(frame)) === JSON.stringify(want), 5000, `page showing ${want.subtitle}`);
}

describe("agent availability before the first message (Chromium)", function () {
  this.timeout(90_000);
  let browser: Browser;
  let srv: TestServer;
  let host: http.Server;
  let hostUrl = "";
  let agent: Participant | undefined;

  before(async () => {
    browser = await launch();
    host = http.createServer((_req, res) => {
      res.setHeader("Content-Type", "text/html; charset=utf-8");
      res.end(`<!doctype html><title>Shop</title><h1>Shop</h1><script src="${srv.url}/widget.js" async></script>`);
    });
    await new Promise<void>((r) => host.listen(0, "127.0.0.1", r));
    hostUrl = `http://127.0.0.1:${(host.address() as AddressInfo).port}`;
    srv = await startServer({ env: { ALLOWED_ORIGINS: hostUrl } });
    const settings = srv.application.services.settings;
    await settings.setWidget({ ...(await settings.getWidget()), offlineMessage: OFFLINE });
  });
  afterEach(() => {
    agent?.close();
    agent = undefined;
  });
  after(async () => {
    await browser?.close();
    await srv?.stop();
    await new Promise((r) => host?.close(r));
  });

  // A new agent per test: an earlier one stays away until released, and the admin never
  // connects, so "nobody available" holds at the start of each test. Each test that
  // goes on leaves its agent away.
  const agentComesOnline = async (name: string) => {
    const { token } = await createAgent(srv.url, (await agentToken(srv.url)).token, name);
    return (agent = await connectAgent(srv.url, token));
  };
  const settingsFrom = (origin?: string) => fetch(`${srv.url}/api/widget/settings`, { headers: origin ? { origin } : {} });

  it("the settings endpoint says whether an agent is available, CORS-correct and cheaply", async () => {
    const res = await settingsFrom(hostUrl);
    assert.equal(res.status, 200);
    const body = await res.json();
    assert.equal(body.available, false);
    assert.equal(body.offlineMessage, OFFLINE);
    assert.equal(res.headers.get("access-control-allow-origin"), hostUrl);
    assert.equal(res.headers.get("cache-control"), "public, max-age=5");
    assert.equal((await settingsFrom("https://evil.example")).headers.get("access-control-allow-origin"), null);

    await agentComesOnline("Ana");
    await until(async () => (await availableNow(srv.url)) === true, 8000, "available: true with an agent online");
    assert.equal((await call(agent!.socket, "agent:status", { status: "away" })).ok, true);
    await until(async () => (await availableNow(srv.url)) === false, 8000, "available: false while the only agent is away");

    // A burst of page loads costs one presence read per node per couple of seconds.
    const presence = srv.application.services.presence;
    const real = presence.availableAgents;
    let reads = 0;
    presence.availableAgents = () => (reads++, real.call(presence));
    try {
      await new Promise((r) => setTimeout(r, 2100)); // let the memo expire first
      const answers = await Promise.all(Array.from({ length: 40 }, () => settingsFrom().then((r) => r.json())));
      assert.ok(answers.every((a) => a.available === false));
      assert.ok(reads >= 1 && reads <= 2, `${reads} presence reads for 40 requests`);
    } finally {
      presence.availableAgents = real;
    }
  });

  it("a fresh page shows leave-a-message before anything is sent, and flips as an agent comes and goes", async () => {
    const { context, page, errors } = await newPage(browser);
    await page.clock.install();
    await page.goto(srv.url);
    await page.locator(".hf-app.hf-booted").waitFor();
    assert.deepEqual(await looks(page), AWAY);
    await page.locator(".hf-notice", { hasText: "off until 9:00" }).waitFor({ state: "visible" });
    await shot(page, "availability-page-away");
    const sessionMade = await page.evaluate(() => localStorage.getItem("holdfast.visitor.token"));
    assert.equal(sessionMade, null, "no visitor session (nor socket) was needed to know");

    await agentComesOnline("Bo");
    await flipsTo(srv.url, page, page, NORMAL);
    await shot(page, "availability-page-online");

    assert.equal((await call(agent!.socket, "agent:status", { status: "away" })).ok, true);
    await flipsTo(srv.url, page, page, AWAY);
    assert.deepEqual(errors, []);
    await context.close();
  });

  it("the widget's launcher and panel follow too, on another origin", async () => {
    const { context, page, errors } = await newPage(browser);
    await page.clock.install();
    await page.goto(hostUrl);
    const wrap = page.locator("#holdfast-widget .wrap.ready");
    await wrap.waitFor();
    const launcher = page.locator("#holdfast-widget .launcher");
    assert.equal(await launcher.getAttribute("aria-label"), "Open chat, leave a message");
    assert.match((await wrap.getAttribute("class")) ?? "", /\baway\b/);
    await launcher.click();
    const frame = page.frame({ url: /embed=1/ })!;
    await frame.locator(".hf-notice", { hasText: "off until 9:00" }).waitFor({ state: "visible" });
    assert.deepEqual(await looks(frame), AWAY);

    await agentComesOnline("Cy");
    await flipsTo(srv.url, page, frame, NORMAL);
    await page.locator("#holdfast-widget .wrap.online").waitFor();
    assert.equal(await launcher.getAttribute("aria-label"), "Close chat, we're online");
    await shot(page, "availability-widget-online");
    await launcher.click(); // closed: the launcher's green dot says someone is there
    const dot = page.locator("#holdfast-widget .dot");
    await until(async () => (await dot.evaluate((d) => getComputedStyle(d).opacity)) === "1", 5000, "the launcher's dot");
    await shot(page, "availability-widget-closed");
    assert.deepEqual(errors, []);
    await context.close();
  });
});
