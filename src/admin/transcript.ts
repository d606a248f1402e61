// A conversation as a document: the JSON and plain-text exports and the transcript page.
import type { Message, Note } from "../events.js";
import type { AdminRepository } from "./admin.repository.js";
import { notFound } from "../lib/errors.js";

export interface Transcript {
  conversation: {
    id: string;
    status: string;
    createdAt: string;
    resolvedAt: string | null;
    agent: { id: string; name: string } | null;
    /** The visitor's rating after resolve (src/csat), if they gave one. */
    csat: { rating: number; comment: string | null; at: string | null } | null;
  };
  visitor: { id: string; name: string | null; email: string | null; meta: unknown };
  messages: Message[];
  /** Private notes (src/notes): agents only, never in the visitor's copy or an email. */
  notes: Note[];
}
export type TranscriptNotes = { list(conversationId: string): Promise<Note[]> };

/** Messages and notes in time order (a message first at the same moment). */
export type TimelineItem = { kind: "message"; m: Message } | { kind: "note"; n: Note };
export function timeline(t: Pick<Transcript, "messages" | "notes">): TimelineItem[] {
  const out: TimelineItem[] = [];
  let j = 0;
  for (const m of t.messages) {
    while (j < t.notes.length && t.notes[j]!.createdAt < m.createdAt) out.push({ kind: "note", n: t.notes[j++]! });
    out.push({ kind: "message", m });
  }
  for (; j < t.notes.length; j++) out.push({ kind: "note", n: t.notes[j]! });
  return out;
}

export async function loadTranscript(repo: AdminRepository, notes: TranscriptNotes, id: string): Promise<Transcript> {
  const c = await repo.conversation(id);
  if (!c) throw notFound("conversation not found");
  return {
    conversation: {
      id: c.id,
      status: c.status,
      createdAt: c.createdAt.toISOString(),
      resolvedAt: c.resolvedAt?.toISOString() ?? null,
      agent: c.agent ? { id: c.agent.id, name: c.agent.name } : null,
      csat: c.csatRating === null ? null : { rating: c.csatRating, comment: c.csatComment, at: c.csatAt?.toISOString() ?? null },
    },
    visitor: { id: c.visitor.id, name: c.visitor.name, email: c.visitor.email, meta: c.visitor.meta },
    messages: await repo.messages(id),
    notes: await notes.list(id),
  };
}

const who = (m: Message) => (m.sender.type === "system" ? "—" : `${m.sender.name} (${m.sender.type})`);

/** One line per message; attachments as their name and URL; continuation lines indented. */
export function transcriptText(t: Transcript, origin: string): string {
  const head = [
    `Conversation ${t.conversation.id} (${t.conversation.status})`,
    `Visitor: ${t.visitor.name ?? "Visitor"}${t.visitor.email ? ` <${t.visitor.email}>` : ""}`,
    `Started: ${t.conversation.createdAt}`,
    ...(t.conversation.csat ? [`Rating: ${t.conversation.csat.rating}/5${t.conversation.csat.comment ? ` "${t.conversation.csat.comment.replace(/\r?\n/g, " ")}"` : ""}`] : []),
    "",
  ];
  const indent = (body: string) => body.replace(/\r?\n/g, "\n    ");
  const lines = timeline(t).map((item) => {
    if (item.kind === "note") return `[${item.n.createdAt}] (internal note) ${item.n.author.name}: ${indent(item.n.body)}`;
    const m = item.m;
    const att = m.attachment ? ` [${m.attachment.name}: ${origin}${m.attachment.url}]` : "";
    return `[${m.createdAt}] #${m.seq} ${who(m)}: ${indent(m.body)}${att}`;
  });
  return [...head, ...lines, ""].join("\n");
}

/** A file name that is safe in a Content-Disposition header. */
export const exportName = (t: Transcript, ext: string) => `conversation-${t.conversation.id.replace(/[^\w-]/g, "")}.${ext}`;
