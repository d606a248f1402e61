// The console search (issue 13, item 1) in Chromium: `/` focuses the box, the results
// replace the lists with the matching line highlighted, a click opens the conversation
// (a resolved one read-only, its address /agent?c=<id>), Escape gives the lists back. A
// colleague's open conversation is not among the results.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { agentToken, createAgent } from "../helpers/clients.js";
import { consoleReady, consoleSuite, loginPage, newPage, shot } from "./helpers.js";

describe("agent console, search in Chromium", function () {
  this.timeout(90_000);
  const suite = consoleSuite("Sam Search");

  it("searches, shows highlighted results, opens one read-only and clears with Escape", async () => {
    const { srv, browser, agent } = suite.get();
    const sql = (text: string, params: unknown[]) => srv.application.services.db.query(text, params);
    const bea = await createAgent(srv.url, (await agentToken(srv.url)).token, "Bea Elsewhere");
    const tag = Math.random().toString(36).slice(2, 7);
    async function conversation(visitor: string, agentId: string, status: string, lines: [string, string][]) {
      const vid = randomUUID();
      const cid = randomUUID();
      await sql("INSERT INTO visitor (id, name, email) VALUES ($1, $2, $3)", [vid, visitor, `${visitor.split(" ")[0]!.toLowerCase()}@example.com`]);
      await sql("INSERT INTO conversation (id, visitor_id, agent_id, status, last_seq) VALUES ($1, $2, $3, $4, $5)", [cid, vid, agentId, status, lines.length]);
      for (const [i, [who, body]] of lines.entries()) {
        await sql(`INSERT INTO message (id, conversation_id, seq, sender_type, sender_id, sender_name, client_msg_id, type, body, created_at)
          VALUES ($1, $2, $3, $4, $5, $6, $7, 'text', $8, now() - interval '1 hour' + $9::int * interval '1 minute')`,
          [randomUUID(), cid, i + 1, who, who === "agent" ? agentId : vid, who === "agent" ? "Sam Search" : visitor, randomUUID(), body, i + 1]);
      }
      return cid;
    }
    const mine = await conversation("Lena Resolved", agent.agentId, "resolved", [
      ["visitor", `Hello, my parcel ${tag} arrived broken, 快递包裹破损了`],
      ["agent", "Sorry to hear that, a new one is on its way"],
    ]);
    const theirs = await conversation("Otto Elsewhere", bea.agentId, "open", [["visitor", `Is my parcel ${tag} coming today?`]]);

    const { page, errors } = await newPage(browser);
    await loginPage(page, srv.url, agent.email, "password-123");
    await consoleReady(page);
    await page.keyboard.press("/");
    assert.equal(await page.evaluate(() => document.activeElement?.id), "search-q", "`/` focuses the search box");
    await page.keyboard.type(`parcel ${tag}`);
    const hit = page.locator(`#search-list .sresult[data-id="${mine}"]`);
    await hit.waitFor();
    assert.equal(await page.locator(`#search-list .sresult[data-id="${theirs}"]`).count(), 0, "a colleague's open conversation");
    assert.deepEqual(await hit.locator("mark").allTextContents(), ["parcel", tag]);
    assert.ok(await page.locator("#list").isHidden(), "the results stand in for the list");
    await page.fill("#search-q", "包裹");
    await page.locator(`#search-list .sresult[data-id="${mine}"] mark`, { hasText: "包裹" }).waitFor();
    await shot(page, "console-search");

    await page.click(`#search-list .sresult[data-id="${mine}"]`);
    await page.locator(".msg--visitor", { hasText: "arrived broken" }).waitFor();
    assert.equal(await page.textContent("#chat-status"), "resolved");
    assert.ok(await page.locator("#composer").isHidden(), "read-only: no composer");
    assert.equal(new URL(page.url()).searchParams.get("c"), mine);

    await page.focus("#search-q");
    await page.keyboard.press("Escape");
    assert.equal(await page.inputValue("#search-q"), "");
    assert.ok(await page.locator("#search-results").isHidden());
    assert.ok(await page.locator(".ctabs").isVisible(), "the lists are back");
    await page.keyboard.press("Control+k");
    assert.equal(await page.evaluate(() => document.activeElement?.id), "search-q", "Ctrl+K focuses it too");
    assert.deepEqual(errors, []);
  });
});
