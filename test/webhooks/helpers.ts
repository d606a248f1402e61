// Shared steps of the webhook suites: a server whose webhook timings are shrunk, a webhook
// added over the API, and a visitor's chat.
import { agentToken, api, call, connectVisitor, expectOk, visitorSession } from "../helpers/clients.js";

/** The contract's timings, shrunk: first retry after 200 ms, timeout 600 ms, quick polls. */
export const FAST_ENV = {
  WEBHOOK_RETRY_FIRST_MS: "200", WEBHOOK_RETRY_MAX_MS: "1000", WEBHOOK_TIMEOUT_MS: "600", WEBHOOK_POLL_MS: "100",
};

export const SECRET = "whsec-test-0123456789";

export async function addWebhook(base: string, url: string, events?: string[]) {
  const { token } = await agentToken(base);
  const r = await api<{ webhook: { id: string; url: string; events: string[] } }>(base, "POST", "/api/webhooks", { url, secret: SECRET, events }, token);
  if (r.status !== 201) throw new Error(`webhook: ${r.status} ${r.text}`);
  return r.body.webhook;
}

/** A visitor with a conversation, after `n` messages. */
export async function chat(base: string, n: number, tag = "m") {
  const s = await visitorSession(base);
  const visitor = await connectVisitor(base, s.token);
  let conversationId = "";
  for (let i = 0; i < n; i++) {
    const ack = expectOk(await call(visitor.socket, "message:send", { clientMsgId: `${tag}-${i}`, type: "text", body: `${tag} ${i}` }));
    conversationId = ack.message.conversationId;
  }
  return { visitor, conversationId };
}
