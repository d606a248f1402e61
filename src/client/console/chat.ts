// The conversation view: the transcript (text only ever through textContent), earlier
// history as the agent scrolls up, read receipts while the conversation is on screen,
// the visitor's typing indicator, and private notes in time order among the messages.
import type { Message, Note } from "../../events.js";
import { el, formatBytes, linkify } from "../ui/dom.js";
import { UNSENDABLE, type Entry } from "../runtime/runtime.js";
import { clock } from "./format.js";
import type { ConsoleNotes } from "./notes.js";
import type { ConsoleState } from "./state.js";
import { t, type ClientKey } from "./i18n.js";

const STATE_TEXT: Record<string, ClientKey> = { pending: "js.state.pending", sent: "js.state.sent", delivered: "js.state.delivered", read: "js.state.read", failed: "js.state.failed" };
const FAILED_TEXT: Record<string, ClientKey> = { TOO_LONG: "js.fail.tooLong", VALIDATION: "js.fail.rejected" };
const NEAR_TOP_PX = 80;
const NEAR_BOTTOM_PX = 48;

/** Only our own upload URLs (signed links) are put into src/href. */
const safeUpload = (url: string) => (/^\/uploads\/[0-9a-f-]{36}(\?exp=\d+&sig=[\w-]+)?$/.test(url) ? url : null);

function attachmentNode(m: Pick<Message, "attachment" | "type">): Node | null {
  const a = m.attachment;
  const url = a && safeUpload(a.url);
  if (!a || !url) return null;
  if (m.type === "image" && a.mime.startsWith("image/")) {
    return el("a", { href: url, target: "_blank", rel: "noopener", class: "att-img" }, el("img", { src: url, alt: a.name, loading: "lazy" }));
  }
  return el("a", { href: url, download: a.name, class: "att-file" }, el("span", { text: a.name }), el("span", { class: "muted", text: ` · ${formatBytes(a.size)}` }));
}

