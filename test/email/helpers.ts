// Shared by the email suites: a server with SMTP_URL pointing at a test receiver, and a
// visitor who left an email, wrote, and was answered by the online admin agent.
import { agentToken, api, call, connectVisitor, expectOk, until, type Participant, type VisitorSessionBody } from "../helpers/clients.js";
import { startServer, type DbKind, type Store, type TestServer } from "../helpers/server.js";
import type { Agent } from "../browser/browser.js";

/** Links in emails name this base (PUBLIC_URL); tests swap it for the server's address. */
export const LINK_BASE = "http://chat.example.test";
export const AFTER_MS = 700;

export function emailServer(smtpUrl: string, opts: { db?: DbKind; store?: Store; env?: Record<string, string> } = {}): Promise<TestServer> {
  return startServer({
    db: opts.db,
    store: opts.store,
    env: { SMTP_URL: smtpUrl, MAIL_FROM: "Acme Support <help@acme.test>", EMAIL_AFTER_MS: String(AFTER_MS), PUBLIC_URL: LINK_BASE, ...opts.env },
  });
}

export interface Chat {
  visitor: Participant;
  session: VisitorSessionBody;
  conversationId: string;
  email?: string;
}

let n = 0;
/** A visitor (with `email` if given) opens a conversation that the online agent gets. */
export async function openChat(base: string, agent: Agent, p: { name: string; email?: string; language?: string }): Promise<Chat> {
  const body = { name: p.name, ...(p.email ? { email: p.email } : {}), ...(p.language ? { meta: { language: p.language } } : {}) };
  const r = await api<VisitorSessionBody>(base, "POST", "/api/visitor/session", body);
  if (r.status !== 201) throw new Error(`session ${r.status} ${r.text}`);
  const visitor = await connectVisitor(base, r.body.token);
  const sent = expectOk(await call(visitor.socket, "message:send", { clientMsgId: `v-${Date.now()}-${n++}`, type: "text", body: `Hello from ${p.name}` }));
  const conversationId = sent.message.conversationId;
  await until(() => agent.conversations.get(conversationId)?.agent?.id === agent.ready.you.id, 10_000, "assigned to the agent");
  return { visitor, session: r.body, conversationId, email: p.email };
}

/** The link in a text part that starts with `path`, re-based on the server's address. */
export function linkIn(text: string, path: string, base: string): string {
  const m = new RegExp(`${LINK_BASE.replace(/[.]/g, "\\.")}${path}\\?t=[^\\s"<]+`).exec(text);
  if (!m) throw new Error(`no ${path} link in: ${text}`);
  return m[0].replace(LINK_BASE, base);
}

/** Room for many open conversations: the suites keep theirs open. */
export async function roomFor(base: string, agentId: string) {
  const { token } = await agentToken(base);
  const r = await api(base, "PATCH", `/api/agents/${agentId}`, { maxConcurrent: 100 }, token);
  if (r.status !== 200) throw new Error(`capacity ${r.status} ${r.text}`);
}
