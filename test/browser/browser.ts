// Shared pieces of the browser suites: Debian's Chromium through playwright-core (never
// a downloaded browser), an agent played by a real socket.io-client, and small readers
// of the visitor page's DOM.
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type Frame, type Page } from "playwright-core";
import { io } from "socket.io-client";
import type { Conversation, Message, ReadyPayload } from "../../src/events.js";
import { agentToken, call, until, type ClientSocket, type Participant } from "../helpers/clients.js";
import { startServer as startRealServer, type TestServer } from "../helpers/server.js";

export const ARTIFACTS = path.resolve(import.meta.dirname, "../../test-artifacts");
mkdirSync(ARTIFACTS, { recursive: true });

// The pages load public/build/*.js: bundle the current sources (under a second) so the
// suite never tests a stale build when run without `npm run build`.
execFileSync(process.execPath, [path.resolve(import.meta.dirname, "../../scripts/build-client.mjs"), "--no-check", "--quiet"], { stdio: "inherit" });

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/** A fresh context (its own localStorage) with the page's errors surfaced in test output. */
export async function newPage(browser: Browser, opts: Parameters<Browser["newContext"]>[0] = {}) {
  const context: BrowserContext = await browser.newContext({ viewport: { width: 1100, height: 820 }, locale: "en-US", ...opts });
  const page = await context.newPage();
  // Script errors and console errors (a CSP violation, say) fail the tests that assert
  // `errors` is empty; the browser's own network logs are expected on a bad network.
  const errors: string[] = [];
  const network = /^(Failed to load resource|WebSocket connection to)/;
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => m.type() === "error" && !network.test(m.text()) && errors.push(`console: ${m.text()}`));
  return { context, page, errors };
}

export const shot = (page: Page, name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });

export async function sendFromPage(page: Page, text: string): Promise<void> {
  await page.locator(".hf-textarea").fill(text);
  await page.locator(".hf-textarea").press("Enter");
}

/** The visitor's own rows: body text and state (pending/sent/delivered/read/failed). */
export function myRows(page: Page | Frame): Promise<{ text: string; state: string }[]> {
  return page.$$eval(".hf-row--mine:not(.hf-welcome)", (lis) =>
    lis.map((li) => ({ text: li.querySelector(".hf-bubble")?.textContent ?? "", state: (li as HTMLElement).dataset.state ?? "" })),
  );
}

export async function waitStates(page: Page | Frame, texts: string[], states: string[], timeout = 15_000): Promise<void> {
  await until(
    async () => {
      const rows = await myRows(page);
      return texts.every((t) => rows.some((r) => r.text === t && states.includes(r.state)));
    },
    timeout,
    `rows ${JSON.stringify(texts)} in state ${states.join("|")}`,
  );
}

/** The admin agent, online, following every conversation assigned to it. */
export interface Agent extends Participant {
  conversations: Map<string, Conversation>;
  /** Everything the agent can read of a conversation of a conversation, fetched with `sync` (seq order). */
  transcript(conversationId: string): Promise<Message[]>;
  send(conversationId: string, body: string): Promise<Message>;
  waitConversation(timeoutMs?: number): Promise<Conversation>;
}

export async function agentOnline(base: string): Promise<Agent> {
  const { token } = await agentToken(base);
  // Listeners go on before connecting: an assignment made during the handshake arrives
  // in the same read as `ready`, before any code awaiting `ready` could subscribe.
  const socket: ClientSocket = io(`${base}/agent`, { auth: { token }, transports: ["websocket"], reconnection: false, forceNew: true });
  const conversations = new Map<string, Conversation>();
  const received: Message[] = [];
  socket.on("conversation", (c) => conversations.set(c.id, c));
  socket.on("message", (m, ack) => {
    received.push(m);
    ack({ ok: true });
  });
  const ready = await new Promise<ReadyPayload>((resolve, reject) => {
    socket.once("ready", resolve);
    socket.once("connect_error", reject);
  });
  for (const c of ready.conversations) conversations.set(c.id, c);
  const p: Participant = { socket, ready, received, close: () => socket.disconnect() };
  let n = 0;
  const handed = new Set<string>();
  return Object.assign(p, {
    conversations,
    async transcript(conversationId: string) {
      const res = await call(p.socket, "sync", { conversationId, afterSeq: 0, limit: 500 });
      if (!res.ok) throw new Error(`sync: ${JSON.stringify(res)}`);
      return res.messages;
    },
    async send(conversationId: string, body: string) {
      const res = await call(p.socket, "message:send", { conversationId, clientMsgId: `agent-${Date.now()}-${n++}`, type: "text", body });
      if (!res.ok) throw new Error(`agent send: ${JSON.stringify(res)}`);
      return res.message;
    },
    /** The next conversation assigned to this agent that no earlier call returned. */
    async waitConversation(timeoutMs = 10_000) {
      const fresh = () => [...conversations.values()].find((c) => c.agent?.id === p.ready.you.id && !handed.has(c.id));
      await until(() => !!fresh(), timeoutMs, "a conversation assigned to the agent");
      const c = fresh()!;
      handed.add(c.id);
      return c;
    },
  });
}

