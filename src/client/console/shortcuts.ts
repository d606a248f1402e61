// The console's keyboard shortcuts: one table that the handler and the help dialog (`?`)
// both read, so what the dialog lists is what works. Alt+letter goes by the physical key
// (KeyboardEvent.code): on a Mac, Option+letter types a special character as `key`.
// Alt+Up/Down (lists.ts), `/` and Ctrl+K (search.ts), `/` and Enter (composer.ts, canned.ts) and Ctrl+Shift+N (note
// mode, composer.ts) are handled where they act, and listed here.
import { el } from "../ui/dom.js";
import { t, type ClientKey } from "./i18n.js";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T | null;
const visible = (e: HTMLElement | null): e is HTMLElement => !!e && !e.hidden && e.offsetParent !== null;

/** Clicks a header action only while it is offered for the conversation on screen. */
const press = (id: string) => () => {
  const b = $<HTMLButtonElement>(id);
  if (visible(b) && !b.disabled) b.click();
};

interface Shortcut { keys: string; what: ClientKey; code?: string; run?: () => void }
export const SHORTCUTS: Shortcut[] = [
  { keys: "Alt+↓ / Alt+↑", what: "js.sc.next" },
  { keys: "Alt+C", what: "js.sc.reply", code: "KeyC", run: () => $("text")?.focus() },
  { keys: "Alt+R", what: "js.sc.resolve", code: "KeyR", run: press("act-resolve") },
  { keys: "Alt+Z", what: "js.sc.snooze", code: "KeyZ", run: () => { const s = $("snooze-for"); if (visible(s)) s.focus(); } },
  { keys: "Alt+S", what: "js.sc.status", code: "KeyS", run: toggleStatus },
  { keys: "Alt+P", what: "js.sc.panel", code: "KeyP", run: press("toggle-panel") },
  { keys: "/ or Ctrl+K", what: "js.sc.search" },
  { keys: "/", what: "js.sc.canned" },
  { keys: "Ctrl+Shift+N", what: "js.sc.note" },
  { keys: "Enter / Shift+Enter", what: "js.sc.send" },
  { keys: "?", what: "js.sc.help" },
];

function toggleStatus(): void {
  const select = $<HTMLSelectElement>("my-status");
  if (!select) return;
  select.value = select.value === "online" ? "away" : "online";
  select.dispatchEvent(new Event("change"));
}

/** Whether a key goes into a text field (then `?` and `/` are typed, not shortcuts). */
export const typingInto = (t: EventTarget | null) =>
  t instanceof HTMLElement && (t.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(t.tagName));

export function mountShortcuts(): void {
  const dialog = $<HTMLDialogElement>("shortcuts");
  const list = $("shortcuts-list");
  list?.replaceChildren(...SHORTCUTS.map((s) => el("li", {}, el("kbd", { text: s.keys }), el("span", { text: t(s.what) }))));
  document.addEventListener("keydown", (e) => {
    if (e.altKey && !e.ctrlKey && !e.metaKey && !e.shiftKey) {
      const s = SHORTCUTS.find((x) => x.code === e.code);
      if (!s?.run) return;
      e.preventDefault();
      s.run();
    } else if (e.key === "?" && !e.ctrlKey && !e.metaKey && !e.altKey && !typingInto(e.target) && dialog && !dialog.open) {
      e.preventDefault();
      dialog.showModal();
    }
  });
  $("shortcuts-close")?.addEventListener("click", () => dialog?.close());
}