export function mountChat(state: ConsoleState, notes: ConsoleNotes): void {
  const { rt } = state;
  const scroll = document.getElementById("scroll")!;
  const log = document.getElementById("log") as HTMLOListElement;
  const older = document.getElementById("older")!;
  const typing = document.getElementById("typing")!;
  const rows = new Map<string, { li: HTMLLIElement; sig: string }>();
  let current: string | null = null;
  let loadingOlder = false;
  let noMoreOlder = false;
  let typingTimer: ReturnType<typeof setTimeout> | undefined;

  function row(e: Entry, prev: Entry | undefined): HTMLLIElement {
    const m = e.message;
    const kind = m ? m.sender.type : "agent";
    if (m?.type === "system") return el("li", { class: "msg msg--system" }, el("span", { text: m.body }));
    const sender = m ? m.sender : { id: state.me.id, name: state.me.name, type: "agent" as const };
    const own = sender.type === "agent" && sender.id === state.me.id;
    const sameAsPrev = !!prev?.message && prev.message.sender.id === sender.id && prev.message.type !== "system";
    const body = m ? m.body : (e.item?.body ?? "");
    const att = m ? attachmentNode(m) : e.item?.attachment ? attachmentNode({ attachment: e.item.attachment, type: e.item.type as Message["type"] }) : null;
    const showBody = body && !(att && body === (m?.attachment ?? e.item?.attachment)?.name);
    const li = el(
      "li",
      { class: `msg msg--${kind}${own ? " msg--own" : ""}${sameAsPrev ? " msg--cont" : ""}`, "data-state": e.state ?? undefined, "data-seq": m ? String(m.seq) : undefined },
      sameAsPrev ? null : el("span", { class: "msg__who", text: own ? t("js.you") : sender.name }),
      el("div", { class: "msg__bubble" }, showBody ? el("span", { class: "msg__text" }, linkify(body)) : null, att),
      // The content filter hid words of what this agent sent: the bubble shows what was stored.
      e.masked ? el("span", { class: "msg__masked", text: t("js.wordsHidden") }) : null,
      el("span", { class: "msg__meta" }, el("time", { text: clock(m ? m.createdAt : (e.item?.createdAt ?? "")) }), own && e.state ? ` · ${t(STATE_TEXT[e.state])}` : ""),
    );
    if (e.state === "failed" && e.item) {
      const id = e.item.clientMsgId;
      const error = e.item.error ?? "error";
      const retry = el("button", { type: "button", class: "linkbtn", text: t("js.retry") });
      const drop = el("button", { type: "button", class: "linkbtn", text: t("js.discard") });
      retry.addEventListener("click", () => rt.retry(id));
      drop.addEventListener("click", () => rt.discard(id));
      // A message the server can never take gets its reason and no retry.
      const reason = FAILED_TEXT[error] ? t(FAILED_TEXT[error]) : t("js.fail.other", { error });
      li.append(el("span", { class: "msg__failed" }, `${reason} `, ...(UNSENDABLE.has(error) ? [] : [retry, " "]), drop));
    }
    return li;
  }

  function noteRow(n: Note): HTMLLIElement {
    const who = n.author.id === state.me.id ? t("js.you") : n.author.name;
    return el(
      "li",
      { class: "msg msg--note", "data-note": n.id },
      el("span", { class: "msg__who" }, el("span", { class: "msg__tag", text: t("js.internalNote") }), ` · ${who}`),
      el("div", { class: "msg__bubble" }, el("span", { class: "msg__text" }, linkify(n.body))),
      el("span", { class: "msg__meta" }, el("time", { text: clock(n.createdAt) })),
    );
  }

  /** Several messages not sent (a conversation that came back, a refusal that is over):
   *  one button sends them all again, in order. */
  function retryAllRow(ids: string[]): HTMLLIElement {
    const button = el("button", { type: "button", class: "btn btn--sm", id: "retry-all", text: t("js.retryAll", { n: ids.length }) });
    button.addEventListener("click", () => ids.forEach((id) => rt.retry(id)));
    return el("li", { class: "msg msg--retryall" }, el("span", { class: "muted small", text: t("js.notSentN", { n: ids.length }) }), button);
  }

  /** Scrolls to the newest message; while the transcript is not laid out (the empty state
   *  hides it until the header's render), on a next frame, when it is: a scrollTop set on a
   *  hidden element is lost, and its 0 would read as "scrolled to the top" (an older
   *  window loaded for nothing). Until then the view counts as at the bottom. */
  let bottomPending = false;
  function toBottom(frames = 10): void {
    if (scroll.clientHeight || frames <= 0) {
      const waited = bottomPending;
      bottomPending = false;
      scroll.scrollTop = scroll.scrollHeight;
      if (waited) void maybeLoadOlder(); // a window that does not fill the view
      return;
    }
    bottomPending = true;
    requestAnimationFrame(() => toBottom(frames - 1));
  }

  function atBottom(): boolean {
    return bottomPending || scroll.scrollHeight - scroll.scrollTop - scroll.clientHeight < NEAR_BOTTOM_PX;
  }

  function render(): void {
    if (!current) return;
    const entries = rt.entries(current);
    const stick = atBottom();
    const fromBottom = scroll.scrollHeight - scroll.scrollTop;
    const firstBefore = log.firstElementChild;
    const seen = new Set<string>();
    const nodes: HTMLLIElement[] = [];
    const held = notes.of(current);
    let j = 0;
    const pushNote = (n: Note) => {
      const key = `note:${n.id}`;
      let r = rows.get(key);
      if (!r) rows.set(key, (r = { li: noteRow(n), sig: "note" }));
      seen.add(key);
      nodes.push(r.li);
    };
    entries.forEach((e, i) => {
      const at = e.message?.createdAt ?? e.item?.createdAt ?? "";
      while (j < held.length && at && held[j]!.createdAt < at) pushNote(held[j++]!);
      const prev = entries[i - 1];
      // Grouping depends on the previous row, so it is part of the signature.
      const sig = `${e.state}|${e.message?.id ?? ""}|${prev?.message?.sender.id ?? ""}|${e.item?.state ?? ""}|${e.masked ? 1 : 0}`;
      let r = rows.get(e.key);
      if (!r || r.sig !== sig) rows.set(e.key, (r = { li: row(e, prev), sig }));
      seen.add(e.key);
      nodes.push(r.li);
    });
    while (j < held.length) pushNote(held[j++]!);
    const failed = entries.filter((e) => e.state === "failed" && e.item && !UNSENDABLE.has(e.item.error ?? "")).map((e) => e.item!.clientMsgId);
    if (failed.length >= 2) nodes.push(retryAllRow(failed));
    for (const k of rows.keys()) if (!seen.has(k)) rows.delete(k);
    log.replaceChildren(...nodes);
    if (stick) toBottom();
    else if (firstBefore && log.firstElementChild !== firstBefore) scroll.scrollTop = scroll.scrollHeight - fromBottom; // older prepended
    markRead();
    maybeLoadOlder();
  }

  /** Read receipts only for what the agent can actually see: tab visible, at the bottom. */
  function markRead(): void {
    if (current && document.visibilityState === "visible" && atBottom()) {
      const c = state.info(current);
      if (c && (state.isMine(c) || state.me.role === "admin")) rt.markRead(current);
      else if (c) state.seen(current);
    }
  }

  async function maybeLoadOlder(): Promise<void> {
    if (!current || loadingOlder || noMoreOlder) return;
    const oldest = rt.oldestSeq(current);
    if (!oldest || oldest <= 1) return;
    // Not laid out yet (the empty state hides the transcript until the header's render):
    // its scrollTop of 0 would read as "scrolled to the top" and load a window too many.
    if (!scroll.clientHeight || bottomPending) return;
    // Scrolled near the top, or the window does not even fill the view.
    if (scroll.scrollTop > NEAR_TOP_PX && scroll.scrollHeight > scroll.clientHeight) return;
    const id = current;
    loadingOlder = true;
    older.hidden = false;
    try {
      noMoreOlder = !(await rt.loadOlder(id));
    } finally {
      loadingOlder = false;
      older.hidden = true;
    }
  }

  function showTyping(text: string): void {
    clearTimeout(typingTimer);
    typing.textContent = text;
    if (text) typingTimer = setTimeout(() => (typing.textContent = ""), 6000);
  }

  state.on("select", (id) => {
    current = id;
    rows.clear();
    log.replaceChildren();
    noMoreOlder = false;
    showTyping("");
    if (!id) return;
    void notes.load(id);
    void rt.open(id).then(() => {
      render();
      toBottom();
    });
    render();
    toBottom();
  });
  rt.on("change", () => render());
  notes.onChange((id) => id === current && render());
  // Opened before the socket was up (a reload at /agent?c=…), or notes written while it
  // was down: each (re)connect reads the open conversation's notes again.
  rt.on("ready", () => void (current && notes.load(current)));
  rt.on("typing", (ev) => {
    if (ev.conversationId === current && ev.from.type === "visitor") showTyping(ev.isTyping ? t("js.typing", { name: ev.from.name }) : "");
  });
  rt.on("incoming", ({ message }) => {
    if (message.conversationId === current && message.sender.type === "visitor") showTyping("");
  });
  // Transferred away or resolved: no typing line lingers from before.
  rt.on("conversation", (c) => c.id === current && !state.isMine(c) && showTyping(""));
  scroll.addEventListener("scroll", () => {
    markRead();
    void maybeLoadOlder();
  }, { passive: true });
  document.addEventListener("visibilitychange", markRead);
}
