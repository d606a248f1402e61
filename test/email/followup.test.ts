// Visitor follow-up emails end to end: a real server, a real SMTP receiver (smtp-server,
// parsed with mailparser), small EMAIL_AFTER_MS. The visitor who left an email and did not
// read the agent's messages gets them in one email (who answered, both parts, no internal
// notes, Chinese for a zh visitor); messages read in time are not emailed; the resume link
// restores the chat with its history in a fresh Chromium context; unsubscribe stops them.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import path from "node:path";
import type { ParsedMail } from "mailparser";
import type { Browser } from "playwright-core";
import { api, call, expectOk, sleep, until } from "../helpers/clients.js";
import { testDatabases, type TestServer } from "../helpers/server.js";
import { agentOnline, ARTIFACTS, launch, newPage, type Agent } from "../browser/browser.js";
import { AFTER_MS, emailServer, linkIn, openChat, roomFor } from "./helpers.js";
import { startReceiver, type Receiver } from "./smtp-receiver.js";

/** The raw List-Unsubscribe header (mailparser folds List-* headers into one object). */
const listUnsubscribe = (mail: ParsedMail) =>
  mail.headerLines.find((h) => h.key === "list-unsubscribe")?.line.replace(/^List-Unsubscribe:\s*/i, "").replace(/\r?\n\s+/g, "") ?? "";

