// Business hours in real Chromium against a server with an injected clock: outside the
// hours the page and the widget show the offline state with the admin's offline message
// though an agent is online; the visitor's message waits and the line that answers it is
// the admin's text, in English, and the stock one re-worded for a Chinese visitor; and a
// page left open flips to "someone is there" at opening time by itself (its timer to the
// server's next change, no reload, no fake browser clock). Screenshots of the offline page,
// the widget and the admin form go to test-artifacts/ (and /work/wt/shots when present).
import assert from "node:assert/strict";
import { copyFileSync, existsSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import type { Browser, Frame, Page } from "playwright-core";
import { until } from "../helpers/clients.js";
import type { TestServer } from "../helpers/server.js";
import { ADMIN } from "../helpers/server.js";
import { loginPage } from "../console/helpers.js";
import { agentOnline, ARTIFACTS, launch, newPage, sendFromPage, startServer, type Agent } from "./browser.js";
import { HoursFormSchema } from "../../src/hours/hours.schemas.js";
import { DEFAULT_WIDGET } from "../../src/settings/settings.service.js";

const OFFLINE = "We're closed: open Monday to Friday, 9:00-17:30 Paris time. Leave a message and we'll reply first thing.";
const SHOTS = "/work/wt/shots";

async function shot(page: Page, name: string) {
  const file = path.join(ARTIFACTS, `hours-${name}.png`);
  await page.screenshot({ path: file });
  if (existsSync(SHOTS)) copyFileSync(file, path.join(SHOTS, `hours-${name}.png`));
}
const looks = (p: Page | Frame) =>
  p.evaluate(() => ({
    subtitle: document.querySelector(".hf-subtitle")?.textContent ?? "",
    notice: (document.querySelector(".hf-notice") as HTMLElement | null)?.hidden === false ? document.querySelector(".hf-notice")!.textContent : null,
    placeholder: document.querySelector<HTMLTextAreaElement>(".hf-textarea")?.placeholder ?? "",
  }));

describe("business hours on the visitor page and the widget (Chromium)", function () {
  this.timeout(90_000);
  let browser: Browser;
  let srv: TestServer;
  let agent: Agent;
  let host: http.Server;
  let hostUrl = "";
  let offset = 0;
  const clockAt = async (iso: string) => {
    offset = Date.parse(iso) - Date.now();
    await srv.application.services.hours.load();
  };

  before(async () => {
    browser = await launch();
    host = http.createServer((_req, res) => {
      res.setHeader("Content-Type", "text/html; charset=utf-8");
      res.end(`<!doctype html><title>Shop</title><h1>Acme shop</h1><p>Open Mon-Fri 9:00-17:30.</p><script src="${srv.url}/widget.js" async></script>`);
    });
    await new Promise<void>((r) => host.listen(0, "127.0.0.1", r));
    hostUrl = `http://127.0.0.1:${(host.address() as AddressInfo).port}`;
    srv = await startServer({ env: { ALLOWED_ORIGINS: hostUrl }, now: () => Date.now() + offset });
    const { settings, hours } = srv.application.services;
    await settings.setWidget({ ...(await settings.getWidget()), offlineMessage: OFFLINE });
    await hours.save(HoursFormSchema.parse({
      enabled: "on", timezone: "Europe/Paris", mon: "09:00-17:30", tue: "09:00-17:30", wed: "09:00-17:30", thu: "09:00-17:30",
      fri: "09:00-17:30", sat: "", sun: "", holidays: "2026-12-25",
    }));
    await clockAt("2026-01-14T21:00:00+01:00"); // Wednesday evening in Paris
    agent = await agentOnline(srv.url); // online, yet it is after hours
    await until(async () => (await srv.application.services.presence.availableAgents()).length === 1, 5000, "agent online");
  });
  after(async () => {
    agent?.close();
    await browser?.close();
    await srv?.stop();
    await new Promise((r) => host?.close(r));
  });

  it("after hours the page shows the admin's offline message, before and after the first message", async () => {
    const { context, page, errors } = await newPage(browser);
    await page.goto(srv.url);
    await page.locator(".hf-app.hf-booted").waitFor();
    assert.deepEqual(await looks(page), { subtitle: "We're away right now", notice: OFFLINE, placeholder: "Leave a message…" });
    await shot(page, "page-closed");
    await page.locator(".hf-prechat button[type=submit]").click();
    await sendFromPage(page, "Hi, my parcel never arrived (order #4411).");
    const line = page.locator(".hf-row--system .hf-system");
    await line.first().waitFor();
    assert.deepEqual(await line.allInnerTexts(), [OFFLINE]);
    assert.equal(await page.locator("text=No agent is available").count(), 0);
    assert.equal(await page.locator(".hf-notice").isVisible(), false, "the line says it: no echo");
    await new Promise((r) => setTimeout(r, 1500));
    assert.match(await page.locator(".hf-subtitle").innerText(), /away/);
    await shot(page, "page-closed-after-message");
    const waiting = await srv.application.services.repos.conversations.waitingIds(50);
    assert.equal(waiting.length, 1, "the conversation waits in the queue");
    assert.deepEqual(errors, []);
    await context.close();
  });

  it("the widget on another site: launcher says leave a message, panel shows the offline state", async () => {
    const { context, page, errors } = await newPage(browser);
    await page.goto(hostUrl);
    const wrap = page.locator("#holdfast-widget .wrap.ready");
    await wrap.waitFor();
    assert.match((await wrap.getAttribute("class")) ?? "", /\baway\b/);
    await shot(page, "widget-closed-launcher");
    await page.locator("#holdfast-widget .launcher").click();
    assert.equal(await page.locator("#holdfast-widget .launcher").getAttribute("aria-label"), "Close chat, leave a message");
    const frame = page.frame({ url: /embed=1/ })!;
    await frame.locator(".hf-notice", { hasText: "We're closed" }).waitFor({ state: "visible" });
    assert.equal((await looks(frame)).notice, OFFLINE);
    await page.waitForTimeout(400); // the panel's opening transition
    await shot(page, "widget-closed");
    assert.deepEqual(errors, []);
    await context.close();
  });

  it("a Chinese visitor reads the stock offline message in Chinese", async () => {
    const { settings } = srv.application.services;
    await settings.setWidget({ ...(await settings.getWidget()), offlineMessage: DEFAULT_WIDGET.offlineMessage });
    try {
      const { context, page, errors } = await newPage(browser, { locale: "zh-CN" });
      await page.goto(srv.url);
      await page.locator(".hf-app.hf-booted").waitFor();
      await page.locator(".hf-prechat button[type=submit]").click();
      await sendFromPage(page, "你好");
      const line = page.locator(".hf-row--system .hf-system");
      await line.first().waitFor();
      assert.deepEqual(await line.allInnerTexts(), ["我们现在不在线。请留言，我们会在这里回复您。"]);
      assert.deepEqual(errors, []);
      await context.close();
    } finally {
      await settings.setWidget({ ...(await settings.getWidget()), offlineMessage: OFFLINE });
    }
  });

  it("a page left open flips to online at opening time, by itself", async () => {
    await clockAt("2026-01-15T08:59:57+01:00"); // Thursday, 3 s before opening
    const { context, page, errors } = await newPage(browser);
    await page.goto(srv.url);
    await page.locator(".hf-app.hf-booted").waitFor();
    assert.equal((await looks(page)).notice, OFFLINE);
    const t0 = Date.now();
    await until(async () => (await looks(page)).notice === null, 10_000, "the page flips at 09:00");
    assert.deepEqual(await looks(page), { subtitle: "We usually reply in a few minutes", notice: null, placeholder: "Write a message…" });
    const took = Date.now() - t0;
    assert.ok(took < 8000, `flipped after ${took} ms (3 s to opening + at most 2 s spread)`);
    await shot(page, "page-open");
    assert.deepEqual(errors, []);
    await context.close();
  });

  it("the admin's business-hours form", async () => {
    await clockAt("2026-01-15T09:05:00+01:00"); // Thursday morning
    const { context, page } = await newPage(browser, { viewport: { width: 1100, height: 900 } });
    await loginPage(page, srv.url, ADMIN.email, ADMIN.password, "/admin/hours");
    await page.locator("#hours-form").waitFor();
    assert.match(await page.locator("#hours-status").innerText(), /^Open now \(Thu 15 Jan, 09:05, Europe\/Paris\); closes Thu 15 Jan, 17:30\.$/);
    await page.fill("input[name=sat]", "10:00-14:00");
    await page.fill("input[name=mon]", "9 till 5");
    await page.click("#hours-form button[type=submit]");
    await page.locator(".notice--error", { hasText: "is not like 09:00-17:30" }).waitFor();
    assert.equal(srv.application.services.hours.schedule().week[6].length, 0, "nothing saved");
    await page.fill("input[name=mon]", "09:00-12:30, 13:30-17:30");
    await page.click("#hours-form button[type=submit]");
    await page.locator(".notice--ok", { hasText: "Business hours saved" }).waitFor();
    assert.deepEqual(srv.application.services.hours.schedule().week[6], [{ from: 600, to: 840 }]);
    await shot(page, "admin-form");
    await context.close();
  });
});
