// Snooze in the conversation header (issue 11): out of Mine until a time or until the
// visitor writes, in the Snoozed view meanwhile; it comes back by itself (the server's
// `conversation` event) and the agent is told so.
import type { Conversation } from "../../events.js";
import type { ConsoleState } from "./state.js";
import { t } from "./i18n.js";

const HOUR = 3600_000;

/** The instant a choice of the menu means, from `now` (local time for "tomorrow"). */
export function snoozeChoice(choice: string, now: Date): string | null | undefined {
  if (choice === "reply") return null;
  if (choice === "1h") return new Date(now.getTime() + HOUR).toISOString();
  if (choice === "4h") return new Date(now.getTime() + 4 * HOUR).toISOString();
  if (choice === "tomorrow") {
    const t = new Date(now);
    t.setDate(t.getDate() + 1);
    t.setHours(9, 0, 0, 0);
    return t.toISOString();
  }
  return undefined;
}

const when = (iso: string) =>
  new Date(iso).toLocaleString(undefined, { weekday: "short", hour: "2-digit", minute: "2-digit" });

export function mountSnooze(state: ConsoleState, notice: (text: string, kind?: "error" | "info") => void): void {
  const { rt, me } = state;
  const menu = document.getElementById("snooze-for") as HTMLSelectElement;
  const wake = document.getElementById("act-unsnooze") as HTMLButtonElement;
  const canManage = (c: Conversation) => c.status === "open" && (c.agent?.id === me.id || me.role === "admin");
  const snoozed = new Set<string>();

  function render(): void {
    const c = state.selected ? state.info(state.selected) : undefined;
    menu.hidden = !c || !canManage(c) || !!c.snooze;
    wake.hidden = !c || !canManage(c) || !c.snooze;
    if (!c?.snooze) return;
    const status = document.getElementById("chat-status")!;
    status.textContent = t("js.status.snoozed");
    status.className = "badge badge--snoozed";
    const note = document.getElementById("chat-notice")!;
    note.textContent = c.snooze.until ? t("js.snoozedUntil", { when: when(c.snooze.until) }) : t("js.snoozedReply");
    note.hidden = false;
  }

  async function act(until: string | null | false): Promise<void> {
    const id = state.selected;
    if (!id) return;
    const name = state.info(id)?.visitor.name ?? t("js.theVisitor");
    menu.disabled = wake.disabled = true;
    const res = await rt.snooze(id, until);
    menu.disabled = wake.disabled = false;
    menu.value = "";
    if (!res.ok) return notice(res.message);
    if (until === false) return notice(t("js.backInMine", { name }), "info");
    notice(until ? t("js.snoozedNameUntil", { name, when: when(until) }) : t("js.snoozedNameReply", { name }), "info");
    const next = state.conversations("mine").find((o) => o.id !== id);
    if (next && state.selected === id) state.select(next.id);
  }

  menu.addEventListener("change", () => {
    const until = snoozeChoice(menu.value, new Date());
    if (until !== undefined) void act(until);
  });
  wake.addEventListener("click", () => void act(false));

  // Back by itself (its time came, or the visitor wrote): say so, once.
  rt.on("conversation", (c) => {
    if (c.snooze) snoozed.add(c.id);
    else if (snoozed.delete(c.id) && state.isMine(c)) notice(t("js.backFromSnooze", { name: c.visitor.name }), "info");
  });
  state.on("change", () => {
    for (const c of state.conversations("snoozed")) snoozed.add(c.id);
    render();
  });
}
