// The search box above the conversation lists (GET /api/console/search): by visitor name,
// e-mail and message words, over what this agent may read. While it holds a query the
// results replace the lists; a click opens the conversation as the panel's history does
// (read-only when it is resolved or someone else's). `/` (outside a text field) or Ctrl+K
// focuses it, Escape clears it.
import type { Conversation } from "../../events.js";
import { el } from "../ui/dom.js";
import { getJson } from "./api.js";
import { ago } from "./format.js";
import { t, type ClientKey } from "./i18n.js";
import { typingInto } from "./shortcuts.js";
import type { ConsoleState } from "./state.js";

interface Hit {
  conversation: Conversation;
  match: "visitor" | "message";
  message: { seq: number; excerpt: string; highlights: [number, number][]; createdAt: string } | null;
  at: string;
}
interface Answer { results: Hit[]; messagesSearched: boolean }

/** Typing pauses this long before a search goes out (one request per pause, not per key). */
const DEBOUNCE_MS = 200;
const STATUS: Record<string, ClientKey> = { waiting: "js.search.waiting", open: "js.search.open", resolved: "js.search.resolved" };

/** The excerpt with its matches in <mark> (text nodes only: no HTML from the message). */
function marked(text: string, ranges: [number, number][]): HTMLElement {
  const line = el("span", { class: "citem__line sresult__excerpt" });
  let at = 0;
  for (const [s, e] of ranges) {
    if (s > at) line.append(text.slice(at, s));
    line.append(el("mark", { text: text.slice(s, e) }));
    at = e;
  }
  if (at < text.length) line.append(text.slice(at));
  return line;
}

export function mountSearch(state: ConsoleState, notice: (text: string) => void): void {
  const input = document.getElementById("search-q") as HTMLInputElement;
  const box = document.getElementById("search-results")!;
  const list = document.getElementById("search-list") as HTMLUListElement;
  const status = document.getElementById("search-status")!;
  const column = input.closest(".clists")!;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let asked = 0; // answers to an older query are dropped
  const shown = new Map<string, Conversation>();

  function item(h: Hit): HTMLLIElement {
    const c = h.conversation;
    const li = el("li", { class: `citem sresult${c.id === state.selected ? " citem--on" : ""}`, "data-id": c.id },
      el("span", { class: "citem__main" },
        el("span", { class: "citem__top" },
          el("span", { class: "citem__name", text: c.visitor.name }),
          el("time", { class: "citem__time", text: ago(Date.parse(h.at)) })),
        h.message ? marked(h.message.excerpt, h.message.highlights) : el("span", { class: "citem__line", text: t("js.search.nameOrEmail") }),
        el("span", { class: "citem__agent" },
          el("span", { class: `badge badge--${c.status}`, text: STATUS[c.status] ? t(STATUS[c.status]) : c.status }),
          ` ${c.agent ? c.agent.name : t("js.search.unassigned")}${h.message ? t("js.search.messageN", { n: h.message.seq }) : ""}`)));
    li.tabIndex = 0;
    return li;
  }

  function show(a: Answer): void {
    shown.clear();
    for (const h of a.results) shown.set(h.conversation.id, h.conversation);
    list.replaceChildren(...a.results.map(item));
    status.textContent = a.results.length ? "" : t("js.search.none");
    if (!a.messagesSearched) status.textContent += t("js.search.short");
    status.hidden = !status.textContent.trim();
  }

  function clear(): void {
    clearTimeout(timer);
    asked++;
    input.value = "";
    list.replaceChildren();
    box.hidden = true;
    column.classList.remove("clists--searching");
  }

  async function run(q: string): Promise<void> {
    const mine = ++asked;
    try {
      const a = await getJson<Answer>(`/api/console/search?q=${encodeURIComponent(q)}`);
      if (mine === asked) show(a);
    } catch (err) {
      if (mine === asked) notice(t("js.search.failed", { error: (err as Error).message }));
    }
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    const q = input.value.trim();
    if (!q) return clear();
    box.hidden = false;
    column.classList.add("clists--searching");
    timer = setTimeout(() => void run(q.slice(0, 200)), DEBOUNCE_MS);
  });
  input.addEventListener("keydown", (e) => {
    if (e.key === "Escape") {
      e.preventDefault();
      clear();
    } else if (e.key === "ArrowDown") {
      e.preventDefault();
      list.querySelector<HTMLElement>(".sresult")?.focus();
    }
  });
  document.getElementById("search")!.addEventListener("submit", (e) => e.preventDefault());

  const open = (id: string) => {
    const c = shown.get(id);
    if (c && !state.info(id)) state.rt.upsertConversation(c); // known to the chat and header from now on
    state.select(id);
  };
  list.addEventListener("click", (e) => {
    const li = (e.target as HTMLElement).closest<HTMLLIElement>(".sresult");
    if (li?.dataset.id) open(li.dataset.id);
  });
  list.addEventListener("keydown", (e) => {
    const li = (e.target as HTMLElement).closest<HTMLLIElement>(".sresult");
    if (!li) return;
    if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      if (li.dataset.id) open(li.dataset.id);
    } else if (e.key === "Escape") {
      clear();
      input.focus();
    }
  });

  document.addEventListener("keydown", (e) => {
    const ctrlK = (e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === "k";
    const slash = e.key === "/" && !e.ctrlKey && !e.metaKey && !e.altKey && !typingInto(e.target);
    if (!ctrlK && !slash) return;
    e.preventDefault();
    input.focus();
    input.select();
  });
}
