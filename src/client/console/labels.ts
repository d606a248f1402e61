// Labels in the console (issue 13): the open conversation's labels as chips under its
// header, added from the admins' list and removed with ×, by the agents who may read
// it; and a select above the lists that shows only the conversations with one label.
// Other consoles learn of a change by the `conversation` event, which carries labels.
import type { Conversation, Label } from "../../events.js";
import { MAX_LABELS_PER_CONVERSATION } from "../../events.js";
import { el } from "../ui/dom.js";
import { getJson } from "./api.js";
import { t } from "./i18n.js";
import type { ConsoleState } from "./state.js";

/** A label as a chip in its colour (also in the lists' items). */
export function labelChip<K extends "li" | "span">(l: Label, tag: K, extra: HTMLElement | null = null): HTMLElementTagNameMap[K] {
  const chip = el(tag, { class: "label-chip label-chip--live", "data-label": l.id }, el("span", { text: l.name }), extra);
  chip.style.setProperty("--label", l.colour); // the CSSOM: allowed where a style attribute is not
  return chip;
}

export function mountLabels(state: ConsoleState, notice: (text: string, kind?: "error" | "info") => void): void {
  const { rt, me } = state;
  const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
  const bar = $("chat-labels");
  const chips = $("label-chips");
  const add = $<HTMLSelectElement>("label-add");
  const filter = $<HTMLSelectElement>("label-filter");
  const filterWrap = $("label-filter-wrap");
  let catalogue: Label[] = [];

  // The same rule as the server's (labels.rules.ts): its agent, anyone while it waits, admins.
  const mayLabel = (c: Conversation) => me.role === "admin" || c.status === "waiting" || c.agent?.id === me.id;
  const chip = (l: Label, removable: boolean) => labelChip(l, "li",
    removable ? el("button", { type: "button", class: "label-chip__x", "data-remove": l.id, "aria-label": t("js.removeLabel", { name: l.name }), text: "×" }) : null);

  function render(): void {
    const c = state.selected ? state.info(state.selected) : undefined;
    const on = c?.labels ?? [];
    const editable = !!c && mayLabel(c);
    bar.hidden = !c || (!on.length && (!editable || !catalogue.length));
    if (!c) return;
    chips.replaceChildren(...on.map((l) => chip(l, editable)));
    const free = catalogue.filter((l) => !on.some((o) => o.id === l.id));
    add.hidden = !editable || !free.length || on.length >= MAX_LABELS_PER_CONVERSATION;
    add.replaceChildren(el("option", { value: "", text: t("js.plusLabel") }), ...free.map((l) => el("option", { value: l.id, text: l.name })));
  }

  function renderFilter(): void {
    if (state.labelFilter && !catalogue.some((l) => l.id === state.labelFilter)) state.setLabelFilter(null);
    filter.replaceChildren(el("option", { value: "", text: t("js.allLabels") }), ...catalogue.map((l) => el("option", { value: l.id, text: l.name })));
    filter.value = state.labelFilter ?? "";
    filterWrap.hidden = !catalogue.length;
  }

  async function load(): Promise<void> {
    catalogue = (await getJson<{ labels: Label[] }>("/api/labels")).labels;
    renderFilter();
    render();
  }

  async function change(next: (ids: string[]) => string[]): Promise<void> {
    const id = state.selected;
    const c = id ? state.info(id) : undefined;
    if (!id || !c) return;
    add.disabled = true;
    const res = await rt.setLabels(id, next((c.labels ?? []).map((l) => l.id)));
    add.disabled = false;
    if (!res.ok) notice(res.message);
  }

  add.addEventListener("change", () => {
    const chosen = add.value;
    if (chosen) void change((ids) => [...ids, chosen]);
  });
  chips.addEventListener("click", (e) => {
    const gone = (e.target as HTMLElement).closest<HTMLElement>("[data-remove]")?.dataset.remove;
    if (gone) void change((ids) => ids.filter((i) => i !== gone));
  });
  filter.addEventListener("change", () => state.setLabelFilter(filter.value || null));
  // The admins may have added or renamed labels since: read them again when reached for.
  add.addEventListener("focus", () => void load().catch(() => {}));
  filter.addEventListener("focus", () => void load().catch(() => {}));

  state.on("change", render);
  void load().catch(() => {});
}
