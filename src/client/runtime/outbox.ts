// Messages the user wrote that the server has not acknowledged yet. Kept in
// localStorage on every change so a reload, a crash or a closed laptop loses nothing
// typed; each item keeps its clientMsgId for life, so a resend after a lost ack is
// answered with `duplicate: true` instead of creating a second message.
import type { Attachment, SendPayload } from "../../events.js";
import { store, uuid } from "./util.js";

export type OutState = "pending" | "failed";

export interface OutItem {
  clientMsgId: string;
  conversationId?: string;
  type: SendPayload["type"];
  body: string;
  attachmentId?: string;
  /** Kept so a pending image or file still shows its preview after a reload. */
  attachment?: Attachment;
  createdAt: string;
  attempts: number;
  state: OutState;
  error?: string;
}

export type NewItem = Pick<OutItem, "type" | "body" | "conversationId" | "attachmentId" | "attachment">;

export class Outbox {
  private list: OutItem[] = [];

  /** `changed` hears of changes made by another tab (the UI re-renders). */
  constructor(
    private readonly key: string,
    changed: () => void = () => {},
  ) {
    this.load();
    // Two tabs of the same visitor (or agent) share one outbox: each change below re-reads
    // it first, so neither overwrites what the other queued (both may send an item; the
    // clientMsgId makes the second a harmless duplicate).
    window.addEventListener("storage", (e) => e.key === key && (this.load(), changed()));
  }

  items(): readonly OutItem[] {
    return this.list;
  }

  add(n: NewItem): OutItem {
    const item: OutItem = { ...n, clientMsgId: uuid(), createdAt: new Date().toISOString(), attempts: 0, state: "pending" };
    this.change((list) => [...list, item]);
    return item;
  }

  get(clientMsgId: string): OutItem | undefined {
    return this.list.find((i) => i.clientMsgId === clientMsgId);
  }

  update(clientMsgId: string, patch: Partial<OutItem>): void {
    this.change((list) => list.map((i) => (i.clientMsgId === clientMsgId ? { ...i, ...patch } : i)), clientMsgId);
  }

  /** Returns whether it was there. */
  remove(clientMsgId: string): boolean {
    return this.change((list) => list.filter((i) => i.clientMsgId !== clientMsgId), clientMsgId);
  }

  /** The oldest item still to send: sending in order keeps the conversation in order. */
  nextPending(): OutItem | undefined {
    return this.list.find((i) => i.state === "pending");
  }

  private load(): void {
    const saved = store.get<OutItem[]>(this.key);
    this.list = Array.isArray(saved) ? saved.filter((i) => i && typeof i.clientMsgId === "string") : [];
  }

  /** Applies fn to what is stored now; with `only`, not at all unless that item is there. */
  private change(fn: (list: OutItem[]) => OutItem[], only?: string): boolean {
    this.load();
    if (only && !this.get(only)) return false;
    this.list = fn(this.list);
    if (this.list.length) store.set(this.key, this.list);
    else store.remove(this.key);
    return true;
  }
}
