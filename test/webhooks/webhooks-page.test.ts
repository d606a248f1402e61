// The admin's webhooks page in Chromium: a webhook added through the form (CSRF), the
// delivery log with each attempt's status code and body excerpt, and the redeliver button.
import assert from "node:assert/strict";
import path from "node:path";
import { ARTIFACTS, launch, newPage } from "../browser/browser.js";
import { until } from "../helpers/clients.js";
import { ADMIN, serverPerSuite, startServer } from "../helpers/server.js";
import { chat, FAST_ENV } from "./helpers.js";
import { startReceiver, type Receiver } from "./receiver.js";

describe("webhooks admin page (Chromium)", function () {
  this.timeout(90_000);
  const srv = serverPerSuite(() => startServer({ env: FAST_ENV }));
  let rx: Receiver;
  before(async () => {
    rx = await startReceiver({ answer: (_e, n) => (n === 1 ? { status: 500, body: '{"error":"crm is restarting"}' } : { status: 200, body: '{"received":true}' }) });
  });
  after(() => rx?.close());

  it("adds a webhook, shows every attempt, and redelivers", async () => {
    const browser = await launch();
    try {
      const { context, page, errors } = await newPage(browser, { viewport: { width: 1300, height: 1200 } });
      await page.goto(`${srv.url}/login?next=/admin/webhooks`);
      await page.locator('input[name="email"]').fill(ADMIN.email);
      await page.locator('input[name="password"]').fill(ADMIN.password);
      await page.locator('button[type="submit"]').click();
      await page.waitForURL(/\/admin\/webhooks$/);

      // A bad URL is refused with the page and nothing added.
      await page.locator('#add-webhook input[name="url"]').fill("ftp://nope");
      await page.locator('#add-webhook input[name="secret"]').fill("s3cret");
      await page.locator("#add-webhook button[type=submit]").click();
      await page.locator(".notice--error").waitFor();
      assert.equal(await page.locator("#webhook-list tbody tr").count(), 0);

      await page.locator('#add-webhook input[name="url"]').fill(rx.url);
      await page.locator('#add-webhook input[name="secret"]').fill("s3cret");
      await page.locator('#add-webhook input[value="conversation.assigned"]').uncheck();
      await page.locator("#add-webhook button[type=submit]").click();
      await page.locator(".notice--ok").waitFor();
      assert.equal(await page.locator("#webhook-list tbody tr").count(), 1);
      assert.doesNotMatch(await page.locator("#webhook-list").innerText(), /conversation\.assigned/);

      const { visitor } = await chat(srv.url, 2, "page");
      const prisma = srv.application.services.db.prisma;
      await until(async () => rx.accepted.size >= 3 && (await prisma.webhookEvent.count({ where: { state: { not: "delivered" } } })) === 0, 15_000, "deliveries");
      await page.reload();
      assert.ok(await page.locator('#attempts tr[data-status="500"]').count() >= 3, "the failed attempts");
      assert.ok(await page.locator('#attempts tr[data-status="200"]').count() >= 3, "the delivered ones");
      assert.match(await page.locator("#attempts").innerText(), /crm is restarting/);

      const before = rx.requests.length;
      await page.locator("#events tbody tr").first().locator("button", { hasText: "Redeliver" }).click();
      await page.locator(".notice--ok").waitFor();
      await until(() => rx.requests.length > before, 10_000, "the redelivery");
      await page.reload();
      await page.screenshot({ path: path.join(ARTIFACTS, "webhooks.png"), fullPage: true });
      assert.deepEqual(errors, [], "no script error and no CSP violation");
      visitor.close();
      await context.close();
    } finally {
      await browser.close();
    }
  });
});
