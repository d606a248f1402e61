// Messaging use cases: send, sync, read receipts, typing. Handlers call these after
// validation; everything here is authorised against the actor and the database.
import type { Conversation, Message, Presence } from "../events.js";
import { AppError, forbidden, notFound, validation } from "../lib/errors.js";
import type { Logger } from "../lib/logger.js";
import type { PresenceStore } from "../presence/presence.types.js";
import type { ContentFilter } from "../moderation/content-filter.js";
import type { ConversationRow, ConversationsRepository } from "./conversations.repository.js";
import { convRoom, type Delivery } from "./delivery.js";
import type { MessageWriter } from "./message-writer.js";
import type { MessagesRepository } from "./messages.repository.js";
import type { SendRequest } from "./seq.js";

export interface Actor {
  type: "visitor" | "agent";
  id: string;
  name: string;
  role?: "admin" | "agent";
  socketId?: string;
  rooms?: Set<string>;
}

export function toConversation(r: ConversationRow, presence: Presence): Conversation {
  return {
    id: r.id,
    status: r.status as Conversation["status"],
    visitor: { id: r.visitor_id, name: r.visitor_name ?? "Visitor", presence },
    agent: r.agent_id ? { id: r.agent_id, name: r.agent_name ?? "Agent" } : null,
    lastSeq: Number(r.last_seq),
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}

export interface ConversationsDeps {
  conversations: ConversationsRepository;
  messages: MessagesRepository;
  writer: MessageWriter;
  delivery: Delivery;
  presence: PresenceStore;
  filter: ContentFilter;
  log: Logger;
  /** Called after the first message of a new conversation is stored. */
  onCreated: (conversationId: string) => Promise<void>;
}

export function createConversationsService(d: ConversationsDeps) {
  async function view(r: ConversationRow): Promise<Conversation> {
    return toConversation(r, await d.presence.presence({ type: "visitor", id: r.visitor_id }));
  }
  async function views(rows: ConversationRow[]): Promise<Conversation[]> {
    const ps = await d.presence.presenceMany(rows.map((r) => ({ type: "visitor" as const, id: r.visitor_id })));
    return rows.map((r, i) => toConversation(r, ps[i]));
  }

  /** The conversation an actor may read; for a visitor without an id, the current one. */
  async function readable(actor: Actor, conversationId?: string): Promise<ConversationRow | null> {
    if (actor.type === "visitor") {
      if (!conversationId) return d.conversations.latestForVisitor(actor.id);
      const row = await d.conversations.byId(conversationId);
      if (!row || row.visitor_id !== actor.id) throw notFound("conversation not found");
      return row;
    }
    if (!conversationId) throw validation("conversationId: required for agents");
    const row = await d.conversations.byId(conversationId);
    if (!row) throw notFound("conversation not found");
    const mayRead = actor.role === "admin" || row.agent_id === actor.id || row.status === "waiting";
    if (!mayRead) throw forbidden("not your conversation");
    return row;
  }

  async function visitorConversation(visitorId: string): Promise<string> {
    const { row, created } = await d.conversations.ensureActive(visitorId);
    if (created) {
      d.delivery.joinConversation("visitor", visitorId, row.id);
      d.delivery.conversationChanged(await view(row));
    }
    return row.id;
  }

  async function send(actor: Actor, p: { conversationId?: string; clientMsgId: string; type: SendRequest["type"]; body: string; attachmentId?: string }) {
    if (actor.type === "agent" && !p.conversationId) throw validation("conversationId: required for agents");
    const body = d.filter.apply(p.body);
    if (body === null) throw new AppError("CONTENT_BLOCKED", "the message contains words that are not allowed");
    let conversationId = p.conversationId ?? (await visitorConversation(actor.id));
    const req = (): SendRequest => ({
      conversationId,
      sender: { type: actor.type, id: actor.id, name: actor.name, admin: actor.role === "admin" },
      clientMsgId: p.clientMsgId,
      type: p.type,
      body,
      attachmentId: p.attachmentId,
    });
    let out = await d.writer.write(req());
    if (!out.ok && out.code === "STALE") {
      // The visitor's conversation was resolved meanwhile: this message opens a new one.
      conversationId = await visitorConversation(actor.id);
      out = await d.writer.write(req());
    }
    if (!out.ok) throw new AppError(out.code === "STALE" ? "CONFLICT" : (out.code as never), out.message);
    return { message: out.message, duplicate: out.duplicate };
  }

  /** After the ack: fan out, and start assignment for a brand-new conversation. */
  async function afterSend(m: Message, duplicate: boolean, exceptSocketId: string | null) {
    if (duplicate) return;
    // A new conversation is assigned first, so its agent is in the room when the
    // visitor's first message goes out.
    if (m.seq === 1 && m.sender.type === "visitor") await d.onCreated(m.conversationId).catch(() => {});
    d.delivery.deliver(m, exceptSocketId);
  }

  async function sync(actor: Actor, p: { conversationId?: string; afterSeq: number; limit?: number }) {
    const row = await readable(actor, p.conversationId);
    if (!row) return { messages: [] as Message[], lastSeq: 0, hasMore: false };
    const limit = p.limit ?? 100;
    const rows = await d.messages.messagesAfter(row.id, p.afterSeq, limit + 1);
    const hasMore = rows.length > limit;
    const messages = hasMore ? rows.slice(0, limit) : rows;
    const lastSeq = Math.max(Number(row.last_seq), messages.at(-1)?.seq ?? 0);
    // `live`: still waiting or open, so worth following (a resolved one takes no more messages).
    return { messages, lastSeq, hasMore, conversationId: row.id, live: row.status !== "resolved" };
  }

  async function read(actor: Actor, p: { conversationId?: string; upToSeq: number }) {
    const row = await readable(actor, p.conversationId);
    if (!row) throw notFound("no conversation");
    if (actor.type === "agent" && row.agent_id !== actor.id && actor.role !== "admin") throw forbidden("not your conversation");
    const seq = await d.conversations.markRead(row.id, actor.type, p.upToSeq);
    if (seq !== null) {
      d.delivery.toConversation(row.id, "receipt", { conversationId: row.id, reader: { type: actor.type, id: actor.id }, upToSeq: seq });
    }
    return {};
  }

  /** Typing is volatile and frequent: authorised by room membership, no database. */
  function typing(actor: Actor, p: { conversationId?: string; isTyping: boolean }) {
    const cid = p.conversationId ?? [...(actor.rooms ?? [])].find((r) => r.startsWith("conversation:"))?.slice(13);
    if (!cid) return {}; // a visitor with no conversation yet: nobody to tell
    if (!actor.rooms?.has(convRoom(cid))) throw notFound("conversation not found");
    d.delivery.toConversation(
      cid,
      "typing",
      { conversationId: cid, from: { type: actor.type, id: actor.id, name: actor.name }, isTyping: p.isTyping },
      { only: actor.type === "visitor" ? "agent" : "visitor", volatile: true },
    );
    return {};
  }

  return { send, afterSend, sync, read, typing, view, views, readable, visitorConversation };
}
export type ConversationsService = ReturnType<typeof createConversationsService>;
