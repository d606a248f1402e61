// The conversation header: who, status, and the actions that fit it — claim a waiting
// conversation, transfer an open one to an online colleague, resolve it.
import type { Conversation } from "../../events.js";
import { el } from "../ui/dom.js";
import type { ConsoleState, TeamAgent } from "./state.js";
import { t } from "./i18n.js";

const AVAILABLE = new Set(["online", "unstable"]);

export function mountHeader(state: ConsoleState, notice: (text: string, kind?: "error" | "info") => void): void {
  const { rt, me } = state;
  const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
  const head = $("chat-head");
  const empty = $("chat-empty");
  const claim = $<HTMLButtonElement>("act-claim");
  const resolve = $<HTMLButtonElement>("act-resolve");
  const transfer = $("transfer");
  const transferTo = $<HTMLSelectElement>("transfer-to");
  const transferBtn = $<HTMLButtonElement>("act-transfer");

  const canManage = (c: Conversation) => c.status === "open" && (c.agent?.id === me.id || me.role === "admin");

  function targets(c: Conversation): TeamAgent[] {
    return state.team.filter((a) => a.id !== c.agent?.id && AVAILABLE.has(a.presence) && a.status !== "away");
  }

  function fillTransfer(c: Conversation): void {
    const chosen = transferTo.value;
    const options = targets(c).map((a) => el("option", { value: a.id, text: `${a.name} (${a.load}/${a.maxConcurrent})` }));
    transferTo.replaceChildren(el("option", { value: "", text: t(options.length ? "js.transferTo" : "js.nobodyOnline") }), ...options);
    transferTo.value = options.some((o) => o.value === chosen) ? chosen : "";
    transferBtn.disabled = !transferTo.value;
  }

  function render(): void {
    const c = state.selected ? state.info(state.selected) : undefined;
    head.hidden = !c;
    empty.hidden = !!c;
    if (!c) return;
    $("chat-name").textContent = c.visitor.name;
    $("chat-dot").dataset.presence = c.visitor.presence;
    $("chat-dot").title = c.visitor.presence;
    const status = $("chat-status");
    status.textContent = t(`js.status.${c.status}`);
    status.className = `badge badge--${c.status}`;
    const by = c.status === "resolved" ? "js.handledByAgent" : "js.withAgent";
    $("chat-agent").textContent = c.agent ? t(by, { name: c.agent.id === me.id ? t("js.youLower") : c.agent.name }) : "";
    const note = $("chat-notice");
    note.textContent =
      c.status === "resolved" ? t("js.resolvedNotice")
      : c.status === "open" && c.agent?.id !== me.id && me.role !== "admin" ? t("js.handledBy", { name: c.agent?.name ?? t("js.anotherAgent") })
      : "";
    note.hidden = !note.textContent;
    claim.hidden = c.status !== "waiting";
    resolve.hidden = !canManage(c);
    transfer.hidden = !canManage(c);
    if (!transfer.hidden) fillTransfer(c); // keeps the chosen agent if still available
  }

  async function act(button: HTMLButtonElement, event: "conversation:claim" | "conversation:resolve" | "conversation:transfer", toAgentId?: string) {
    const id = state.selected;
    if (!id) return;
    button.disabled = true;
    const res = await rt.act(event, { conversationId: id, ...(toAgentId ? { toAgentId } : {}) });
    button.disabled = false;
    if (res.ok) {
      if (event === "conversation:transfer") notice(t("js.transferred", { name: res.conversation.agent?.name ?? t("js.aColleague") }), "info");
      if (event === "conversation:claim") state.setScope("mine");
      if (event === "conversation:resolve") nextAfterResolve(id, res.conversation);
      void state.refreshTeam();
    } else if (res.code === "CONFLICT" && event === "conversation:claim") {
      notice(t("js.tookFirst"));
      void state.refreshLists();
    } else {
      notice(res.message);
    }
  }

  /** Done with one: go on to the next of this agent's open conversations, if any (the
   * resolved one stays on screen when it was the last). */
  function nextAfterResolve(id: string, c: Conversation): void {
    const next = state.conversations("mine").find((o) => o.id !== id);
    if (!next || state.selected !== id) return;
    notice(t("js.resolvedWith", { name: c.visitor.name }), "info");
    state.select(next.id);
  }

  claim.addEventListener("click", () => void act(claim, "conversation:claim"));
  resolve.addEventListener("click", () => void act(resolve, "conversation:resolve"));
  transferBtn.addEventListener("click", () => transferTo.value && void act(transferBtn, "conversation:transfer", transferTo.value));
  transferTo.addEventListener("change", () => (transferBtn.disabled = !transferTo.value));
  // The list of who is online goes stale quickly: refresh it when the agent reaches for it.
  transferTo.addEventListener("focus", () => void state.refreshTeam());
  $("toggle-panel").addEventListener("click", () => document.body.classList.toggle("show-panel"));

  state.on("change", render);
  state.on("team", render);
  render();
}
