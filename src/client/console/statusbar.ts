// The top bar: this agent's status (online/away) and load against capacity, the link
// to the server, and the banner that says what the connection is doing.
import type { Status } from "../runtime.js";
import { linkQuality } from "../util.js";
import type { ConsoleState } from "./state.js";

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

  function renderConnection(s: Status): void {
    banner.hidden = s.state === "connected" || s.state === "idle";
    banner.dataset.state = s.state;
    retry.hidden = s.state !== "reconnecting";
    bannerText.textContent =
      s.state === "connecting" ? "Connecting…"
      : s.state === "reconnecting" ? `Connection lost. Reconnecting${s.retryInSec ? ` in ${s.retryInSec} s` : ""}… Replies you write are kept and sent when it is back.`
      : s.state === "offline" ? "You are offline. Replies you write are kept and sent when the network is back."
      : "";
    link.dataset.quality = s.state === "connected" ? linkQuality(rt.conn.rtt) : "none";
  }
  retry.addEventListener("click", () => rt.retryNow());
  rt.on("status", renderConnection);
  rt.on("rtt", (ms) => {
    link.dataset.quality = linkQuality(ms);
    link.title = `Connection to the server: ${ms} ms`;
  });
  rt.on("ready", () => void state.refreshTeam());
  renderConnection(rt.status);
}
