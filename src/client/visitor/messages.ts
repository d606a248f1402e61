// The transcript as a keyed list: each entry's row is built once and then only its
// state (ticks, grouping) is updated, so a pending message turns into a sent one in
// place and screen readers do not hear the whole log again on every change.
import type { Attachment } from "../../events.js";
import { el, formatBytes, formatTime, icon, ICONS, linkify, safeHref } from "../ui/dom.js";
import type { T } from "./i18n.js";
import { UNSENDABLE, type Entry, type EntryState } from "../runtime/runtime.js";
import { systemLine } from "./system-lines.js";

interface Row {
  li: HTMLLIElement;
  meta: HTMLElement | null;
  state: EntryState | null | undefined;
  bubble: HTMLElement | null;
  /** The body the bubble shows: the outbox's until the stored message replaces it. */
  body: string;
  masked: boolean;
}

export interface RowActions {
  retry(clientMsgId: string): void;
  discard(clientMsgId: string): void;
}

const GROUP_MS = 5 * 60_000;
const TICK: Record<EntryState, string[]> = {
  pending: ICONS.clock,
  sent: ICONS.check,
  delivered: ICONS.checks,
  read: ICONS.checks,
  failed: ICONS.alert,
};

function senderOf(e: Entry): string {
  const m = e.message;
  return e.mine ? "me" : m ? `${m.sender.type}:${m.sender.id}` : "?";
}
const timeOf = (e: Entry) => e.message?.createdAt ?? e.item?.createdAt ?? "";

export class MessageList {
  readonly root: HTMLOListElement;
  private rows = new Map<string, Row>();

  constructor(
    private readonly t: T,
    private readonly lang: string,
    private readonly actions: RowActions,
    /** Stored lines the admin worded for this language (the offline message), as shown. */
    private readonly ownLines: Readonly<Record<string, string>> = {},
  ) {
    this.root = el("ol", { class: "hf-list", role: "log", "aria-live": "polite", "aria-relevant": "additions" });
  }

  render(entries: Entry[]): void {
    const seen = new Set<string>();
    let prev: Entry | null = null;
    let prevRow: Row | null = null;
    entries.forEach((e, index) => {
      seen.add(e.key);
      let row = this.rows.get(e.key);
      if (!row) this.rows.set(e.key, (row = this.build(e)));
      const continued = !!prev && senderOf(prev) === senderOf(e) && !isSystem(e) && Date.parse(timeOf(e)) - Date.parse(timeOf(prev)) < GROUP_MS;
      // A group shows its author on the first row and the time on the last.
      row.li.classList.toggle("hf-row--cont", continued);
      prevRow?.li.classList.toggle("hf-row--more", continued);
      row.li.classList.remove("hf-row--more");
      prevRow = row;
      if (row.state !== e.state) this.setState(row, e);
      this.showStored(row, e);
      const at = this.root.children[index];
      if (at !== row.li) this.root.insertBefore(row.li, at ?? null);
      prev = e;
    });
    for (const [key, row] of this.rows) {
      if (!seen.has(key)) {
        row.li.remove();
        this.rows.delete(key);
      }
    }
  }

  private build(e: Entry): Row {
    const m = e.message;
    if (m && isSystem(e)) {
      const li = el("li", { class: "hf-row hf-row--system" }, el("p", { class: "hf-system", text: systemLine(m.body, this.lang, this.ownLines) }));
      return { li, meta: null, state: null, bubble: null, body: m.body, masked: false };
    }
    const body = m?.body ?? e.item?.body ?? "";
    const type = m?.type ?? e.item?.type ?? "text";
    const attachment = m?.attachment ?? e.item?.attachment;
    const li = el("li", { class: `hf-row ${e.mine ? "hf-row--mine" : "hf-row--theirs"}` });
    if (!e.mine && m) {
      const name = m.sender.name || this.t("someone");
      li.append(el("div", { class: "hf-author" }, el("span", { class: "hf-avatar hf-avatar--sm", "aria-hidden": "true", text: initial(name) }), el("span", { text: name })));
    }
    const bubble = el("div", { class: `hf-bubble hf-bubble--${type}` }, this.content(type, body, attachment));
    li.append(bubble);
    const meta = el("div", { class: "hf-meta" }, el("time", { datetime: timeOf(e), text: formatTime(timeOf(e), this.lang) }));
    li.append(meta);
    return { li, meta, state: undefined, bubble, body, masked: false };
  }

  /** The row keeps its place from pending to sent, but shows what the server stored: when
   *  the content filter masked words, the sender sees the masked text (what the other side
   *  reads) and a note saying so, not the words they typed. */
  private showStored(row: Row, e: Entry): void {
    const m = e.message;
    if (!m || !row.bubble) return;
    if (m.type === "text" && m.body !== row.body) {
      row.body = m.body;
      row.bubble.replaceChildren(this.content(m.type, m.body, m.attachment));
    }
    if (e.masked && !row.masked) {
      row.masked = true;
      row.bubble.after(el("p", { class: "hf-masked", text: this.t("wordsHidden") }));
    }
  }

  private content(type: string, body: string, a: Attachment | undefined): Node {
    const href = a ? safeHref(a.url) : null;
    if (a && href && type === "image" && a.mime.startsWith("image/")) {
      const img = el("img", { src: href, alt: a.name, loading: "lazy", decoding: "async" });
      return el("a", { class: "hf-image", href, target: "_blank", rel: "noopener noreferrer", "aria-label": this.t("openImage", { name: a.name }) }, img);
    }
    if (a && href) {
      return el(
        "a",
        { class: "hf-file", href, target: "_blank", rel: "noopener noreferrer", download: a.name, "aria-label": this.t("download", { name: a.name }) },
        el("span", { class: "hf-file-icon" }, icon(ICONS.file, 22)),
        el("span", { class: "hf-file-text" }, el("span", { class: "hf-file-name", text: a.name }), el("span", { class: "hf-file-size", text: formatBytes(a.size) })),
      );
    }
    return el("p", { class: "hf-text" }, linkify(body));
  }

  private setState(row: Row, e: Entry): void {
    row.state = e.state;
    if (!row.meta || !e.state) return;
    row.li.dataset.state = e.state;
    row.meta.querySelector(".hf-tick")?.remove();
    row.meta.querySelector(".hf-failed")?.remove();
    const label = this.t(e.state);
    row.meta.append(el("span", { class: `hf-tick hf-tick--${e.state}`, role: "img", "aria-label": label, title: label }, icon(TICK[e.state], 14)));
    const id = e.item?.clientMsgId;
    if (e.state === "failed" && id) {
      // A message the server can never take gets its reason and no retry.
      const error = e.item?.error ?? "";
      const retry = el("button", { type: "button", class: "hf-linkbtn", text: this.t("retry") });
      retry.addEventListener("click", () => this.actions.retry(id));
      const remove = el("button", { type: "button", class: "hf-linkbtn hf-linkbtn--muted", text: this.t("remove") });
      remove.addEventListener("click", () => this.actions.discard(id));
      const reason = error === "TOO_LONG" ? this.t("failedTooLong") : error === "VALIDATION" ? this.t("failedInvalid") : label;
      row.meta.append(el("span", { class: "hf-failed" }, el("span", { text: reason }), ...(UNSENDABLE.has(error) ? [] : [retry]), remove));
    }
  }
}

function isSystem(e: Entry): boolean {
  return e.message?.sender.type === "system" || e.message?.type === "system";
}

export function initial(name: string): string {
  const c = Array.from(name.trim())[0];
  return c ? c.toUpperCase() : "?";
}
