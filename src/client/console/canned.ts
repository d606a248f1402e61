// The canned-response picker: `/` at the start of the reply or after a space opens it;
// more letters filter by shortcut (then by text); arrows move, Enter or Tab inserts,
// Escape closes. The chosen text replaces the `/word` that was typed.
import { el } from "../ui/dom.js";
import { getJson } from "./api.js";
import { preview } from "./format.js";
import { t } from "./i18n.js";

interface Canned {
  id: string;
  shortcut: string;
  body: string;
}
const TTL_MS = 60_000;

export function mountCanned(text: HTMLTextAreaElement, changed: () => void) {
  const box = document.getElementById("canned") as HTMLUListElement;
  let all: Canned[] = [];
  let loadedAt = 0;
  let shown: Canned[] = [];
  let active = 0;

  async function load(): Promise<void> {
    if (Date.now() - loadedAt < TTL_MS) return;
    loadedAt = Date.now();
    all = (await getJson<{ canned: Canned[] }>("/api/canned").catch(() => ({ canned: all }))).canned;
  }

  /** The `/word` just before the caret, if the caret is inside one. */
  function token(): { start: number; query: string } | null {
    const upto = text.value.slice(0, text.selectionStart ?? 0);
    const m = /(^|\s)\/([\w-]{0,32})$/.exec(upto);
    return m ? { start: upto.length - m[2].length - 1, query: m[2].toLowerCase() } : null;
  }

  function render(): void {
    box.replaceChildren(
      ...shown.map((c, i) => {
        const li = el("li", { role: "option", class: `canned__item${i === active ? " canned__item--on" : ""}`, "aria-selected": String(i === active), "data-i": String(i) },
          el("span", { class: "canned__key", text: `/${c.shortcut}` }),
          el("span", { class: "canned__body", text: preview(c.body, 90) }));
        return li;
      }),
    );
    if (!shown.length) box.append(el("li", { class: "canned__none", text: all.length ? t("js.canned.noMatch") : t("js.canned.none") }));
    box.hidden = false;
  }

  function close(): void {
    box.hidden = true;
    shown = [];
  }

  async function update(): Promise<void> {
    const t = token();
    if (!t) return close();
    await load();
    const again = token(); // the agent may have typed on meanwhile
    if (!again) return close();
    const q = again.query;
    shown = [...all.filter((c) => c.shortcut.startsWith(q)), ...all.filter((c) => !c.shortcut.startsWith(q) && (c.shortcut.includes(q) || c.body.toLowerCase().includes(q)))].slice(0, 8);
    active = Math.min(active, Math.max(0, shown.length - 1));
    render();
  }

  function choose(i: number): void {
    const c = shown[i];
    const t = token();
    if (!c || !t) return close();
    const caret = text.selectionStart ?? text.value.length;
    text.value = text.value.slice(0, t.start) + c.body + text.value.slice(caret);
    const pos = t.start + c.body.length;
    text.setSelectionRange(pos, pos);
    close();
    text.dispatchEvent(new Event("input")); // drafts and typing see the change
    changed();
    text.focus();
  }

  box.addEventListener("mousedown", (e) => {
    const li = (e.target as HTMLElement).closest<HTMLElement>("[data-i]");
    if (!li) return;
    e.preventDefault(); // keep the focus (and the caret) in the textarea
    choose(Number(li.dataset.i));
  });

  return {
    update: () => void update(),
    close,
    /** Returns true when the key was the picker's. */
    handleKey(e: KeyboardEvent): boolean {
      if (box.hidden || !shown.length) {
        if (!box.hidden && e.key === "Escape") close();
        return false;
      }
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        active = (active + (e.key === "ArrowDown" ? 1 : shown.length - 1)) % shown.length;
        render();
      } else if (e.key === "Enter" || e.key === "Tab") {
        choose(active);
      } else if (e.key === "Escape") {
        close();
      } else return false;
      e.preventDefault();
      return true;
    },
  };
}
