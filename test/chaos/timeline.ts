// What a chaos device holds, kept as the product's client keeps it: every message by id
// (when and how it came, on which node), and per conversation the seqs held without a
// gap. A gap still open at the next check (it may close by itself: an own ack, a message
// still on its way) is filled with `sync`, page by page, as after a reconnect.
import type { Message } from "../../src/events.js";
import type { Device, Held } from "./devices.js";

type Page = { messages: Message[]; hasMore: boolean };

export function createTimeline(d: Device, fetchAfter: (cid: string, afterSeq: number) => Promise<Page | null>) {
  // Per conversation: every seq up to `upTo` is held; `above` holds later ones (a gap).
  const seqs = new Map<string, { upTo: number; above: Set<number>; gapSeen: boolean; syncing: boolean }>();
  const track = (cid: string) => {
    d.conversations.add(cid);
    let t = seqs.get(cid);
    if (!t) seqs.set(cid, (t = { upTo: 0, above: new Set(), gapSeen: false, syncing: false }));
    return t;
  };

  function hold(m: Message, via: Held["via"]) {
    if (!d.held.has(m.id)) d.held.set(m.id, { m, at: Date.now(), via, node: d.node });
    const t = track(m.conversationId);
    if (m.seq > t.upTo) t.above.add(m.seq);
    while (t.above.delete(t.upTo + 1)) t.upTo++;
  }

  async function sync(cid: string) {
    const t = track(cid);
    if (t.syncing) return;
    t.syncing = true;
    try {
      for (;;) {
        const page = await fetchAfter(cid, t.upTo);
        if (!page) return;
        for (const m of page.messages) hold(m, "sync");
        if (!page.hasMore || !page.messages.length) return;
      }
    } catch {
      // no answer in time: the next gap check or reconnect tries again
    } finally {
      t.syncing = false;
      t.gapSeen = false;
    }
  }

  const gaps = setInterval(() => {
    for (const [cid, t] of seqs) {
      if (!t.above.size) continue;
      if (t.gapSeen) void sync(cid);
      else t.gapSeen = true;
    }
  }, 1000);

  return { track, hold, sync, stop: () => clearInterval(gaps) };
}
