#!/usr/bin/env node
// An example Holdfast bot: it hears `message.created` webhooks and answers visitors
// through the REST API with an API key. Node 20, no dependency, no build:
//
//   HOLDFAST_URL=http://localhost:3000 HOLDFAST_API_KEY=hfk_... WEBHOOK_SECRET=... node examples/bot/bot.mjs
//
// Each webhook is checked (X-Holdfast-Signature: sha256=<hex HMAC-SHA256 of the raw body,
// keyed with the webhook's secret>) and deduplicated by its `id` (deliveries are at least
// once). The reply's clientMsgId is derived from the event, so a retried delivery can never
// post it twice, even after a restart of the bot.
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";

const HOLDFAST_URL = (process.env.HOLDFAST_URL ?? "http://localhost:3000").replace(/\/$/, "");
const API_KEY = process.env.HOLDFAST_API_KEY;
const SECRET = process.env.WEBHOOK_SECRET;
const PORT = Number(process.env.PORT ?? 4000);
if (!API_KEY || !SECRET) {
  console.error("set HOLDFAST_API_KEY (an API key from /admin/api-keys) and WEBHOOK_SECRET (the webhook's secret)");
  process.exit(1);
}

/** The answer to a visitor's message, or null to stay quiet. */
function replyTo(text) {
  if (/\border\b/i.test(text)) return "Orders ship within 2 working days; you get a tracking link by email.";
  if (/\b(hours|open)\b/i.test(text)) return "We answer from 9:00 to 18:00, Monday to Friday.";
  return null;
}

function signed(raw, header) {
  const want = Buffer.from(`sha256=${createHmac("sha256", SECRET).update(raw).digest("hex")}`);
  const given = Buffer.from(String(header ?? ""));
  return given.length === want.length && timingSafeEqual(given, want);
}

/** Event ids already handled (the most recent 10,000). */
const seen = new Set();
function remember(id) {
  seen.add(id);
  if (seen.size > 10_000) seen.delete(seen.values().next().value);
}

async function handle(event) {
  if (event.type !== "message.created") return;
  const m = event.data?.message ?? event.data;
  if (m?.sender?.type !== "visitor" || m.type !== "text") return; // never answer ourselves
  const body = replyTo(m.body);
  if (!body) return;
  const res = await fetch(`${HOLDFAST_URL}/api/conversations/${encodeURIComponent(m.conversationId)}/messages`, {
    method: "POST",
    headers: { authorization: `Bearer ${API_KEY}`, "content-type": "application/json" },
    body: JSON.stringify({ clientMsgId: `bot-${event.id}`.slice(0, 64), type: "text", body }),
  });
  // 409: the conversation was resolved meanwhile, nothing to answer; other errors: retry.
  if (!res.ok && res.status !== 409) throw new Error(`reply refused: ${res.status} ${await res.text()}`);
  console.log(`answered ${m.conversationId} (seq ${m.seq})`);
}

createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", async () => {
    const raw = Buffer.concat(chunks);
    if (req.method !== "POST" || !signed(raw, req.headers["x-holdfast-signature"])) return void res.writeHead(401).end();
    let event;
    try {
      event = JSON.parse(raw.toString("utf8"));
    } catch {
      return void res.writeHead(400).end();
    }
    if (seen.has(event.id)) return void res.writeHead(200).end("duplicate");
    try {
      await handle(event);
      remember(event.id);
      res.writeHead(200).end("ok");
    } catch (err) {
      console.error(err.message);
      res.writeHead(503).end(); // not remembered: Holdfast delivers it again later
    }
  });
}).listen(PORT, () => console.log(`bot listening on http://localhost:${PORT}/`));
