// English and Chinese in Chromium (issue 13, item 6): a visitor whose browser is Chinese
// gets the admin's Chinese title, greeting and offline message (and the widget's own
// strings in Chinese); an agent switches the console to 中文 and it stays so after the
// reload; an admin page switched too; labels, search and reports in Chinese.
// Screenshots: visitor-zh, console-zh, admin-zh, admin-zh-2, console-zh-2.
import assert from "node:assert/strict";
import { until } from "../helpers/clients.js";
import { ADMIN } from "../helpers/server.js";
import { consoleReady, consoleSuite, loginPage, newPage, shot } from "./helpers.js";

const ZH = { title: "在线客服", greeting: "您好！有什么可以帮您？", offlineMessage: "我们现在不在线，请留言，我们九点回来后回复您。" };

describe("English and Chinese (issue 13, item 6) in Chromium", function () {
  this.timeout(90_000);
  const suite = consoleSuite("Li Wei");

  it("a Chinese visitor sees the Chinese title, greeting and offline message; others the default", async () => {
    const { srv, browser } = suite.get();
    const settings = srv.application.services.settings;
    await settings.setWidget({ ...(await settings.getWidget()), title: "Acme Support", greeting: "Hi! Ask us anything.", offlineMessage: "We are away. Leave a message.", translations: { "zh-CN": ZH } });

    const en = await newPage(browser);
    await en.page.goto(`${srv.url}/`);
    await en.page.locator(".hf-title", { hasText: "Acme Support" }).waitFor();
    assert.equal(await en.page.locator(".hf-welcome .hf-text").textContent(), "Hi! Ask us anything.");
    await en.context.close();

    const context = await browser.newContext({ viewport: { width: 480, height: 760 }, locale: "zh-CN" });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${srv.url}/`);
    await page.locator(".hf-title", { hasText: ZH.title }).waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.lang), "zh-CN");
    assert.equal(await page.locator(".hf-welcome .hf-text").textContent(), ZH.greeting);
    await page.locator(".hf-notice", { hasText: ZH.offlineMessage }).waitFor({ state: "visible" });
    assert.equal(await page.locator(".hf-textarea").getAttribute("placeholder"), "请留言…");
    // Nobody online: the server stores the default offline message; the page shows the Chinese one.
    await page.locator(".hf-textarea").fill("你好，我的订单还没到");
    await page.locator(".hf-textarea").press("Enter");
    await page.locator(".hf-system", { hasText: ZH.offlineMessage }).waitFor();
    await until(async () => (await page.title()) === ZH.title, 5000, "the document title in Chinese");
    await shot(page, "visitor-zh");
    await context.close();
    assert.deepEqual(errors, []);
  });

  it("an agent switches the console to 中文: it shows Chinese, also after a reload", async () => {
    const { srv, browser, agent } = suite.get();
    const { page, errors } = await newPage(browser);
    await loginPage(page, srv.url, agent.email, "password-123");
    await consoleReady(page);
    assert.equal((await page.locator(".ctab[data-scope=waiting]").textContent())?.trim().replace(/\s+\d+$/, ""), "Waiting");
    await Promise.all([page.waitForURL(`${srv.url}/agent`), page.click("button[data-locale=zh-CN]")]);
    await consoleReady(page);
    assert.equal(await page.evaluate(() => document.documentElement.lang), "zh-CN");
    await page.locator(".ctab[data-scope=waiting]", { hasText: "等待中" }).waitFor();
    await page.locator("#chat-empty", { hasText: "请选择一个会话" }).waitFor();
    // The waiting conversation of the first test is assigned to the agent now online.
    await page.locator("#list .citem").first().click();
    await page.locator("#chat-status", { hasText: "进行中" }).waitFor();
    await page.locator("#chat-agent", { hasText: "我 接待中" }).waitFor();
    await page.locator("#v-facts", { hasText: "浏览器" }).waitFor(); // the visitor panel's labels
    await page.locator("#v-facts", { hasText: "zh-CN" }).waitFor(); // the visitor's language, as it sent it
    assert.equal(await page.locator("#send").textContent(), "发送");
    assert.equal(await page.locator("#text").getAttribute("placeholder"), "回复…（输入 / 使用快捷回复）");
    await page.reload();
    await consoleReady(page);
    await page.locator(".ctab[data-scope=mine]", { hasText: "我的" }).waitFor();
    await page.locator("#list .citem").first().click();
    await page.locator("#chat-status", { hasText: "进行中" }).waitFor();
    await shot(page, "console-zh");
    assert.deepEqual(errors, []);
  });

  it("an admin page in Chinese, with the widget's Chinese wording in its form", async () => {
    const { srv, browser } = suite.get();
    const { page, errors } = await newPage(browser);
    await loginPage(page, srv.url, ADMIN.email, ADMIN.password, "/admin/widget");
    await page.locator("h1", { hasText: "Widget" }).waitFor();
    await Promise.all([page.waitForURL(`${srv.url}/admin/widget`), page.click("button[data-locale=zh-CN]")]);
    await page.locator("h1", { hasText: "聊天组件" }).waitFor();
    assert.equal(await page.inputValue('input[name="zh-CN.title"]'), ZH.title);
    assert.equal(await page.locator(".tab--on").textContent(), "聊天组件");
    await shot(page, "admin-zh");
    assert.deepEqual(errors, []);
  });

  it("labels, reports, search and the connection panel in Chinese (admin and agent chose zh-CN above)", async () => {
    const { srv, browser, agent } = suite.get();
    const admin = await newPage(browser);
    await loginPage(admin.page, srv.url, ADMIN.email, ADMIN.password, "/admin/labels");
    await admin.page.locator("h1", { hasText: "标签" }).waitFor();
    await admin.page.fill("#create-label input[name=name]", "账单");
    await admin.page.click("#create-label button[type=submit]");
    await admin.page.locator("#labels .label-chip", { hasText: "账单" }).waitFor();
    assert.equal(await admin.page.locator("#create-label button[type=submit]").textContent(), "添加");
    await admin.page.goto(`${srv.url}/admin/reports`);
    await admin.page.locator("h3", { hasText: "每日会话量" }).waitFor();
    assert.equal(await admin.page.locator("#report-csv").textContent(), "导出 CSV");
    await shot(admin.page, "admin-zh-2");

    const { page, errors } = await newPage(browser);
    await loginPage(page, srv.url, agent.email, "password-123");
    await consoleReady(page);
    await page.locator("#list .citem").first().click();
    await page.locator("#label-add option", { hasText: "+ 标签" }).waitFor({ state: "attached" });
    await page.selectOption("#label-add", { label: "账单" });
    await page.locator("#label-chips .label-chip", { hasText: "账单" }).waitFor();
    assert.equal(await page.locator('#label-chips [aria-label="移除 账单"]').count(), 1);
    await until(async () => (await page.locator("#h-words").textContent())?.startsWith("未连接") ?? false, 5000, "the health words in Chinese");
    await page.fill("#search-q", "订单");
    await page.locator("#search-list .sresult mark", { hasText: "订单" }).first().waitFor();
    assert.equal(await page.locator("#search-list .sresult .badge").first().textContent(), "进行中");
    await shot(page, "console-zh-2");
    assert.deepEqual([...errors, ...admin.errors], []);
  });
});
