// Private notes in the console (issue 13): loaded when a conversation opens, kept live by
// the `note` event, written from the composer in note mode. Held per conversation, by id,
// so a note that arrives both as the ack and as the event is shown once.
import type { Note } from "../../events.js";
import type { ConsoleRuntime } from "./console-runtime.js";

export class ConsoleNotes {
  private readonly byConversation = new Map<string, Map<string, Note>>();
  private readonly listeners = new Set<(conversationId: string) => void>();

  constructor(private readonly rt: ConsoleRuntime) {
    rt.onNote((n) => this.put(n));
  }

  /** Oldest first. */
  of(conversationId: string): Note[] {
    return [...(this.byConversation.get(conversationId)?.values() ?? [])].sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
  }

  async load(conversationId: string): Promise<void> {
    const notes = await this.rt.notes(conversationId);
    if (!notes) return; // offline or refused: the next open tries again
    for (const n of notes) this.hold(n);
    this.changed(conversationId);
  }

  async add(conversationId: string, body: string): Promise<string | null> {
    const res = await this.rt.addNote(conversationId, body);
    if (!res.ok) return res.message;
    this.put(res.note);
    return null;
  }

  onChange(fn: (conversationId: string) => void): void {
    this.listeners.add(fn);
  }

  private hold(n: Note): boolean {
    let m = this.byConversation.get(n.conversationId);
    if (!m) this.byConversation.set(n.conversationId, (m = new Map()));
    if (m.has(n.id)) return false;
    m.set(n.id, n);
    return true;
  }
  private put(n: Note): void {
    if (this.hold(n)) this.changed(n.conversationId);
  }
  private changed(conversationId: string): void {
    for (const fn of this.listeners) fn(conversationId);
  }
}
