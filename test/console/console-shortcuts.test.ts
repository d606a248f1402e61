// The console's keyboard shortcuts (issue 13, item 4), in Chromium: `?` lists them, and each
// listed Alt shortcut does what the list says, on the real server.
import assert from "node:assert/strict";
import { call, connectVisitor, until, visitorSession } from "../helpers/clients.js";
import { consoleReady, consoleSuite, loginPage, newPage, shot } from "./helpers.js";

describe("agent console, keyboard shortcuts in Chromium", function () {
  this.timeout(90_000);
  const suite = consoleSuite("Kim Keys");

  it("? lists them; Alt+C, Alt+P, Alt+Z, Alt+S and Alt+R act; Alt+Down moves on", async () => {
    const { srv, browser, agent } = suite.get();
    const { page, errors } = await newPage(browser);
    await loginPage(page, srv.url, agent.email, "password-123");
    await consoleReady(page);
    const cids: string[] = [];
    for (const name of ["Key One", "Key Two"]) {
      const v = await visitorSession(srv.url, name);
      const visitor = await connectVisitor(srv.url, v.token);
      suite.closers.push(visitor.close);
      const sent = await call(visitor.socket, "message:send", { clientMsgId: `${name}-1`, type: "text", body: `Hello from ${name}` });
      assert.ok(sent.ok);
      cids.push(sent.message.conversationId);
    }
    const row = async (cid: string) => (await srv.application.services.repos.conversations.byId(cid))!;
    await until(async () => (await row(cids[1]!)).agent_id === agent.agentId, 5000, "both assigned to the agent");
    await page.locator(`.citem[data-id="${cids[0]}"]`).click();
    await page.locator(".msg--visitor", { hasText: "Hello from Key One" }).waitFor();

    await page.locator("#log").click(); // out of the reply box
    await page.keyboard.press("?");
    await page.locator("#shortcuts[open]").waitFor();
    const listed = await page.$$eval("#shortcuts-list li", (els) => els.map((e) => e.textContent ?? ""));
    for (const keys of ["Alt+C", "Alt+R", "Alt+Z", "Alt+S", "Alt+P", "Ctrl+Shift+N", "Alt+↓ / Alt+↑"]) {
      assert.ok(listed.some((l) => l.startsWith(keys)), `${keys} is listed: ${listed.join(" | ")}`);
    }
    await shot(page, "console-shortcuts");
    await page.keyboard.press("Escape");
    await until(async () => !(await page.locator("#shortcuts[open]").count()), 2000, "the list closes");

    await page.keyboard.press("Alt+KeyC");
    assert.equal(await page.evaluate(() => document.activeElement?.id), "text");
    // The visitor panel has a toggle on narrow screens only (wide ones always show it).
    await page.setViewportSize({ width: 900, height: 800 });
    const panelShown = () => page.evaluate(() => document.body.classList.contains("show-panel"));
    await page.keyboard.press("Alt+KeyP");
    assert.ok(await panelShown(), "panel shown");
    await shot(page, "console-narrow-panel");
    await page.keyboard.press("Alt+KeyP");
    assert.ok(!(await panelShown()), "panel hidden");
    await page.setViewportSize({ width: 1400, height: 860 });
    await page.keyboard.press("Alt+KeyZ");
    assert.equal(await page.evaluate(() => document.activeElement?.id), "snooze-for");

    const presence = () => srv.application.services.presence.agentStatus(agent.agentId);
    await page.keyboard.press("Alt+KeyS");
    await until(async () => (await page.inputValue("#my-status")) === "away" && (await presence()) === "away", 5000, "away");
    await page.keyboard.press("Alt+KeyS");
    await until(async () => (await presence()) === "online", 5000, "online again");

    await page.keyboard.press("Alt+KeyR");
    await until(async () => (await row(cids[0]!)).status === "resolved", 5000, "resolved by Alt+R");
    await page.keyboard.press("Alt+ArrowDown");
    await until(async () => new URL(page.url()).searchParams.get("c") !== cids[0], 5000, "moved to another conversation");
    assert.deepEqual(errors, []);
  });
});
