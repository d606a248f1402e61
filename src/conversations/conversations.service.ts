// Messaging use cases: send, sync, read receipts, typing, and what a participant gets
// on connect. Handlers call these after validation; everything here is authorised
// against the actor and the database, and announced through the realtime module.
import { agentMayRead } from "./access.rules.js";
import { actsOnAll, type Actor } from "../accounts/actor.js";
import type { AssignmentService } from "../assignment/assignment.service.js";
import type { Message } from "../events.js";
import { AppError, forbidden, notFound, validation } from "../lib/errors.js";
import { isUnavailable } from "../lib/unavailable.js";
import type { ContentFilter } from "../moderation/content-filter.js";
import type { PresenceStore } from "../presence/presence.types.js";
import type { Realtime } from "../realtime/realtime.js";
import type { ConversationViews } from "./conversation.views.js";
import type { ConversationRow, ConversationsRepository } from "./conversations.repository.js";
import type { MessageWriter } from "./message-writer.js";
import type { MessagesRepository } from "./messages.repository.js";
import { MissingConversation, StaleConversation, type SendRequest } from "./seq.js";
import { createVisitorConversations } from "./visitor-conversations.js";

export interface ConversationsDeps {
  conversations: ConversationsRepository;
  messages: MessagesRepository;
  writer: MessageWriter;
  realtime: Pick<Realtime, "deliver" | "receipt" | "typing" | "conversationChanged" | "joinConversation">;
  views: ConversationViews;
  presence: Pick<PresenceStore, "presence">;
  filter: ContentFilter;
  /** Whether an agent serves this visitor now (an open conversation of theirs, or a waiting
   *  one): then the visitor's earlier conversations are theirs to read (the panel's history). */
  servesVisitor?: (agentId: string, visitorId: string) => Promise<boolean>;
  /** Whether an agent took part in a conversation (assigned, or wrote in it): a resolved
   *  one is then theirs to read (the console search opens it). */
  tookPart?: (agentId: string, conversationId: string) => Promise<boolean>;
  /** A visitor's first message is stored: assign it (assignment does not call back). */
  assignment: Pick<AssignmentService, "conversationCreated">;
  /** A visitor's message ended its conversation's snooze: tell the agents (src/lifecycle). */
  woken?: (conversationId: string) => Promise<void>;
}

