// The shared client runtime (backoff, status, outbox, sync on reconnect, heartbeat)
// with the one thing an agent needs that a visitor does not: long histories loaded a
// window at a time. A conversation first seen with nothing held starts at its latest
// WINDOW messages; older ones come with loadOlder() as the agent scrolls up.
import type { Conversation, Label, Note } from "../../events.js";
import { emitAck } from "../runtime/request.js";
import { Runtime, type RuntimeOptions } from "../runtime/runtime.js";
import type { ConversationLog } from "../runtime/timeline.js";

export const WINDOW = 50;

const oldestOf = (log: ConversationLog | undefined): number | null => log?.messages()[0]?.seq ?? null;

/** Catching up never fetches more than WINDOW messages behind the newest one when
 * nothing older is held: what lies before is "history", not a gap. A log that holds
 * older messages is caught up in full, so what the agent has seen never gets a hole. */
function skipHistory(log: ConversationLog): void {
  const top = Math.max(log.maxSeq, log.info?.lastSeq ?? 0);
  const base = top - WINDOW;
  const oldest = oldestOf(log) ?? Infinity;
  if (base > log.contiguous && oldest > base) log.contiguous = base;
}

export class ConsoleRuntime extends Runtime {
  constructor(opts: RuntimeOptions) {
    super({ ...opts, beforeSync: skipHistory });
  }

  oldestSeq(conversationId: string): number | null {
    return oldestOf(this.timeline.get(conversationId));
  }

  /** Makes sure the latest messages of a conversation are held (opening it). */
  open(conversationId: string): Promise<void> {
    return this.inbox.sync(this.timeline.ensure(conversationId));
  }

  /** The WINDOW messages before the oldest held. Resolves whether even older ones exist. */
  async loadOlder(conversationId: string): Promise<boolean> {
    const oldest = this.oldestSeq(conversationId);
    if (!oldest || oldest <= 1) return false;
    const afterSeq = Math.max(0, oldest - 1 - WINDOW);
    const res = await emitAck(this.conn.socket, "sync", { conversationId, afterSeq, limit: oldest - 1 - afterSeq });
    if (!res.ok) return true; // try again on the next scroll
    this.inbox.receive(res.messages, false);
    return afterSeq > 0;
  }

  /** Claim, transfer, resolve: the answer's conversation is applied at once (the
   * `conversation` event follows, for this agent's other tabs too). */
  async act(
    event: "conversation:claim" | "conversation:resolve" | "conversation:transfer",
    payload: { conversationId: string; toAgentId?: string },
  ): Promise<{ ok: true; conversation: Conversation } | { ok: false; code: string; message: string }> {
    const res = await emitAck(this.conn.socket, event as "conversation:transfer", payload as { conversationId: string; toAgentId: string });
    if (!res.ok) return { ok: false, code: res.error.code, message: res.error.message };
    this.upsertConversation(res.conversation);
    return { ok: true, conversation: res.conversation };
  }

  /** Snooze until a time (ISO) or, with null, the visitor's next message; or end it. */
  async snooze(conversationId: string, until: string | null | false): Promise<{ ok: true } | { ok: false; message: string }> {
    const res = until === false
      ? await emitAck(this.conn.socket, "conversation:unsnooze", { conversationId })
      : await emitAck(this.conn.socket, "conversation:snooze", { conversationId, until });
    if (!res.ok) return { ok: false, message: res.error.message };
    this.upsertConversation(res.conversation);
    return { ok: true };
  }

  /** Private notes (issue 13): a conversation's, oldest first; null when it failed. */
  async notes(conversationId: string): Promise<Note[] | null> {
    const res = await emitAck(this.conn.socket, "note:list", { conversationId });
    return res.ok ? res.notes : null;
  }
  async addNote(conversationId: string, body: string): Promise<{ ok: true; note: Note } | { ok: false; message: string }> {
    const res = await emitAck(this.conn.socket, "note:add", { conversationId, body });
    return res.ok ? { ok: true, note: res.note } : { ok: false, message: res.error.message };
  }
  /** Notes written by anyone (this agent's other tabs, colleagues, admins). */
  onNote(fn: (n: Note) => void): void {
    this.conn.socket.on("note", fn);
  }

  /** Labels (issue 13): the conversation's labels become exactly these; the answer's
   *  conversation is applied at once. */
  async setLabels(conversationId: string, labelIds: string[]): Promise<{ ok: true; labels: Label[] } | { ok: false; message: string }> {
    const res = await emitAck(this.conn.socket, "conversation:labels", { conversationId, labelIds });
    if (!res.ok) return { ok: false, message: res.error.message };
    this.upsertConversation(res.conversation);
    return { ok: true, labels: res.labels };
  }

  async setStatus(status: "online" | "away"): Promise<boolean> {
    return (await emitAck(this.conn.socket, "agent:status", { status })).ok;
  }
  async setTakesChats(takesChats: boolean): Promise<boolean> {
    return (await emitAck(this.conn.socket, "agent:takesChats", { takesChats })).ok;
  }
}
