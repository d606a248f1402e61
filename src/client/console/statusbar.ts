// The top bar: this agent's status (online/away) and load against capacity, the link
// to the server, and the banner that says what the connection is doing.
import type { Status } from "../runtime/runtime.js";
import { BannerState, linkQuality, offersRetry } from "../ui/link-status.js";
import type { ConsoleState } from "./state.js";
import { t } from "./i18n.js";

export function mountStatusBar(state: ConsoleState): void {
  const { rt, me } = state;
  const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
  const select = $<HTMLSelectElement>("my-status");
  const dot = $("my-dot");
  const load = $("my-load");
  const link = $("my-link");
  const banner = $("banner");
  const bannerText = $("banner-text");
  const retry = $<HTMLButtonElement>("banner-retry");

  function showStatus(s: "online" | "away"): void {
    select.value = s;
    dot.dataset.status = s;
  }

  // Whether automatic assignment gives me chats (the server's agent.takes_chats).
  const takes = $<HTMLInputElement>("my-takes-chats");
  takes.addEventListener("change", async () => {
    const wanted = takes.checked;
    takes.disabled = true;
    const ok = await rt.setTakesChats(wanted);
    takes.disabled = false;
    if (!ok) takes.checked = !wanted;
    void state.refreshTeam();
  });

  select.addEventListener("change", async () => {
    const wanted = select.value as "online" | "away";
    select.disabled = true;
    const ok = await rt.setStatus(wanted);
    select.disabled = false;
    showStatus(ok ? wanted : wanted === "online" ? "away" : "online");
    void state.refreshTeam();
  });

  function renderLoad(): void {
    const mine = state.conversations("mine").length;
    const cap = state.myself()?.maxConcurrent ?? me.maxConcurrent;
    load.textContent = `${mine} / ${cap}`;
    load.dataset.full = String(mine >= cap);
  }

  state.on("team", () => {
    const self = state.myself();
    if (self && document.activeElement !== select && !select.disabled) showStatus(self.status);
    renderLoad();
  });
  state.on("change", renderLoad);

  // The same steady banner as the visitor page (ui/link-status.ts), and live data dimmed while
  // it may be stale (body[data-conn]).
  const tracker = new BannerState(() => renderConnection(rt.status));
  function renderConnection(s: Status): void {
    const kind = tracker.kind(s);
    document.body.dataset.conn = s.state;
    banner.hidden = kind === "none";
    banner.dataset.state = kind;
    retry.hidden = !offersRetry(kind);
    const lost = t(tracker.everConnected ? "js.lostReconnecting" : "js.cantReachReconnecting");
    const kept = t("js.kept");
    bannerText.textContent =
      kind === "waiting" && s.state === "reconnecting" && s.retryInSec > 0 ? t("js.bannerIn", { lost, n: s.retryInSec, kept })
      : kind === "waiting" || kind === "trying" ? t("js.bannerNow", { lost, kept })
      : kind === "offline" ? t("js.offline")
      : kind === "back" ? t("js.back")
      : "";
    link.dataset.quality = s.state === "connected" ? linkQuality(rt.conn.rtt) : "none";
    link.title = t(s.state === "connected" ? "js.linkOk" : "js.linkDown");
  }
  retry.addEventListener("click", () => rt.retryNow());
  rt.on("status", (s) => (tracker.update(s), renderConnection(s)));
  rt.on("rtt", (ms) => {
    link.dataset.quality = linkQuality(ms);
    link.title = t("js.linkRtt", { ms });
  });
  rt.on("ready", () => void state.refreshTeam());
  renderConnection(rt.status);
}
