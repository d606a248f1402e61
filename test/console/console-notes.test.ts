// Private notes in the console, in Chromium (issue 13): the agent writes a note in note
// mode; it shows as an internal note among the messages, reaches a second agent's console
// (an admin) live, survives a reload, and the visitor's widget never shows it. The admin
// transcript and its text export mark it as an internal note.
import assert from "node:assert/strict";
import { call, until } from "../helpers/clients.js";
import { ADMIN } from "../helpers/server.js";
import { consoleReady, consoleSuite, consoleWithVisitor, httpLogin, loginPage, newPage, shot } from "./helpers.js";

describe("agent console, private notes in Chromium", function () {
  this.timeout(90_000);
  const suite = consoleSuite("Nat Notes");

  it("a note is written in note mode, seen live by an admin, kept on reload, never shown to the visitor", async () => {
    const { srv, browser } = suite.get();
    const { page, errors, visitor, cid } = await consoleWithVisitor(suite, "Vic Visitor", "Where is my parcel?");
    const seenByVisitor: string[] = [];
    visitor.socket.onAny((event: string, payload: unknown) => seenByVisitor.push(`${event} ${JSON.stringify(payload)}`));
    await page.locator(`.citem[data-id="${cid}"]`).click();
    await page.locator(".msg--visitor", { hasText: "Where is my parcel?" }).waitFor();

    // An admin's console on the same conversation, to see the note arrive live.
    const adminView = await newPage(browser);
    await loginPage(adminView.page, srv.url, ADMIN.email, ADMIN.password);
    await consoleReady(adminView.page);
    await adminView.page.evaluate((id) => (window as unknown as { holdfast: { state: { select(id: string): void } } }).holdfast.state.select(id), cid);
    await adminView.page.locator(".msg--visitor", { hasText: "Where is my parcel?" }).waitFor();

    await page.click("#note-toggle");
    assert.equal(await page.getAttribute("#note-toggle", "aria-pressed"), "true");
    assert.equal(await page.getAttribute("#text", "placeholder"), "Internal note: only agents see it");
    await page.fill("#text", "Courier says Tuesday; do not promise Monday");
    await page.keyboard.press("Enter");
    await page.locator(".msg--note", { hasText: "Courier says Tuesday" }).waitFor();
    assert.equal(await page.inputValue("#text"), "", "the composer is cleared");
    assert.match((await page.locator(".msg--note .msg__who").textContent()) ?? "", /Internal note · You/);
    await adminView.page.locator(".msg--note", { hasText: "Courier says Tuesday" }).waitFor();
    assert.match((await adminView.page.locator(".msg--note .msg__who").textContent()) ?? "", /Internal note · Nat Notes/);

    // Back to replying: a message goes to the visitor, after the note.
    await page.click("#note-toggle");
    await page.fill("#text", "It arrives on Tuesday");
    await page.keyboard.press("Enter");
    await until(() => seenByVisitor.some((e) => e.includes("It arrives on Tuesday")), 5000, "the reply reaches the visitor");
    await shot(page, "console-note");
    const order = await page.$$eval("#log > li", (els) => els.map((e) => e.className.includes("msg--note") ? "note" : (e.textContent ?? "").includes("Tuesday") ? "reply" : "other"));
    assert.ok(order.indexOf("note") < order.indexOf("reply"), `the note before the reply: ${order.join(",")}`);

    await page.reload();
    await consoleReady(page);
    await page.locator(`.citem[data-id="${cid}"]`).click();
    await page.locator(".msg--note", { hasText: "Courier says Tuesday" }).waitFor();

    assert.ok(!seenByVisitor.some((e) => e.includes("Courier")), "the visitor never received the note");
    const history = await call(visitor.socket, "sync", { conversationId: cid, afterSeq: 0 });
    assert.ok(history.ok);
    assert.deepEqual(history.messages.map((m) => m.seq), history.messages.map((_, i) => i + 1), "gapless seq");

    // The admin's transcript page and text export mark it.
    const { agent: http } = await httpLogin(srv.url, ADMIN.email, ADMIN.password);
    const pageHtml = (await http.get(`/admin/conversations/${cid}`)).text;
    assert.match(pageHtml, /class="tm tm--note"[\s\S]*Internal note[\s\S]*Courier says Tuesday/);
    const text = (await http.get(`/admin/conversations/${cid}/export.txt`)).text;
    assert.match(text, /\(internal note\) Nat Notes: Courier says Tuesday; do not promise Monday/);
    const json = JSON.parse((await http.get(`/admin/conversations/${cid}/export.json`)).text) as { notes: { body: string }[] };
    assert.deepEqual(json.notes.map((n) => n.body), ["Courier says Tuesday; do not promise Monday"]);
    assert.deepEqual([...errors, ...adminView.errors], []);
    await adminView.context.close();
  });
});
