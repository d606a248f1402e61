// The satisfaction prompt under a resolved conversation: five stars, an optional comment,
// `csat:submit`, then a thank-you. What to show comes from the server (GET
// /api/visitor/csat: the latest conversation, resolved or not, rated or not), so the
// prompt and the thank-you survive a reload, and a new conversation puts both away.
import { CSAT_COMMENT_MAX } from "../../events.js";
import { emitAck } from "../runtime/request.js";
import type { AppSocket } from "../runtime/socket.js";
import { el } from "../ui/dom.js";
import type { T } from "./i18n.js";

interface CsatView {
  conversationId: string;
  asked: boolean;
  rating: number | null;
  comment: string | null;
}

export class CsatPrompt {
  readonly root: HTMLElement;
  private readonly stars: HTMLButtonElement[];
  private readonly comment: HTMLTextAreaElement;
  private readonly submit: HTMLButtonElement;
  private readonly error: HTMLElement;
  private readonly ask: HTMLElement;
  private readonly thanks: HTMLElement;
  private conversationId: string | null = null;
  private rating = 0;

  constructor(private readonly t: T, private readonly d: { token: () => string | null; socket: AppSocket; changed: () => void }) {
    this.stars = [1, 2, 3, 4, 5].map((n) => {
      const b = el("button", { type: "button", class: "hf-star", "data-rating": String(n), "aria-pressed": "false", "aria-label": t("csatStar", { n }), title: t("csatStar", { n }), text: "★" });
      b.addEventListener("click", () => this.pick(n));
      return b;
    });
    this.comment = el("textarea", { class: "hf-input hf-csat-comment", rows: "2", maxlength: String(CSAT_COMMENT_MAX), placeholder: t("csatComment"), "aria-label": t("csatComment") });
    this.submit = el("button", { type: "submit", class: "hf-button", text: t("csatSend"), disabled: true });
    this.error = el("p", { class: "hf-form-error", role: "alert", hidden: true });
    this.ask = el("form", { class: "hf-csat-ask", novalidate: true },
      el("p", { class: "hf-prechat-title", text: t("csatTitle") }),
      el("div", { class: "hf-stars", role: "group", "aria-label": t("csatTitle") }, ...this.stars),
      this.comment, this.error, this.submit);
    this.thanks = el("p", { class: "hf-csat-thanks", role: "status", hidden: true });
    this.root = el("section", { class: "hf-csat", hidden: true, "aria-live": "polite" }, this.ask, this.thanks);
    this.ask.addEventListener("submit", (e) => (e.preventDefault(), void this.send()));
  }

  /** Asks the server what the latest conversation wants: the prompt, the thanks, or nothing. */
  async refresh(): Promise<void> {
    const token = this.d.token();
    if (!token) return this.show(null);
    try {
      const res = await fetch("/api/visitor/csat", { headers: { Authorization: `Bearer ${token}` } });
      if (!res.ok) return;
      this.show(((await res.json()) as { csat: CsatView | null }).csat);
    } catch {
      /* offline: keep what is shown; the next reconnect asks again */
    }
  }

  /** A new message starts a new conversation: the old one's prompt goes away. */
  hide(): void {
    this.show(null);
  }

  private show(v: CsatView | null): void {
    const changed = this.conversationId !== (v?.asked ? v.conversationId : null);
    this.conversationId = v?.asked ? v.conversationId : null;
    this.root.hidden = !v?.asked;
    if (v?.asked && v.rating !== null) this.thank(v.rating);
    else if (v?.asked && changed) {
      this.ask.hidden = false;
      this.thanks.hidden = true;
      this.pick(0);
      this.comment.value = "";
    }
    this.d.changed();
  }

  private pick(n: number): void {
    this.rating = n;
    this.stars.forEach((s, i) => s.setAttribute("aria-pressed", String(i < n)));
    this.submit.disabled = n === 0;
    this.error.hidden = true;
  }

  private thank(rating: number): void {
    this.ask.hidden = true;
    this.thanks.hidden = false;
    this.thanks.replaceChildren(el("span", { class: "hf-csat-stars", text: `${"★".repeat(rating)}${"☆".repeat(5 - rating)}` }), ` ${this.t("csatThanks")}`);
  }

  private async send(): Promise<void> {
    if (!this.conversationId || !this.rating) return;
    this.submit.disabled = true;
    const comment = this.comment.value.trim();
    const res = await emitAck(this.d.socket, "csat:submit", {
      conversationId: this.conversationId, rating: this.rating, ...(comment ? { comment } : {}),
    });
    this.submit.disabled = false;
    // CONFLICT: rated already (another tab): the server's word is the thanks.
    if (res.ok || res.error.code === "CONFLICT") return void this.refresh();
    this.error.textContent = this.t("csatFailed");
    this.error.hidden = false;
  }
}