export function createConversationsService(d: ConversationsDeps) {
  /** The conversation an actor may read; for a visitor without an id, the current one. */
  async function readable(actor: Actor, conversationId?: string, history = false): Promise<ConversationRow | null> {
    if (actor.type === "visitor") {
      if (!conversationId) return d.conversations.latestForVisitor(actor.id);
      const row = await d.conversations.byId(conversationId);
      if (!row || row.visitor_id !== actor.id) throw notFound("conversation not found");
      return row;
    }
    if (!conversationId) throw validation("conversationId: required for agents");
    const row = await d.conversations.byId(conversationId);
    if (!row) throw notFound("conversation not found");
    const mayRead = agentMayRead(actor, row)
      // `sync` only: a resolved conversation of the visitor the agent is helping now.
      || (history && row.status === "resolved" && (!!(await d.tookPart?.(actor.id, row.id)) || !!(await d.servesVisitor?.(actor.id, row.visitor_id))));
    if (!mayRead) throw forbidden("not your conversation");
    return row;
  }

  const visitorConversations = createVisitorConversations({
    ensureActive: (visitorId) => d.conversations.ensureActive(visitorId),
    async opened(row) {
      d.realtime.joinConversation("visitor", row.visitor_id, row.id);
      d.realtime.conversationChanged(await d.views.view(row));
    },
  });

  async function send(actor: Actor, p: { conversationId?: string; clientMsgId: string; type: SendRequest["type"]; body: string; attachmentId?: string }) {
    if (actor.type === "agent" && !p.conversationId) throw validation("conversationId: required for agents");
    const body = d.filter.apply(p.body);
    if (body === null) throw new AppError("CONTENT_BLOCKED", "the message contains words that are not allowed");
    let conversationId = p.conversationId ?? (await visitorConversations.current(actor.id));
    const req = (): SendRequest => ({
      conversationId,
      sender: { type: actor.type, id: actor.id, name: actor.name, admin: actsOnAll(actor) },
      clientMsgId: p.clientMsgId,
      type: p.type,
      body,
      attachmentId: p.attachmentId,
    });
    const out = await d.writer.write(req()).catch(async (err: unknown) => {
      // The conversation this visitor's send went to was resolved meanwhile (this message
      // opens a new one), or, remembered, is gone: ask again, once.
      const remembered = !p.conversationId && err instanceof MissingConversation;
      if (!(err instanceof StaleConversation) && !remembered) throw err;
      visitorConversations.forget(actor.id, conversationId);
      conversationId = await visitorConversations.current(actor.id);
      return d.writer.write(req());
    });
    if (out.woke && d.woken) {
      const woken = d.woken;
      setImmediate(() => void woken(out.message.conversationId).catch(() => {})); // after the ack
    }
    return { message: out.message, duplicate: out.duplicate };
  }

  /** Conversations whose first message's assignment is running on this node: the
   *  messages sent meanwhile wait for it, so they too reach the agent it brings into the
   *  room (otherwise seq 2 could go out before the agent joined, and seq 1 after). */
  const assigning = new Map<string, Promise<void>>();

  /** After the ack: fan out, and start assignment for a brand-new conversation. */
  async function afterSend(m: Message, duplicate: boolean, exceptSocketId: string | null) {
    if (duplicate) return;
    // A new conversation is assigned first, so its agent is in the room when the
    // visitor's first message goes out.
    if (m.seq === 1 && m.sender.type === "visitor") {
      const assigned = d.assignment.conversationCreated(m.conversationId).then(() => {}, () => {});
      assigning.set(m.conversationId, assigned);
      await assigned;
      assigning.delete(m.conversationId);
    } else await assigning.get(m.conversationId);
    d.realtime.deliver(m, exceptSocketId);
  }

  async function sync(actor: Actor, p: { conversationId?: string; afterSeq: number; limit?: number }) {
    const row = await readable(actor, p.conversationId, true);
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
      d.realtime.receipt({ conversationId: row.id, reader: { type: actor.type, id: actor.id }, upToSeq: seq });
    }
    return {};
  }

  /** Typing is volatile: a visitor's is authorised by what its socket follows (only its
   *  own conversations); an agent's like message:send (seq.ts), by one read of the
   *  conversation, since an agent also follows waiting conversations it previewed. */
  async function typing(actor: Actor, following: string[], p: { conversationId?: string; isTyping: boolean }) {
    const cid = p.conversationId ?? following[0];
    if (!cid) return {}; // a visitor with no conversation yet: nobody to tell
    if (!following.includes(cid)) throw notFound("conversation not found");
    if (actor.type === "agent") {
      const row = await d.conversations.byId(cid);
      if (!row) throw notFound("conversation not found");
      if (row.agent_id !== actor.id && actor.role !== "admin") throw forbidden("not your conversation");
      if (row.status === "resolved") throw new AppError("CONFLICT", "conversation is resolved");
    }
    const from = { type: actor.type, id: actor.id, name: actor.name };
    d.realtime.typing({ conversationId: cid, from, isTyping: p.isTyping }, actor.type === "visitor" ? "agent" : "visitor");
    return {};
  }

  /** What `ready` carries (PROTOCOL.md): a visitor's active conversation, or an agent's
   *  assigned ones; for a visitor also where its agent stands now, since agent presence
   *  reaches visitors on changes only (online/away in the header, delivered ticks). */
  async function opening(actor: Actor, handshakeRow?: ConversationRow | null) {
    if (actor.type === "agent") {
      const rows = await d.conversations.forAgent(actor.id);
      return { conversations: await d.views.views(rows), agentPresence: null };
    }
    // `handshakeRow`: the visitor's conversation as its handshake read it (realtime/arrivals.ts).
    const row = handshakeRow !== undefined ? handshakeRow : await d.conversations.activeForVisitor(actor.id);
    if (!row) return { conversations: [], agentPresence: null };
    visitorConversations.remember(actor.id, row.id);
    const agent = row.agent_id ? { type: "agent" as const, id: row.agent_id } : null;
    // Unknown while the presence store is unreachable: say nothing rather than guess.
    const presence = agent && (await d.presence.presence(agent).catch((err: unknown) => {
      if (isUnavailable(err)) return null;
      throw err;
    }));
    const agentPresence = agent && presence ? { conversationId: row.id, participant: agent, presence } : null;
    return { conversations: [await d.views.visitorView(row)], agentPresence };
  }

  return {
    send, afterSend, sync, read, typing, opening,
    /** The conversation if the agent may read it (notes ask this, so the rule has one copy);
     *  `history`: also a resolved one of the visitor they serve now, as `sync` allows. */
    async agentReadable(actor: Actor, conversationId: string, history = false): Promise<ConversationRow> {
      if (actor.type !== "agent") throw forbidden("for agents only"); // a visitor's own conversation is not enough
      return (await readable(actor, conversationId, history))!;
    },
  };
}
export type ConversationsService = ReturnType<typeof createConversationsService>;
