// Agent notices and the admin's Email page: agents the admin opted in (a CSRF-checked form)
// get an email when a conversation waits with no agent online, once per conversation;
// others get none, and nothing goes out while an agent is online. The page says whether
// email is configured and lists the deliveries with status and attempts.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { agentToken, api, call, connectVisitor, createAgent, expectOk, sleep, type VisitorSessionBody } from "../helpers/clients.js";
import { ADMIN, startServer, type TestServer } from "../helpers/server.js";
import { httpLogin } from "../console/helpers.js";
import { agentOnline, ARTIFACTS } from "../browser/browser.js";
import { AFTER_MS, emailServer } from "./helpers.js";
import { startReceiver, type Receiver } from "./smtp-receiver.js";

async function visitorWrites(base: string, name: string, body: string) {
  const s = await api<VisitorSessionBody>(base, "POST", "/api/visitor/session", { name });
  const v = await connectVisitor(base, s.body.token);
  const sent = expectOk(await call(v.socket, "message:send", { clientMsgId: `${name}-1`, type: "text", body }));
  return { v, conversationId: sent.message.conversationId };
}

describe("email to opted-in agents, and the admin Email page", function () {
  this.timeout(60_000);
  let smtp: Receiver;
  let srv: TestServer;

  before(async () => {
    smtp = await startReceiver();
    srv = await emailServer(smtp.url);
  });
  after(async () => {
    await srv?.stop();
    await smtp?.close();
  });

  it("tells opted-in agents once when a chat waits with nobody online, and nobody while an agent is online", async () => {
    const { token } = await agentToken(srv.url);
    const olga = await createAgent(srv.url, token, "Olga");
    const pete = await createAgent(srv.url, token, "Pete");
    const { agent: admin, csrf } = await httpLogin(srv.url, ADMIN.email, ADMIN.password);
    const refused = await admin.post("/admin/email/notify").type("form").send({ notify: olga.agentId });
    assert.equal(refused.status, 403, "no CSRF token: refused");
    const saved = await admin.post("/admin/email/notify").type("form").send({ _csrf: csrf, notify: olga.agentId });
    assert.equal(saved.status, 303);
    const page = await admin.get("/admin/email");
    assert.match(page.text, new RegExp(`value="${olga.agentId}" checked`));
    assert.doesNotMatch(page.text, new RegExp(`value="${pete.agentId}" checked`));

    // While an agent is online, a new chat is theirs: no notice.
    const online = await agentOnline(srv.url);
    const first = await visitorWrites(srv.url, "Early", "hi while you are here");
    await sleep(AFTER_MS * 2);
    assert.equal(smtp.to(olga.email).length, 0);
    online.close();
    first.v.close();
    await sleep(300);

    const waiting = await visitorWrites(srv.url, "Wendy", "Is anyone there? My order is late.");
    const mails = await smtp.waitFor(olga.email, 1, 10_000);
    const mine = mails.filter((m) => m.text?.includes("Wendy"));
    assert.equal(mine.length, 1);
    assert.equal(mine[0].subject, "Wendy is waiting, no agent online");
    assert.match(mine[0].text ?? "", /My order is late/);
    assert.match(String(mine[0].html), /Open the console/);
    writeFileSync(path.join(ARTIFACTS, "email-waiting-en.html"), String(mine[0].html));
    assert.match(mine[0].text ?? "", /http:\/\/chat\.example\.test\/agent/);
    await sleep(AFTER_MS * 3);
    assert.equal(smtp.to(olga.email).filter((m) => m.text?.includes("Wendy")).length, 1, "once per conversation");
    assert.equal(smtp.to(pete.email).length, 0, "Pete did not opt in");
    assert.equal(smtp.to(ADMIN.email).length, 0, "nor did the admin");
    waiting.v.close();

    // The admin page: configured, and the delivery listed with its status and attempts.
    const after = await admin.get("/admin/email");
    assert.match(after.text, /Configured/);
    assert.match(after.text, /127\.0\.0\.1:\d+/);
    assert.match(after.text, /Wendy is waiting, no agent online/);
    assert.match(after.text, /data-status="sent"/);
  });

  it("without SMTP_URL: the page says email is off and nothing is queued", async () => {
    const plain = await startServer();
    try {
      const { agent: admin } = await httpLogin(plain.url, ADMIN.email, ADMIN.password);
      const v = await visitorWrites(plain.url, "Nobody", "hello?");
      await sleep(500);
      const page = await admin.get("/admin/email");
      assert.match(page.text, /Not configured/);
      assert.match(page.text, /No email queued yet/);
      assert.equal(await plain.application.services.db.prisma.emailOutbox.count(), 0);
      v.v.close();
    } finally {
      await plain.stop();
    }
  });
});
