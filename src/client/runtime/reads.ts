// Read positions: how far this user has read each conversation. Kept in storage (the
// UIs' unread counts survive a reload), moved up when the UI says the user saw the
// conversation or when a receipt says they read it on another device, and reported to
// the server as `message:read` once the link is ready; a report that fails goes again
// with the next one.
import { emitAck } from "./request.js";
import type { Link } from "./socket.js";
import type { Timeline } from "./timeline.js";
import { store } from "./util.js";

export class ReadPositions {
  private pos: Record<string, number>;
  /** The highest seq reported per conversation, so each is sent once. */
  private sent = new Map<string, number>();

  /** `changed` runs when a position moved (unread counts change). */
  constructor(
    private readonly link: Link,
    private readonly timeline: Timeline,
    private readonly key: string,
    private readonly changed: () => void,
  ) {
    this.pos = store.get<Record<string, number>>(key) ?? {};
  }

  position(conversationId: string): number {
    return this.pos[conversationId] ?? 0;
  }

  set(conversationId: string, seq: number): void {
    if (seq <= this.position(conversationId)) return;
    this.pos[conversationId] = seq;
    store.set(this.key, this.pos);
    this.changed();
  }

  /** The user has seen everything held of this conversation. */
  markRead(conversationId: string): void {
    const log = this.timeline.get(conversationId);
    if (!log || !log.contiguous) return;
    this.set(conversationId, log.contiguous);
    this.send();
  }

  /** Reports every position the server has not been told yet (only when the link is ready). */
  send(): void {
    if (!this.link.ready) return;
    for (const [cid, seq] of Object.entries(this.pos)) {
      if (!this.timeline.get(cid) || (this.sent.get(cid) ?? 0) >= seq) continue;
      this.sent.set(cid, seq);
      void emitAck(this.link.socket, "message:read", { conversationId: cid, upToSeq: seq }).then((r) => {
        if (!r.ok && this.sent.get(cid) === seq) this.sent.delete(cid); // try again next time
      });
    }
  }
}
