// /admin/api-keys in Chromium: an admin creates a key from the admin nav, sees it once
// with the copy hint, finds it in the list with its dates, and revokes it (the confirm
// of the admin bundle); no page error, no CSP report. Screenshots: api-keys.png, api-docs.png.
import assert from "node:assert/strict";
import type { Browser } from "playwright-core";
import { ADMIN, startServer, type TestServer } from "../helpers/server.js";
import { buildConsoleBundles, launch, loginPage, newPage, shot } from "../console/helpers.js";

describe("admin API keys page (Chromium)", function () {
  this.timeout(60_000);
  let srv: TestServer;
  let browser: Browser;
  before(async () => {
    buildConsoleBundles();
    srv = await startServer();
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await srv?.stop();
  });

  it("creates a key shown once, lists it, revokes it", async () => {
    const { page, errors } = await newPage(browser, 1280, 800);
    await loginPage(page, srv.url, ADMIN.email, ADMIN.password, "/admin/agents");
    await page.click("nav.tabs >> text=API keys");
    await page.waitForURL(`${srv.url}/admin/api-keys`);
    assert.equal(await page.getAttribute("nav.tabs a[aria-current=page]", "href"), "/admin/api-keys");
    await page.fill("#create-api-key input[name=name]", "Order bot");
    await Promise.all([page.waitForLoadState("load"), page.click("#create-api-key button[type=submit]")]);
    const key = (await page.textContent("#new-api-key"))!;
    assert.match(key, /^hfk_/);
    assert.equal(await page.locator("table.api-keys tbody tr").count(), 1);
    assert.match((await page.textContent("table.api-keys tbody tr"))!, /Order bot[\s\S]*never/);
    await shot(page, "api-keys");

    await page.goto(`${srv.url}/admin/api-keys`);
    assert.equal(await page.locator("#new-api-key").count(), 0, "shown once");
    page.removeAllListeners("dialog");
    page.once("dialog", (d) => void d.accept());
    await Promise.all([page.waitForURL(`${srv.url}/admin/api-keys`), page.click("table.api-keys button:has-text('Revoke')")]);
    assert.match((await page.textContent("[role=status]"))!, /revoked/);
    assert.equal(await page.locator("table.api-keys").count(), 0);
    assert.deepEqual(errors, []);
  });

  it("the REST API's docs page renders from the OpenAPI document (api-docs.png)", async () => {
    const { page, errors } = await newPage(browser, 1280, 1400);
    await page.goto(`${srv.url}/api/docs`);
    assert.equal(await page.locator("article.endpoint").count(), 11);
    await shot(page, "api-docs");
    assert.deepEqual(errors, []);
  });
});
