// The email module's pure rules and its signed links, without I/O.
import assert from "node:assert/strict";
import { createEmailLinks, RESUME_TTL_MS } from "../../src/email/email-links.js";
import { backoffMs, describeError, emailLang, sweepIntervalMs } from "../../src/email/email.rules.js";
import { renderFollowup } from "../../src/email/templates.js";

describe("email rules", () => {
  it("backs off by doubling from 1 s to 30 min, with ±20 % jitter", () => {
    assert.equal(backoffMs(1, () => 0.5), 1000);
    assert.equal(backoffMs(2, () => 0.5), 2000);
    assert.equal(backoffMs(5, () => 0.5), 16_000);
    assert.equal(backoffMs(40, () => 0.5), 30 * 60_000);
    assert.equal(backoffMs(1, () => 0), 800);
    assert.equal(backoffMs(1, () => 1), 1200);
  });

  it("sweeps a quarter of EMAIL_AFTER_MS, between 200 ms and 15 s", () => {
    assert.equal(sweepIntervalMs(120_000), 15_000);
    assert.equal(sweepIntervalMs(8000), 2000);
    assert.equal(sweepIntervalMs(100), 200);
  });

  it("writes Chinese to zh visitors, English to everyone else", () => {
    for (const zh of ["zh", "zh-CN", "zh-Hant-TW", " ZH-tw"]) assert.equal(emailLang(zh), "zh", zh);
    for (const en of [undefined, null, "", "en-US", "fr", "zhx", 7]) assert.equal(emailLang(en), "en", String(en));
  });

  it("keeps credentials out of the error the admin sees", () => {
    const err = Object.assign(new Error("connect ECONNREFUSED smtp://user:secret@mail.test:25"), { code: "ECONNECTION" });
    assert.equal(describeError(err), "ECONNECTION connect ECONNREFUSED smtp://***@mail.test:25");
  });

  it("signs resume and unsubscribe links apart, and refuses forged or expired ones", () => {
    const links = createEmailLinks("secret-1");
    const t = links.sign("resume", "visitor-1", 1000);
    assert.deepEqual(links.verify(t, "resume", 2000), { visitorId: "visitor-1" });
    assert.equal(links.verify(t, "unsub", 2000), "invalid", "a resume link never unsubscribes");
    assert.equal(links.verify(t, "resume", 1000 + RESUME_TTL_MS + 1), "expired");
    assert.equal(links.verify(t.replace("visitor-1", "visitor-2"), "resume", 2000), "invalid");
    assert.equal(createEmailLinks("secret-2").verify(t, "resume", 2000), "invalid");
    for (const junk of [undefined, 5, "", "a.b.c", "x".repeat(400)]) assert.equal(links.verify(junk, "resume"), "invalid");
  });

  it("renders both parts; the HTML escapes what the text part keeps as written", () => {
    const mail = renderFollowup({
      lang: "en", timezone: "Asia/Shanghai", brand: "Acme", to: "a@b.test", visitorName: "<Ann>",
      resumeUrl: "https://c.test/chat/resume?t=r", unsubscribeUrl: "https://c.test/email/unsubscribe?t=u", oneClickUrl: "https://c.test/api/email/unsubscribe?t=u",
      messages: [
        { sender: "Bo", type: "text", body: "1 < 2\nline two", createdAt: new Date("2026-01-01T00:00:00Z") },
        { sender: "Cy", type: "file", body: "invoice.pdf", createdAt: new Date("2026-01-01T00:01:00Z") },
      ],
    });
    assert.equal(mail.subject, "Bo and Cy replied to your message");
    assert.match(mail.text, /Hi <Ann>,/);
    assert.match(mail.text, /1 < 2\nline two/);
    assert.match(mail.text, /\[attachment, open the chat to see it\] invoice\.pdf/);
    assert.match(mail.text, /08:00/, "times in the visitor's timezone");
    assert.match(mail.html, /Hi &lt;Ann&gt;,/);
    assert.match(mail.html, /1 &lt; 2<br>line two/);
    assert.equal(mail.headers?.["List-Unsubscribe"], "<https://c.test/api/email/unsubscribe?t=u>");
  });
});
