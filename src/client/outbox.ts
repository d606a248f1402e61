// Messages the user wrote that the server has not acknowledged yet. Kept in
// localStorage on every change so a reload, a crash or a closed laptop loses nothing
// typed; each item keeps its clientMsgId for life, so a resend after a lost ack is
// answered with `duplicate: true` instead of creating a second message.
import type { Attachment, SendPayload } from "../events.js";
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
  private list: OutItem[];

  constructor(private readonly key: string) {
    const saved = store.get<OutItem[]>(key);
    this.list = Array.isArray(saved) ? saved.filter((i) => i && typeof i.clientMsgId === "string") : [];
  }

  items(): readonly OutItem[] {
    return this.list;
  }

  add(n: NewItem): OutItem {
    const item: OutItem = { ...n, clientMsgId: uuid(), createdAt: new Date().toISOString(), attempts: 0, state: "pending" };
    this.list.push(item);
    this.save();
    return item;
  }

  get(clientMsgId: string): OutItem | undefined {
    return this.list.find((i) => i.clientMsgId === clientMsgId);
  }

  update(clientMsgId: string, patch: Partial<OutItem>): void {
    const item = this.get(clientMsgId);
    if (!item) return;
    Object.assign(item, patch);
    this.save();
  }

  remove(clientMsgId: string): boolean {
    const before = this.list.length;
    this.list = this.list.filter((i) => i.clientMsgId !== clientMsgId);
    if (this.list.length === before) return false;
    this.save();
    return true;
  }

  /** The oldest item still to send: sending in order keeps the conversation in order. */
  nextPending(): OutItem | undefined {
    return this.list.find((i) => i.state === "pending");
  }

  private save(): void {
    if (this.list.length) store.set(this.key, this.list);
    else store.remove(this.key);
  }
}