/** The page's Socket.IO traffic (both transports): `open` passes it, `refuse` fails it
 * at once (the server is down), `hold` leaves it hanging (the server does not answer
 * yet) until the gate opens, when what was held goes through. */
export async function socketGate(page: Page) {
  let mode: "open" | "refuse" | "hold" = "open";
  const held: (() => unknown)[] = [];
  await page.routeWebSocket(/\/socket\.io\//, (ws) => {
    if (mode === "refuse") ws.close({ code: 1006 });
    else if (mode === "hold") held.push(() => ws.connectToServer());
    else ws.connectToServer();
  });
  await page.route(/\/socket\.io\//, (route) => {
    if (mode === "refuse") return route.abort("connectionrefused");
    if (mode === "hold") return void held.push(() => route.continue());
    return route.continue();
  });
  return {
    /** How many attempts the gate holds: each new one the page makes while held adds one. */
    held: () => held.length,
    set(next: typeof mode) {
      mode = next;
      if (next !== "open") return;
      // An attempt the page gave up on meanwhile cannot be continued: that is fine.
      for (const go of held.splice(0)) Promise.resolve().then(go).catch(() => {});
    },
  };
}

/** Bodies of visitor messages in a transcript, in seq order. */
export const visitorBodies = (ms: Message[]) => ms.filter((m) => m.sender.type === "visitor").map((m) => m.body);

/** A real server whose widget settings carry a brand, as an admin would set them. */
export async function startServer(opts: Parameters<typeof startRealServer>[0] = {}): Promise<TestServer> {
  const srv = await startRealServer(opts);
  const settings = srv.application.services.settings;
  await settings.setWidget({ ...(await settings.getWidget()), title: "Acme Support" });
  return srv;
}

/** What the suites of the visitor page share: one Chromium, one server (startServer above,
 *  `opts` passed on) and the admin agent online on it, for the enclosing describe(): opened
 *  in before(), closed in after(). Read its fields from the tests and hooks on. */
export function chatSuite(opts: Parameters<typeof startServer>[0] = {}): { readonly browser: Browser; readonly srv: TestServer; readonly agent: Agent } {
  let browser: Browser | undefined;
  let srv: TestServer | undefined;
  let agent: Agent | undefined;
  before(async () => {
    browser = await launch();
    srv = await startServer(opts);
    agent = await agentOnline(srv.url);
  });
  after(async () => {
    agent?.close();
    await browser?.close();
    await srv?.stop();
  });
  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the suite's ${what} is used before its before() hook ran`);
    return value;
  };
  return {
    get browser() { return ready(browser, "browser"); },
    get srv() { return ready(srv, "server"); },
    get agent() { return ready(agent, "agent"); },
  };
}

/** In one task of the page: if it is waiting out its backoff, fire `trigger` and say
 * whether an attempt started there and then. (No named functions inside: the test
 * transpiler would add helpers the page does not have.) */
export function triggerWhileWaiting(page: Page, trigger: "online" | "visible" | "button") {
  return page.evaluate((how) => {
    const app = document.getElementById("hf-app")!;
    if (app.dataset.status !== "reconnecting") return "not waiting";
    if (how === "online") window.dispatchEvent(new Event("online"));
    else if (how === "visible") document.dispatchEvent(new Event("visibilitychange"));
    else document.querySelector<HTMLButtonElement>(".hf-banner-btn")!.click();
    // Widened: the event just dispatched may have changed it (TypeScript still says "reconnecting").
    return (app.dataset.status as string | undefined) === "connecting" ? "attempting" : `still ${app.dataset.status}`;
  }, trigger);
}
