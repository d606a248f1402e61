// What a new support team saw (issue 13, items 5 and 7), in Chromium: the favicon on every
// page, a top bar that tells the Admin link from the signed-in name, a transfer that asks
// for no visitor it may no longer read and a toast beside (not over) the transcript, the
// empty state, the embed snippet shown whole, and a masked message shown as stored.
import assert from "node:assert/strict";
import { api, connectAgent, createAgent, agentToken, until } from "../helpers/clients.js";
import { ADMIN } from "../helpers/server.js";
import { consoleReady, consoleSuite, consoleWithVisitor, failures, loginPage, newPage, shot } from "./helpers.js";

const overlap = (a: { x: number; y: number; width: number; height: number }, b: typeof a) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

describe("console polish (issue 13, items 5 and 7) in Chromium", function () {
  this.timeout(90_000);
  const suite = consoleSuite("Pat Polish");

  it("answers /favicon.ico and links an SVG icon that the CSP allows", async () => {
    const { srv, browser } = suite.get();
    const ico = await api(srv.url, "GET", "/favicon.ico");
    assert.equal(ico.status, 200);
    const svg = await api(srv.url, "GET", "/favicon.svg");
    assert.equal(svg.status, 200);
    const { context, page, errors } = await newPage(browser);
    const bad = failures(page);
    for (const path of ["/login", "/"]) {
      await page.goto(`${srv.url}${path}`);
      assert.equal(await page.locator('link[rel=icon][href="/favicon.svg"]').count(), 1, `icon link on ${path}`);
      // Chromium asks for the icon after load: fetch it in the page, under the page's CSP.
      assert.equal(await page.evaluate(() => fetch("/favicon.svg").then((r) => r.status)), 200);
    }
    await page.waitForTimeout(300);
    await context.close();
    assert.deepEqual(bad, []);
    assert.deepEqual(errors, []);
  });

  it("top bar: the Admin link and the signed-in name cannot be confused", async () => {
    const { srv, browser } = suite.get();
    const { context, page, errors } = await newPage(browser);
    await loginPage(page, srv.url, ADMIN.email, ADMIN.password);
    await consoleReady(page);
    const bar = (await page.locator(".cbar__end").innerText()).replace(/\s+/g, " ");
    assert.match(bar, /Admin pages/);
    assert.match(bar, /Signed in as /);
    assert.doesNotMatch(bar, /(^|\s)Admin\s+Admin\b/, bar);
    await shot(page, "polish-console-topbar");
    // Nothing selected: the hint fills the column, no empty transcript block under it.
    assert.equal(await page.locator("#scroll").isVisible(), false);
    await shot(page, "polish-console-empty");
    await page.goto(`${srv.url}/admin/widget`);
    assert.match(await page.locator(".topbar__me").innerText(), /Signed in as/);
    // The snippet shows whole: nothing hidden behind a scroll without a bar.
    const snippet = await page.locator(".snippet").evaluate((pre) => ({ sw: pre.scrollWidth, cw: pre.clientWidth, text: pre.textContent }));
    assert.ok(snippet.sw <= snippet.cw, `snippet overflows: ${snippet.sw} > ${snippet.cw}`);
    assert.match(snippet.text ?? "", /widget\.js" async><\/script>/);
    await page.locator(".snippet").scrollIntoViewIfNeeded();
    await shot(page, "polish-admin-widget");
    await context.close(); // offline now: the next test's conversations go to Pat
    assert.deepEqual(errors, []);
  });

  it("at 900 px the conversation tabs stay inside their 270 px column (an admin's four, with counts)", async () => {
    const { srv, browser } = suite.get();
    const { context, page, errors } = await newPage(browser, 900, 700);
    await loginPage(page, srv.url, ADMIN.email, ADMIN.password);
    await consoleReady(page);
    // Two-digit counts: the widest the row gets in practice.
    await page.evaluate(() => { for (const c of document.querySelectorAll("[data-count]")) c.textContent = "88"; });
    const box = await page.locator(".ctabs").evaluate((row) => {
      const col = row.parentElement!.getBoundingClientRect();
      return {
        sw: row.scrollWidth, cw: row.clientWidth, colWidth: col.width,
        tabsOut: [...row.querySelectorAll(".ctab")].filter((t) => {
          const r = t.getBoundingClientRect();
          return r.left < col.left - 0.5 || r.right > col.right + 0.5;
        }).map((t) => t.textContent?.trim()),
      };
    });
    assert.equal(Math.round(box.colWidth), 270);
    assert.deepEqual(box.tabsOut, [], "tabs past the column's edge");
    assert.ok(box.sw <= box.cw, `the tab row overflows: ${box.sw} > ${box.cw}`);
    await shot(page, "polish-console-tabs-900");
    await context.close();
    assert.deepEqual(errors, []);
  });

  it("after a transfer: no refused visitor fetch, and the toast leaves the transcript visible", async () => {
    const { srv } = suite.get();
    const bob = await createAgent(srv.url, (await agentToken(srv.url)).token, "Bob Taker", { maxConcurrent: 10 });
    const { page, errors, bad, cid } = await consoleWithVisitor(suite, "Tina Transfer", "Please pass me on");
    // Bob comes online only now, so the conversation was Pat's (the fewest open, longest waiting).
    const bobSocket = await connectAgent(srv.url, bob.token);
    suite.closers.push(bobSocket.close);
    await page.locator(`.citem[data-id="${cid}"]`).click();
    await page.locator("#v-name", { hasText: "Tina Transfer" }).waitFor();
    await page.focus("#transfer-to");
    await page.waitForFunction((id) => [...document.querySelectorAll<HTMLOptionElement>("#transfer-to option")].some((o) => o.value === id), bob.agentId);
    await page.selectOption("#transfer-to", bob.agentId);
    await page.click("#act-transfer");
    await page.locator("#toast", { hasText: "Transferred to Bob Taker" }).waitFor();
    await page.locator("#chat-notice", { hasText: "Bob Taker is handling" }).waitFor();
    // The panel refreshes on a timer and when the tab comes back: both ask nothing now.
    await page.evaluate(() => document.dispatchEvent(new Event("visibilitychange")));
    await page.waitForTimeout(500);
    await shot(page, "polish-console-after-transfer");
    assert.deepEqual(bad.filter((b) => b.includes("/api/visitors/")), []);
    const toast = (await page.locator("#toast").boundingBox())!;
    const scroll = (await page.locator("#scroll").boundingBox())!;
    assert.ok(!overlap(toast, scroll), `the toast ${JSON.stringify(toast)} covers the transcript ${JSON.stringify(scroll)}`);
    assert.equal(await page.locator("#v-name").textContent(), "Tina Transfer", "what was shown stays");
    assert.deepEqual(errors, []);
  });

  it("an agent's masked message shows what was stored", async () => {
    const { srv } = suite.get();
    srv.application.services.filter.update({ words: ["darn"], policy: "mask" });
    try {
      const { page, errors, visitor, cid } = await consoleWithVisitor(suite, "Mo Mask", "Hello there");
      await page.locator(`.citem[data-id="${cid}"]`).click();
      await page.fill("#text", "that darn printer again");
      await page.locator("#text").press("Enter");
      await page.locator(".msg--own[data-state]:not([data-state=pending])").waitFor();
      const text = await page.locator(".msg--own .msg__text").last().textContent();
      assert.ok(!text!.includes("darn"), text!);
      await page.locator(".msg--own .msg__masked", { hasText: "Some words were hidden" }).waitFor();
      await until(() => visitor.received.some((m) => m.sender.type === "agent" && m.body === text), 5000, "the visitor to get the stored text");
      await shot(page, "polish-console-masked");
      assert.deepEqual(errors, []);
    } finally {
      srv.application.services.filter.update({ words: [], policy: "mask" });
    }
  });
});
