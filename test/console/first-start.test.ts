// A first start a newcomer can follow (issue 13, item 8): with no ADMIN_PASSWORD the log
// prints the login URL with a generated password, once; the first login with it leads to
// choosing a new one (every page and API refuses until then), and the generated one then
// stops working. In Chromium, through the real forms.
import assert from "node:assert/strict";
import type { Browser } from "playwright-core";
import { api, connectAgent, type ConnectError } from "../helpers/clients.js";
import { ADMIN, type TestServer } from "../helpers/server.js";
import { buildConsoleBundles, firstStartServer, launch, newPage, shot } from "./helpers.js";

describe("first start: the generated admin password", function () {
  this.timeout(90_000);
  let srv: TestServer;
  let browser: Browser;
  let warned: Awaited<ReturnType<typeof firstStartServer>>["warned"];

  before(async () => {
    buildConsoleBundles();
    ({ srv, warned } = await firstStartServer());
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await srv?.stop();
  });

  it("is printed once with the page to open, works only to choose a new one, then stops working", async () => {
    const lines = warned.filter((w) => w.msg === "admin agent created with a generated password");
    assert.equal(lines.length, 1, "printed once");
    const generated = String(lines[0]!.extra!.password);
    assert.match(String(lines[0]!.extra!.open), /^http:\/\/localhost:\d+\/login$/);
    assert.equal(lines[0]!.extra!.email, ADMIN.email);

    // Until it is replaced: no token, no socket.
    const refused = await api<{ error: { code: string } }>(srv.url, "POST", "/api/agent/token", { email: ADMIN.email, password: generated });
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error.code, "FORBIDDEN");

    const { page, errors } = await newPage(browser);
    await page.goto(`${srv.url}/login?next=/agent`);
    await page.fill("input[name=email]", ADMIN.email);
    await page.fill("input[name=password]", generated);
    await Promise.all([page.waitForURL(/\/account\/password\?next=%2Fagent$/), page.click("button[type=submit]")]);
    await page.locator("text=The password you used was generated").waitFor();
    await page.goto(`${srv.url}/admin/agents`); // every page leads back here
    assert.match(page.url(), /\/account\/password\?next=%2Fadmin%2Fagents$/);
    await shot(page, "first-start-password");

    const submit = async (password: string, confirm: string) => {
      await page.fill("input[name=password]", password);
      await page.fill("input[name=confirm]", confirm);
      await page.check("input[name=takesChats][value=yes]"); // asked of the generated admin (onboarding.test.ts)
      await Promise.all([page.waitForLoadState("load"), page.click("button[type=submit]")]);
    };
    await submit("my-own-password-1", "my-own-password-2");
    await page.locator(".notice--error", { hasText: "the two passwords differ" }).waitFor();
    await submit(generated, generated);
    await page.locator(".notice--error", { hasText: "other than the current one" }).waitFor();
    await submit("my-own-password-1", "my-own-password-1");
    await page.waitForURL(`${srv.url}/admin/agents`);
    await page.locator("text=Your new password is set.").waitFor();

    // The generated one is worth nothing now; the new one works everywhere.
    const old = await api(srv.url, "POST", "/api/agent/token", { email: ADMIN.email, password: generated });
    assert.equal(old.status, 401);
    const ok = await api<{ token: string }>(srv.url, "POST", "/api/agent/token", { email: ADMIN.email, password: "my-own-password-1" });
    assert.equal(ok.status, 200);
    const agent = await connectAgent(srv.url, ok.body.token).catch((e: ConnectError) => e);
    assert.ok(!(agent instanceof Error), String(agent));
    agent.socket.disconnect();
    assert.deepEqual(errors, []);
  });
});
