// Shared pieces of the console and admin suites: the bundles built once, Debian's
// Chromium through playwright-core (never a downloaded browser), logging in through
// the real form, and supertest agents that keep the session cookie.
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import request from "supertest";
import assert from "node:assert/strict";
import { agentToken, call, connectVisitor, createAgent, visitorSession } from "../helpers/clients.js";
import { startServer } from "../helpers/server.js";
import { perSuite } from "../helpers/suite.js";

const root = path.resolve(import.meta.dirname, "../..");
export const ARTIFACTS = path.join(root, "test-artifacts");
mkdirSync(ARTIFACTS, { recursive: true });

let built = false;
/** public/build/*.js (console.js and admin.js among them), from the current sources. */
export function buildConsoleBundles(): void {
  if (built) return;
  execFileSync(process.execPath, [path.join(root, "scripts/build-client.mjs"), "--no-check", "--quiet"], { stdio: "inherit" });
  built = true;
}

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/** A fresh context (own cookies and storage) with page errors and CSP reports collected. */
export async function newPage(browser: Browser, width = 1400, height = 860) {
  const context = await browser.newContext({ viewport: { width, height }, locale: "en-US" });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error" && /Content Security Policy|Refused to/.test(m.text())) errors.push(`csp: ${m.text()}`);
  });
  page.on("dialog", (d) => {
    errors.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  return { context, page, errors };
}

export const shot = (page: Page, name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });

export async function loginPage(page: Page, base: string, email: string, password: string, next = "/agent") {
  await page.goto(`${base}/login?next=${encodeURIComponent(next)}`);
  await page.fill("input[name=email]", email);
  await page.fill("input[name=password]", password);
  await Promise.all([page.waitForURL(`${base}${next}`), page.click("button[type=submit]")]);
}

/** The console's socket is up and `ready` arrived. */
export async function consoleReady(page: Page) {
  await page.waitForFunction(() => {
    const h = (window as unknown as { holdfast?: { rt: { status: { state: string }; me: unknown } } }).holdfast;
    return h?.rt.status.state === "connected" && !!h.rt.me;
  });
}

export const csrfOf = (html: string) => {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m) throw new Error("no _csrf field in the page");
  return m[1];
};

/** A supertest agent (cookie jar) logged in through the form, its CSRF token and session cookie. */
export async function httpLogin(base: string, email: string, password: string) {
  const agent = request.agent(base);
  const page = await agent.get("/login");
  const res = await agent.post("/login").type("form").send({ _csrf: csrfOf(page.text), email, password });
  if (res.status !== 303) throw new Error(`login failed: ${res.status} ${res.text.slice(0, 200)}`);
  const csrf = csrfOf((await agent.get("/agent")).text);
  // The session cookie itself, for clients outside the jar (a socket.io-client handshake).
  const cookie = ((res.headers["set-cookie"] as unknown as string[]) ?? []).map((c) => c.split(";")[0]).find((c) => c.startsWith("hf.sid="))!;
  return { agent, csrf, cookie };
}

/** A console suite's server, Chromium and one (non-admin) agent with password-123, opened
 *  in before() and closed in after(), with what the tests push to `closers`. */
export function consoleSuite(agentName: string, maxConcurrent = 10) {
  const closers: (() => void)[] = [];
  const get = perSuite("console suite", async () => {
    buildConsoleBundles();
    const srv = await startServer();
    const browser = await launch();
    const agent = await createAgent(srv.url, (await agentToken(srv.url)).token, agentName, { maxConcurrent });
    return { srv, browser, agent };
  }, async ({ srv, browser }) => {
    closers.forEach((c) => c());
    await browser.close();
    await srv.stop();
  });
  return { get, closers };
}

/** Every HTTP answer of 400 and above the page got (a 403 or 404 is a console error). */
export function failures(page: Page): string[] {
  const bad: string[] = [];
  page.on("response", (r) => r.status() >= 400 && bad.push(`${r.status()} ${new URL(r.url()).pathname}`));
  return bad;
}

/** The suite's agent in a console, and a visitor (socket client) whose first message
 *  opened a conversation; the visitor is closed with the suite. */
export async function consoleWithVisitor(suite: ReturnType<typeof consoleSuite>, name: string, body: string) {
  const { srv, browser, agent } = suite.get();
  const { page, errors } = await newPage(browser);
  const bad = failures(page);
  await loginPage(page, srv.url, agent.email, "password-123");
  await consoleReady(page);
  const visitor = await connectVisitor(srv.url, (await visitorSession(srv.url, name)).token);
  suite.closers.push(visitor.close);
  const sent = await call(visitor.socket, "message:send", { clientMsgId: `${name}-1`, type: "text", body });
  assert.ok(sent.ok);
  return { page, errors, bad, visitor, cid: sent.message.conversationId };
}

/** A first start without ADMIN_PASSWORD (a generated admin password), and every warning it
 *  logs: "admin agent created with a generated password" carries the password. */
export async function firstStartServer() {
  const warned: { msg: string; extra?: Record<string, unknown> }[] = [];
  const srv = await startServer({
    env: { ADMIN_PASSWORD: "" },
    infra: (infra) => {
      const warn = infra.log.warn.bind(infra.log);
      infra.log.warn = (msg, extra) => (warned.push({ msg, extra: extra as Record<string, unknown> }), warn(msg, extra));
    },
  });
  return { srv, warned };
}
