// The left column: Mine / Waiting / All tabs, each conversation with the visitor's
// presence, the last line, and how many visitor messages are unread.
import type { Conversation } from "../../events.js";
import { el } from "../ui/dom.js";
import { ago, preview } from "./format.js";
import { labelChip } from "./labels.js";
import type { ConsoleState, Scope } from "./state.js";
import { t, type ClientKey } from "./i18n.js";

const EMPTY: Record<Scope, ClientKey> = { mine: "js.emptyMine", waiting: "js.emptyWaiting", all: "js.emptyAll", snoozed: "js.emptySnoozed" };

export function mountLists(state: ConsoleState): void {
  const list = document.getElementById("list") as HTMLUListElement;
  const empty = document.getElementById("list-empty")!;
  const tabs = [...document.querySelectorAll<HTMLButtonElement>(".ctab")];

  for (const tab of tabs) tab.addEventListener("click", () => state.setScope(tab.dataset.scope as Scope));

  function lastLine(c: Conversation): string {
    const msgs = state.rt.timeline.get(c.id)?.messages() ?? [];
    for (let i = msgs.length - 1; i >= 0; i--) {
      const m = msgs[i];
      if (m.type === "system") continue;
      const body = m.attachment ? `📎 ${m.attachment.name}` : m.body;
      return m.sender.type === "agent" ? `${m.sender.id === state.me.id ? t("js.you") : m.sender.name}: ${preview(body)}` : preview(body);
    }
    return t(c.status === "waiting" ? "js.waitingForAgent" : "js.noMessages");
  }

  function item(c: Conversation): HTMLLIElement {
    const unread = state.unread(c.id);
    const li = el(
      "li",
      { class: `citem${c.id === state.selected ? " citem--on" : ""}${unread ? " citem--unread" : ""}`, "data-id": c.id },
      el("span", { class: "dot", "data-presence": c.visitor.presence, title: c.visitor.presence }),
      el(
        "span",
        { class: "citem__main" },
        el("span", { class: "citem__top" },
          el("span", { class: "citem__name", text: c.visitor.name }),
          el("time", { class: "citem__time", text: ago(state.activity(c)) })),
        el("span", { class: "citem__line", text: lastLine(c) }),
        state.scope === "all" ? el("span", { class: "citem__agent", text: c.agent ? c.agent.name : "unassigned" }) : null,
        c.labels?.length ? el("span", { class: "citem__labels" }, ...c.labels.map((l) => labelChip(l, "span"))) : null,
      ),
      unread ? el("span", { class: "unread", text: unread > 99 ? "99+" : String(unread), "aria-label": `${unread} unread` }) : null,
    );
    li.tabIndex = 0;
    return li;
  }

  list.addEventListener("click", (e) => {
    const li = (e.target as HTMLElement).closest<HTMLLIElement>(".citem");
    if (li?.dataset.id) state.select(li.dataset.id);
  });
  list.addEventListener("keydown", (e) => {
    const li = (e.target as HTMLElement).closest<HTMLLIElement>(".citem");
    if (li?.dataset.id && (e.key === "Enter" || e.key === " ")) {
      e.preventDefault();
      state.select(li.dataset.id);
    }
  });

  // Alt+Down / Alt+Up: the next or previous conversation of the list, from anywhere
  // (the composer included), so working through a queue needs no mouse.
  document.addEventListener("keydown", (e) => {
    if (!e.altKey || e.ctrlKey || e.metaKey || (e.key !== "ArrowDown" && e.key !== "ArrowUp")) return;
    const items = state.conversations(state.scope);
    if (!items.length) return;
    e.preventDefault();
    const at = items.findIndex((c) => c.id === state.selected);
    const step = e.key === "ArrowDown" ? 1 : -1;
    state.select(items[at < 0 ? (step > 0 ? 0 : items.length - 1) : (at + step + items.length) % items.length].id);
  });

  function render(): void {
    for (const tab of tabs) {
      const scope = tab.dataset.scope as Scope;
      tab.setAttribute("aria-selected", String(scope === state.scope));
      const n = state.conversations(scope).length;
      const count = tab.querySelector(".count");
      if (count) count.textContent = String(n);
      tab.classList.toggle("ctab--attention", scope === "waiting" && n > 0);
    }
    const items = state.conversations(state.scope);
    const focused = (document.activeElement as HTMLElement | null)?.dataset?.id;
    list.replaceChildren(...items.map(item));
    if (focused) list.querySelector<HTMLElement>(`[data-id="${CSS.escape(focused)}"]`)?.focus();
    empty.hidden = items.length > 0;
    empty.textContent = t(EMPTY[state.scope]);
  }

  let queued = false;
  const schedule = () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      render();
    });
  };
  state.on("change", schedule);
  setInterval(schedule, 30_000); // "2 min ago" stays true
  render();
}
