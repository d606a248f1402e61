// The visitor panel: who the visitor is and where they came from (visitor.meta), and
// how good their connection is right now (presence store health), refreshed every few
// seconds and at once on a `presence` event.
import type { Conversation } from "../../events.js";
import { el } from "../ui/dom.js";
import { getJson } from "./api.js";
import { ago, browserOf, dateTime, localTimeIn } from "./format.js";
import { type ConnectionTest, fact, type Health, renderHealth } from "./panel-health.js";
import type { ConsoleState } from "./state.js";
import { mayReadVisitor } from "./visitor-access.js";
import { t } from "./i18n.js";

interface VisitorInfo {
  visitor: {
    id: string; name: string | null; email: string | null; pageUrl: string | null; pageTitle?: string | null; referrer: string | null;
    language: string | null; timezone: string | null; userAgent: string | null; firstSeenAt: string; lastSeenAt: string;
    /** The embedding site's user id of a verified visitor (IDENTITY_SECRET). */
    userId?: string | null;
    conversations: { id: string; csatRating?: number | null; csatComment?: string | null }[];
  };
  health: Health;
  /** The visitor's conversations as views, newest first (earlier ones open read-only). */
  history?: Conversation[];
  /** The visitor's latest connection tests (issue 15). */
  diagnostics?: ConnectionTest[];
}
const REFRESH_MS = 10_000;


/** The page URL as a link only when it is http(s); anything else stays text. With a
 *  title, the title is the link and the URL shows under it. */
function urlNode(url: string | null, title?: string | null): string | Node {
  if (!url) return "—";
  let node: string | Node = title || url;
  try {
    const u = new URL(url);
    if (u.protocol === "http:" || u.protocol === "https:") node = el("a", { href: u.href, target: "_blank", rel: "noopener noreferrer", text: title || url });
  } catch {
    /* not a URL */
  }
  if (!title) return node;
  const box = el("span", { class: "fact__page" }, node);
  box.append(el("span", { class: "muted small fact__url", text: url }));
  return box;
}

/** The visitor's latest CSAT rating (conversations come newest first), with its comment. */
function ratingFact(cs: VisitorInfo["visitor"]["conversations"]): HTMLElement[] {
  const rated = cs.find((c) => c.csatRating != null);
  if (!rated) return [];
  const stars = "★".repeat(rated.csatRating!) + "☆".repeat(5 - rated.csatRating!);
  return fact(t("js.fact.lastRating"), `${stars} ${rated.csatRating}/5${rated.csatComment ? ` “${rated.csatComment}”` : ""}`, rated.csatComment ?? undefined);
}

export function mountPanel(state: ConsoleState): void {
  const $ = (id: string) => document.getElementById(id)!;
  let visitorId: string | null = null;
  let last: VisitorInfo | null = null;
  let timer: ReturnType<typeof setInterval> | undefined;

  function render(info: VisitorInfo): void {
    const { visitor: v, health: h } = info;
    $("vpanel-empty").hidden = true;
    $("vpanel-body").hidden = false;
    $("v-name").textContent = v.name || t("js.visitor");
    $("v-email").textContent = v.email || t("js.noEmail");
    const local = localTimeIn(v.timezone);
    $("v-facts").replaceChildren(
      ...(v.userId ? fact(t("js.fact.verifiedUser"), v.userId, "Signed in on the site (IDENTITY_SECRET): one history on every device") : []),
      ...fact(t("js.fact.page"), urlNode(v.pageUrl, v.pageTitle)),
      ...fact(t("js.fact.referrer"), urlNode(v.referrer)),
      ...fact(t("js.fact.language"), v.language || "—"),
      ...fact(t("js.fact.timezone"), v.timezone ? `${v.timezone}${local ? ` (${local} there)` : ""}` : "—"),
      ...fact(t("js.fact.browser"), browserOf(v.userAgent), v.userAgent ?? undefined),
      ...fact(t("js.fact.firstSeen"), dateTime(v.firstSeenAt)),
      ...fact(t("js.fact.lastSeen"), h.presence === "online" || h.presence === "unstable" ? t("js.now") : ago(v.lastSeenAt)),
      ...fact(t("js.fact.conversations"), String(v.conversations.length)),
      ...ratingFact(v.conversations),
    );
    renderHealth(h.presence, h.rttMs, h, v.userAgent, info.diagnostics ?? []);
    renderHistory(info.history ?? []);
  }

  /** Every conversation of this visitor, one click away: an earlier one opens read-only. */
  function renderHistory(history: Conversation[]): void {
    const box = $("v-history");
    box.replaceChildren(...history.map((c) => {
      const here = c.id === state.selected;
      const b = el("button", { type: "button", class: `vhistory__item${here ? " vhistory__item--on" : ""}`, "data-id": c.id, "aria-current": here ? "true" : undefined },
        el("span", { text: dateTime(c.createdAt) }),
        el("span", { class: `badge badge--${c.status}`, text: t(`js.status.${c.status}`) }),
        el("span", { class: "muted small", text: c.agent ? c.agent.name : "" }));
      b.addEventListener("click", () => {
        if (!state.info(c.id)) state.rt.upsertConversation(c); // known to the chat and header from now on
        state.select(c.id);
      });
      return el("li", {}, b);
    }));
    $("v-history-title").hidden = history.length < 2;
    box.hidden = history.length < 2;
  }

  async function load(): Promise<void> {
    if (!visitorId || document.visibilityState !== "visible") return;
    // Transferred, resolved or taken by a colleague: what is shown stays, nothing is asked.
    if (!mayReadVisitor(state.selected ? state.info(state.selected) : undefined, state.me)) return;
    const id = visitorId;
    try {
      const info = await getJson<VisitorInfo>(`/api/visitors/${encodeURIComponent(id)}`);
      if (id !== visitorId) return;
      last = info;
      render(info);
    } catch {
      /* refused in a race with a transfer, or offline: keep what is shown */
    }
  }

  // A conversation named by the URL is selected before the lists say whose it is (a
  // reload): the panel follows once they do.
  state.on("change", () => {
    if (state.selected && !visitorId && state.info(state.selected)) follow(state.selected);
  });
  state.on("select", (cid) => follow(cid));
  function follow(cid: string | null): void {
    const c = cid ? state.info(cid) : undefined;
    // An earlier conversation of the visitor on screen: the panel stays as it is.
    if (c && last && c.visitor.id === visitorId && last.history?.some((h) => h.id === c.id)) return void render(last);
    visitorId = c?.visitor.id ?? null;
    last = null;
    $("vpanel-empty").hidden = !!visitorId && mayReadVisitor(c, state.me);
    $("vpanel-body").hidden = true;
    clearInterval(timer);
    if (!visitorId) return;
    void load();
    timer = setInterval(() => void load(), REFRESH_MS);
  }
  state.rt.on("presence", (p) => {
    if (p.participant.type === "visitor" && p.participant.id === visitorId && last) {
      last.health.presence = p.presence;
      if (p.rttMs != null) last.health.rttMs = p.rttMs;
      renderHealth(p.presence, last.health.rttMs, last.health, last.visitor.userAgent, last.diagnostics ?? []);
    }
  });
  // The visitor moved on the site: the page (and the rest of their context) at once.
  state.rt.conn.socket.on("visitor:context", (p) => {
    if (p.visitorId !== visitorId || !last) return;
    const { visitorId: _id, conversationIds: _cids, ...context } = p;
    last.visitor = { ...last.visitor, ...context };
    render(last);
  });
  document.addEventListener("visibilitychange", () => void load());
}
