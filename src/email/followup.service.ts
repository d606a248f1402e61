// The two sweeps that decide an email is due, run by every node on a timer (outbox.worker):
// visitor follow-ups (agent messages unread for EMAIL_AFTER_MS) and the notice to opted-in
// agents that a conversation waits with nobody online. Each turns its claims into outbox
// rows in the same transaction; nothing here touches SMTP or the chat path.
import type { Database } from "../lib/db.js";
import type { Logger } from "../lib/logger.js";
import type { EmailLinks } from "./email-links.js";
import { emailLang } from "./email.rules.js";
import { claimDueFollowups, claimWaitingNotices, optedInAgents, type FollowupMessage } from "./followup.repository.js";
import { enqueueEmails } from "./outbox.repository.js";
import { renderFollowup, renderWaiting } from "./templates.js";

/** Conversations (or waiting notices) handled per sweep; the rest wait for the next one. */
const PER_SWEEP = 50;

export interface FollowupDeps {
  db: Database;
  links: EmailLinks;
  /** PUBLIC_URL, or this node's own address when it is unset. */
  baseUrl: string;
  brand: string;
  afterMs: number;
  availableAgents: () => Promise<string[]>;
  log: Logger;
}

export function createFollowupService(d: FollowupDeps) {
  return {
    /** Emails due follow-ups; answers how many emails were queued. */
    sweepFollowups: () =>
      d.db.transaction(async (q) => {
        const rows = await claimDueFollowups(q, d.afterMs, PER_SWEEP);
        const byConversation = new Map<string, FollowupMessage[]>();
        for (const r of rows) byConversation.set(r.conversation_id, [...(byConversation.get(r.conversation_id) ?? []), r]);
        const mails = [...byConversation.values()].map((msgs) => {
          const v = msgs[0];
          return renderFollowup({
            lang: emailLang(v.language), timezone: v.timezone, brand: d.brand, to: v.email, visitorName: v.visitor_name,
            resumeUrl: d.links.resumeUrl(d.baseUrl, v.visitor_id), unsubscribeUrl: d.links.unsubscribeUrl(d.baseUrl, v.visitor_id),
            oneClickUrl: d.links.oneClickUrl(d.baseUrl, v.visitor_id),
            messages: msgs.map((m) => ({ sender: m.sender_name, type: m.type, body: m.body, createdAt: new Date(m.created_at) })),
          });
        });
        await enqueueEmails(q, "visitor_followup", mails);
        return mails.length;
      }),

    /** With nobody online, tells opted-in agents about conversations that wait. An agent
     *  online (or presence not answering) means no email: the queue is being worked. */
    async sweepWaiting(): Promise<number> {
      const online = await d.availableAgents().catch(() => null);
      if (online === null || online.length) return 0;
      return d.db.transaction(async (q) => {
        const agents = await optedInAgents(q);
        if (!agents.length) return 0; // leave them unmarked: someone may opt in later today
        const waiting = await claimWaitingNotices(q, PER_SWEEP);
        const mails = waiting.flatMap((c) =>
          agents.map((a) => renderWaiting({
            brand: d.brand, to: a.email, agentName: a.name, visitor: c.visitor_name || c.visitor_email || "A visitor",
            firstMessage: c.first_message, consoleUrl: `${d.baseUrl}/agent`,
          })));
        await enqueueEmails(q, "agent_waiting", mails);
        return mails.length;
      });
    },
  };
}
export type FollowupService = ReturnType<typeof createFollowupService>;
