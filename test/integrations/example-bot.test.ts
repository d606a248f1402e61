// examples/bot/bot.mjs, run as documented (node, no build) against a real server: a
// signed `message.created` delivery from a visitor about an order gets one reply through
// the REST API under the key's name; the same delivery again is dropped by its id; a bad
// signature is refused 401 and answered nothing.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { createHmac } from "node:crypto";
import path from "node:path";
import { api, sleep, until } from "../helpers/clients.js";
import { freePort } from "../helpers/server.js";
import { newVisitor, say, transcript } from "../assignment/harness.js";
import { restSuite } from "./helpers.js";

const BOT = path.resolve(import.meta.dirname, "../../examples/bot/bot.mjs");
const SECRET = "bot-test-secret";

describe("example bot", function () {
  this.timeout(30_000);
  const s = restSuite("pglite");
  let bot: ChildProcess;
  let botUrl = "";
  after(() => bot?.kill());

  const deliver = (event: object, secret = SECRET) => {
    const raw = JSON.stringify(event);
    const signature = `sha256=${createHmac("sha256", secret).update(raw).digest("hex")}`;
    return fetch(botUrl, { method: "POST", headers: { "content-type": "application/json", "x-holdfast-signature": signature }, body: raw });
  };

  it("answers a signed delivery once, under the key's name, and refuses a bad signature", async () => {
    const { key } = await s.newKey("Order bot");
    const port = await freePort();
    botUrl = `http://127.0.0.1:${port}/`;
    bot = spawn(process.execPath, [BOT], { env: { ...process.env, HOLDFAST_URL: s.srv.url, HOLDFAST_API_KEY: key, WEBHOOK_SECRET: SECRET, PORT: String(port) }, stdio: ["ignore", "pipe", "inherit"] });
    await new Promise<void>((resolve) => bot.stdout!.on("data", (d: Buffer) => d.toString().includes("listening") && resolve()));

    const vis = await newVisitor(s.srv, "Bo Buyer");
    const m = await say(vis, "Where is my order?");
    const event = { id: "evt-1", type: "message.created", createdAt: new Date().toISOString(), data: { message: m } };
    assert.equal((await deliver(event, "wrong-secret")).status, 401);
    assert.equal((await deliver(event)).status, 200);
    const replies = async () => (await transcript(s.srv, m.conversationId)).filter((x) => x.sender.name === "Order bot");
    await until(async () => (await replies()).length === 1, 5000, "the bot's reply");
    const [reply] = await replies();
    assert.equal(reply.sender.type, "agent");
    assert.match(reply.body, /ship/);
    await until(() => vis.received.some((x) => x.id === reply.id), 3000, "the visitor gets it live");
    const again = await deliver(event);
    assert.equal(await again.text(), "duplicate");
    assert.equal((await replies()).length, 1, "one reply per event");
    vis.close();
  });

  it("wired to a real webhook: hears a visitor's message from the server and answers it once", async () => {
    // The bot of the test before still runs, with its key; now the server delivers to it.
    const hook = await api<{ webhook: { id: string } }>(s.srv.url, "POST", "/api/webhooks", { url: botUrl, secret: SECRET, events: ["message.created"] }, s.admin());
    assert.equal(hook.status, 201, hook.text);
    const vis = await newVisitor(s.srv, "Wendy Webhook");
    const m = await say(vis, "Has my order shipped yet?");
    const replies = async () => (await transcript(s.srv, m.conversationId)).filter((x) => x.sender.name === "Order bot");
    await until(async () => (await replies()).length === 1, 15_000, "the bot's reply through the webhook");
    await until(() => vis.received.some((x) => x.sender.name === "Order bot"), 5000, "the visitor gets it live");
    await sleep(1500); // its own reply comes back as message.created too: it must stay quiet
    assert.equal((await replies()).length, 1, "one reply, none to itself");
    vis.close();
  });
});
