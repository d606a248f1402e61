// The chat page's static structure (header, status banner, transcript area, pre-chat
// form, composer) and the small setters that keep it in step with the runtime. Built
// with DOM calls only; visitor.css does all the styling.
import { el, icon, ICONS } from "../ui/dom.js";
import type { T } from "./i18n.js";
import type { Status } from "../runtime/runtime.js";
import { linkQuality, offersRetry, type BannerState } from "../ui/link-status.js";
import { initial } from "./messages.js";

export interface ViewConfig {
  title: string;
  greeting: string;
  embed: boolean;
}

export function buildView(t: T, cfg: ViewConfig) {
  const avatar = el("span", { class: "hf-avatar", "aria-hidden": "true", text: initial(cfg.title) });
  const title = el("h1", { class: "hf-title", text: cfg.title });
  const subtitle = el("p", { class: "hf-subtitle", text: t("subtitleDefault") });
  const presenceDot = el("span", { class: "hf-dot", hidden: true });
  const link = el("span", { class: "hf-link", "data-quality": "unknown", role: "img", "aria-label": t("linkUnknown"), title: t("linkUnknown") },
    el("i"), el("i"), el("i"));
  const close = el("button", { type: "button", class: "hf-iconbtn hf-close", "aria-label": t("close"), title: t("close") }, icon(ICONS.close, 20));
  const header = el("header", { class: "hf-header" },
    el("div", { class: "hf-avatar-wrap" }, avatar, presenceDot),
    el("div", { class: "hf-heading" }, title, subtitle),
    link,
    cfg.embed ? close : null);

  const bannerText = el("span", { class: "hf-banner-text" });
  const bannerRetry = el("button", { type: "button", class: "hf-banner-btn", text: t("retryNow"), hidden: true });
  // The connection test (/diagnostics) in a new tab: what is wrong with this link, in words
  // the visitor can pass on; app.ts adds the ticket that shows the result to the agent.
  const bannerTest = el("a", { class: "hf-banner-link", href: "/diagnostics", target: "_blank", rel: "noopener", text: t("testConnection"), hidden: true });
  const banner = el("div", { class: "hf-banner", role: "status", "aria-live": "polite", hidden: true }, bannerText, bannerRetry, bannerTest);

  const welcome = el("div", { class: "hf-row hf-row--theirs hf-welcome" },
    el("div", { class: "hf-bubble" }, el("p", { class: "hf-text", text: cfg.greeting })));

  const name = el("input", { class: "hf-input", name: "name", autocomplete: "name", maxlength: "100" });
  const email = el("input", { class: "hf-input", name: "email", type: "email", autocomplete: "email", maxlength: "200" });
  const prechatError = el("p", { class: "hf-form-error", role: "alert", hidden: true });
  const prechat = el("form", { class: "hf-prechat", novalidate: true, hidden: true },
    el("p", { class: "hf-prechat-title", text: t("prechatTitle") }),
    el("p", { class: "hf-prechat-hint", text: t("prechatHint") }),
    el("label", { class: "hf-field" }, el("span", { text: t("name") }), name),
    el("label", { class: "hf-field" }, el("span", { text: t("email") }), email),
    prechatError,
    el("button", { type: "submit", class: "hf-button", text: t("start") }));

  const typingText = el("span", { class: "hf-typing-text" });
  const typing = el("div", { class: "hf-typing", hidden: true, "aria-live": "polite" },
    el("span", { class: "hf-typing-dots", "aria-hidden": "true" }, el("i"), el("i"), el("i")), typingText);
  const scroll = el("main", { class: "hf-scroll" }, welcome, prechat);

  const notice = el("div", { class: "hf-notice", role: "note", hidden: true });
  const toast = el("div", { class: "hf-toast", role: "alert", hidden: true });
  const textarea = el("textarea", { class: "hf-textarea", rows: "1", maxlength: "5000", placeholder: t("placeholder"), "aria-label": t("placeholder"), enterkeyhint: "send" });
  const file = el("input", { type: "file", class: "hf-file-input", tabindex: "-1", "aria-hidden": "true" });
  const attach = el("button", { type: "button", class: "hf-iconbtn hf-attach", "aria-label": t("attach"), title: t("attach") }, icon(ICONS.clip, 20));
  const send = el("button", { type: "submit", class: "hf-send", "aria-label": t("send"), title: t("send") }, icon(ICONS.send, 18));
  const composer = el("form", { class: "hf-composer" }, attach, file, textarea, send);
  const footer = el("p", { class: "hf-footer", text: t("poweredBy") });
  const bottom = el("div", { class: "hf-bottom" }, typing, notice, toast, composer, footer);

  return { header, avatar, title, subtitle, presenceDot, link, close, banner, bannerText, bannerRetry, bannerTest, scroll, prechat, prechatError, name, email, typing, typingText, notice, toast, textarea, file, attach, send, composer, bottom };
}
export type View = ReturnType<typeof buildView>;

/** Reflects the connection status (see ui/link-status.ts: the banner is steady while there is
 * trouble). "Connected" is shown briefly after a recovery only, so a healthy chat
 * carries no banner at all. */
export function showStatus(v: View, t: T, s: Status, state: BannerState): void {
  const kind = state.kind(s);
  const everConnected = state.everConnected;
  v.banner.hidden = kind === "none";
  v.banner.dataset.state = kind;
  v.bannerRetry.hidden = !offersRetry(kind);
  v.bannerTest.hidden = !offersRetry(kind);
  const lost = everConnected ? "reconnecting" : "cantReach";
  if (kind === "waiting" && s.state === "reconnecting" && s.retryInSec > 0) v.bannerText.textContent = t(lost, { n: s.retryInSec });
  else if (kind === "waiting" || kind === "trying") v.bannerText.textContent = t(everConnected ? "reconnectingNow" : "cantReachNow");
  else if (kind === "offline") v.bannerText.textContent = t("offline");
  else if (kind === "back") v.bannerText.textContent = t("connected");
}

/** The header's signal bars: the last measured round trip, or "not connected". */
export function showRtt(v: View, t: T, rtt: number | null, connected: boolean): void {
  const q = connected ? linkQuality(rtt) : "none";
  const key = q === "good" ? "linkGood" : q === "fair" ? "linkFair" : q === "poor" ? "linkPoor" : q === "none" ? "linkNone" : "linkUnknown";
  const label = rtt == null || !connected ? t(key) : `${t(key)} (${rtt} ms)`;
  v.link.dataset.quality = q;
  v.link.setAttribute("aria-label", label);
  v.link.title = label;
}

let toastTimer: ReturnType<typeof setTimeout> | undefined;
export function showToast(v: View, text: string, ms = 5000): void {
  v.toast.textContent = text;
  v.toast.hidden = !text;
  clearTimeout(toastTimer);
  if (text && ms) toastTimer = setTimeout(() => (v.toast.hidden = true), ms);
}
