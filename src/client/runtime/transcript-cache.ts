// The latest messages of the current conversation, kept in storage so that a reload
// while the server is unreachable still shows the conversation instead of an empty
// page with a few pending messages. Only a cache: the server's `sync` stays the truth,
// and messages restored here are deduplicated against it by id like any other.
import type { Conversation, Message, ReadyPayload } from "../../events.js";
import type { Timeline } from "./timeline.js";
import { store } from "./util.js";

const KEEP = 100;

interface Saved {
  id: string;
  me: ReadyPayload["you"] | null;
  info: Conversation | null;
  messages: Message[];
}

export interface CacheHost {
  readonly timeline: Timeline;
  me: ReadyPayload["you"] | null;
  on(event: "change", fn: () => void): () => void;
}

export function cacheTranscript(host: CacheHost, key: string): void {
  const saved = store.get<Saved>(key);
  if (saved?.id && Array.isArray(saved.messages)) {
    // Who "me" was, so the restored rows show on the right side before `ready`.
    host.me = saved.me ?? null;
    const log = saved.info ? host.timeline.setInfo(saved.info) : host.timeline.ensure(saved.id);
    for (const m of saved.messages) {
      if (!m || typeof m.seq !== "number" || typeof m.id !== "string") continue;
      // Attachment links expire: from the first one that is about to, `sync` fetches the
      // rest again (with fresh links) instead of the cache showing broken images.
      if (m.attachment && linkExpiresSoon(m.attachment.url)) break;
      log.add(m);
    }
  }
  // Throttled, not debounced: a busy conversation must still get saved.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const save = () => {
    clearTimeout(timer);
    timer = undefined;
    const log = host.timeline.current();
    if (log) store.set(key, { id: log.id, me: host.me, info: log.info ?? null, messages: log.messages().slice(-KEEP) } satisfies Saved);
  };
  host.on("change", () => void (timer ??= setTimeout(save, 250)));
  window.addEventListener("pagehide", () => timer && save());
}

/** A signed upload link (`?exp=` in seconds) that ends within a day, or cannot be read. */
function linkExpiresSoon(url: string): boolean {
  try {
    const exp = Number(new URL(url, location.href).searchParams.get("exp"));
    return !(exp * 1000 > Date.now() + 24 * 3600_000);
  } catch {
    return true;
  }
}

export function forgetTranscript(key: string): void {
  store.remove(key);
}