for (const db of testDatabases()) {
  describe(`email follow-up to visitors (${db})`, function () {
    this.timeout(60_000);
    let smtp: Receiver;
    let srv: TestServer;
    let agent: Agent;

    before(async () => {
      smtp = await startReceiver();
      srv = await emailServer(smtp.url, { db });
      agent = await agentOnline(srv.url);
      await roomFor(srv.url, agent.ready.you.id); // every test's conversation stays open with it
    });
    after(async () => {
      agent?.close();
      await srv?.stop();
      await smtp?.close();
    });

    it("sends the unread agent messages in one email: who answered, both parts, no internal note, no system line", async () => {
      const chat = await openChat(srv.url, agent, { name: "Dana", email: "dana@example.com", language: "en-US" });
      await agent.send(chat.conversationId, "Hi Dana, your order #77 shipped today.");
      await agent.send(chat.conversationId, "Tracking: <b>ZX-1</b> & more");
      // An internal note as a later feature would store it: an agent row of another type.
      const prisma = srv.application.services.db.prisma;
      await prisma.$executeRawUnsafe(
        `WITH c AS (UPDATE conversation SET last_seq = last_seq + 1 WHERE id = $1 RETURNING last_seq)
         INSERT INTO message (id, conversation_id, seq, sender_type, sender_id, sender_name, client_msg_id, type, body)
         SELECT 'note-1', $1, last_seq, 'agent', $2, 'Admin', 'note-1', 'note', 'INTERNAL: customer is a reseller' FROM c`,
        chat.conversationId, agent.ready.you.id);
      const [mail] = await smtp.waitFor("dana@example.com", 1, 10_000);
      assert.equal(mail.subject, "Admin replied to your message");
      assert.deepEqual(mail.from?.value.map((a) => [a.name, a.address]), [["Acme Support", "help@acme.test"]]);
      const text = mail.text ?? "";
      const html = String(mail.html);
      for (const part of [text, html]) {
        assert.match(part, /Admin/);
        assert.match(part, /your order #77 shipped today/);
        assert.doesNotMatch(part, /INTERNAL|reseller/, "an internal note never goes out");
        assert.doesNotMatch(part, /Hello from Dana/, "the visitor's own message is not sent back");
        assert.match(part, /chat\.example\.test\/chat\/resume\?t=/);
        assert.match(part, /chat\.example\.test\/email\/unsubscribe\?t=/);
      }
      assert.match(text, /Tracking: <b>ZX-1<\/b> & more/, "the text part is the text as written");
      assert.match(html, /Tracking: &lt;b&gt;ZX-1&lt;\/b&gt; &amp; more/, "the HTML part escapes it");
      assert.match(text, /Here are the 2 messages/);
      writeFileSync(path.join(ARTIFACTS, "email-followup-en.html"), html);
      assert.match(listUnsubscribe(mail), /^<http:\/\/chat\.example\.test\/api\/email\/unsubscribe\?t=[^>]+>$/);
      await sleep(AFTER_MS * 2);
      assert.equal(smtp.to("dana@example.com").length, 1, "sent once");
      chat.visitor.close();
    });

    it("says it in Chinese to a zh visitor", async () => {
      const chat = await openChat(srv.url, agent, { name: "李雷", email: "lilei@example.cn", language: "zh-CN" });
      await agent.send(chat.conversationId, "您好，已为您退款。");
      const [mail] = await smtp.waitFor("lilei@example.cn", 1, 10_000);
      assert.equal(mail.subject, "Admin回复了您的消息");
      for (const part of [mail.text ?? "", String(mail.html)]) {
        assert.match(part, /李雷，您好/);
        assert.match(part, /已为您退款/);
        assert.match(part, /继续对话/);
        assert.match(part, /不再接收此类邮件/);
      }
      assert.match(String(mail.html), /<html lang="zh-CN">/);
      writeFileSync(path.join(ARTIFACTS, "email-followup-zh.html"), String(mail.html));
      chat.visitor.close();
    });

    it("emails nothing the visitor read in time, nor to a visitor who left no address", async () => {
      const reader = await openChat(srv.url, agent, { name: "Reader", email: "reader@example.com" });
      const nomail = await openChat(srv.url, agent, { name: "Anon" });
      const m = await agent.send(reader.conversationId, "Read me quickly");
      await agent.send(nomail.conversationId, "Nobody will email this");
      expectOk(await call(reader.visitor.socket, "message:read", { upToSeq: m.seq }));
      await sleep(AFTER_MS * 4);
      assert.equal(smtp.to("reader@example.com").length, 0);
      assert.deepEqual(smtp.received.filter((r) => r.mail.text?.includes("Nobody will email this")), []);
      // A later message that stays unread does go out, alone.
      await agent.send(reader.conversationId, "This one you missed");
      const [mail] = await smtp.waitFor("reader@example.com", 1, 10_000);
      assert.match(mail.text ?? "", /This one you missed/);
      assert.doesNotMatch(mail.text ?? "", /Read me quickly/);
      reader.visitor.close();
      nomail.visitor.close();
    });

    it("one click on unsubscribe stops them; a forged link changes nothing", async () => {
      const chat = await openChat(srv.url, agent, { name: "Una", email: "una@example.com" });
      await agent.send(chat.conversationId, "First answer");
      const [mail] = await smtp.waitFor("una@example.com", 1, 10_000);
      const link = linkIn(mail.text ?? "", "/email/unsubscribe", srv.url);
      const forged = await fetch(link.replace(/.{4}$/, "AAAA"));
      assert.equal(forged.status, 400);
      const res = await fetch(link);
      assert.equal(res.status, 200);
      assert.match(await res.text(), /Unsubscribed/);
      await agent.send(chat.conversationId, "Second answer, never emailed");
      await sleep(AFTER_MS * 4);
      assert.equal(smtp.to("una@example.com").length, 1);
      chat.visitor.close();
    });

    it("a mail client's one-click POST (RFC 8058) unsubscribes too", async () => {
      const chat = await openChat(srv.url, agent, { name: "Otto", email: "otto@example.com" });
      await agent.send(chat.conversationId, "Answer one");
      const [mail] = await smtp.waitFor("otto@example.com", 1, 10_000);
      assert.ok(mail.headerLines.some((h) => /^List-Unsubscribe-Post: List-Unsubscribe=One-Click$/i.test(h.line)));
      const header = listUnsubscribe(mail).replace(/^<|>$/g, "").replace("http://chat.example.test", srv.url);
      const res = await fetch(header, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "List-Unsubscribe=One-Click" });
      assert.equal(res.status, 204);
      await agent.send(chat.conversationId, "Answer two");
      await sleep(AFTER_MS * 4);
      assert.equal(smtp.to("otto@example.com").length, 1);
      chat.visitor.close();
    });

    describe("the resume link (Chromium)", () => {
      let browser: Browser;
      before(async () => (browser = await launch()));
      after(async () => browser?.close());

      it("opens the chat with its whole history on another device, and the chat goes on there", async () => {
        const chat = await openChat(srv.url, agent, { name: "Rita", email: "rita@example.com" });
        await agent.send(chat.conversationId, "We found your parcel.");
        const [mail] = await smtp.waitFor("rita@example.com", 1, 10_000);
        chat.visitor.close(); // the first device is gone
        const link = linkIn(mail.text ?? "", "/chat/resume", srv.url);

        const { context, page, errors } = await newPage(browser); // a fresh context: another device
        await page.goto(link);
        await page.locator(".hf-row", { hasText: "We found your parcel." }).waitFor({ timeout: 15_000 });
        await page.locator(".hf-row", { hasText: "Hello from Rita" }).waitFor();
        assert.equal(new URL(page.url()).hash, "", "the token is taken out of the address bar");
        await page.locator(".hf-textarea").fill("Great, thanks!");
        await page.locator(".hf-textarea").press("Enter");
        await until(() => agent.received.some((m) => m.body === "Great, thanks!" && m.conversationId === chat.conversationId), 10_000, "the same conversation");
        assert.deepEqual(errors, []);
        await context.close();

        // A forged link is refused and issues nothing.
        const bad = await api(srv.url, "GET", `/chat/resume?t=${encodeURIComponent("resume.x.zzzzzz.abc")}`);
        assert.equal(bad.status, 400);
      });
    });
  });
}
